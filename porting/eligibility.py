"""Number lookup for eligibility checks and order validation: parse, classify, ask the carrier."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from porting.carriers import NumberLookup, carrier_for_mode
from porting.errors import ValidationFailed, field_error
from porting.phone import NotAPhoneNumber, ParsedNumber, parse_e164

MAX_NUMBERS = 1000


@dataclass(frozen=True)
class Eligibility:
    portable: list[NumberLookup]
    non_portable: list[NumberLookup]


def parse_number_list(
    values: object, *, pointer: str = "/phone_numbers", allow_duplicates: bool = False
) -> list[ParsedNumber]:
    """Parse a JSON list of E.164 strings; every bad entry is reported with its own pointer."""
    if not isinstance(values, list):
        raise ValidationFailed(
            "phone_numbers must be a list.", errors=[field_error(pointer, "Expected a list of phone numbers.")]
        )
    if not values:
        raise ValidationFailed(
            "At least one phone number is required.", errors=[field_error(pointer, "Must not be empty.")]
        )
    if len(values) > MAX_NUMBERS:
        raise ValidationFailed(
            f"At most {MAX_NUMBERS} phone numbers per request.",
            errors=[field_error(pointer, f"Must contain at most {MAX_NUMBERS} numbers.")],
        )
    parsed: list[ParsedNumber] = []
    errors = []
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        try:
            number = parse_e164(value)
        except NotAPhoneNumber as exc:
            errors.append(field_error(f"{pointer}/{index}", f"{value!r} {exc}"))
            continue
        if number.e164 in seen:
            if not allow_duplicates:
                detail = f"{number.e164} is listed twice (also at index {seen[number.e164]})."
                errors.append(field_error(f"{pointer}/{index}", detail))
            continue
        seen[number.e164] = index
        parsed.append(number)
    if errors:
        raise ValidationFailed("Some phone numbers are invalid.", errors=errors)
    return parsed


def check_eligibility(values: object, *, livemode: bool) -> Eligibility:
    """Which numbers can be ported in, with their losing carrier; duplicates are answered once."""
    numbers = parse_number_list(values, allow_duplicates=True)
    results = carrier_for_mode(livemode).lookup(numbers)
    return Eligibility(
        portable=[r for r in results if r.portable],
        non_portable=[r for r in results if not r.portable],
    )


def lookup_order_numbers(raw_numbers: object, *, livemode: bool) -> list[NumberLookup]:
    """Validate an order's numbers: E.164, no duplicates, portable, one losing carrier and type."""
    parsed = parse_number_list(raw_numbers)
    lookups = carrier_for_mode(livemode).lookup(parsed)
    bad = [
        field_error(f"/phone_numbers/{i}", f"{r.phone_number} is not portable ({r.reason}).")
        for i, r in enumerate(lookups)
        if not r.portable
    ]
    if bad:
        raise ValidationFailed("Some phone numbers cannot be ported.", code="not_portable", errors=bad)
    groups: OrderedDict[tuple[str, str], list[NumberLookup]] = OrderedDict()
    for r in lookups:
        groups.setdefault((r.losing_carrier_spid, r.number_type), []).append(r)
    if len(groups) > 1:
        raise ValidationFailed(
            "One port order takes numbers of one losing carrier and one number type: "
            "split them into one order per group.",
            code="split_required",
            extra={
                "groups": [
                    {
                        "losing_carrier_spid": spid or None,
                        "losing_carrier_name": members[0].losing_carrier_name or None,
                        "number_type": number_type,
                        "phone_numbers": [m.phone_number for m in members],
                    }
                    for (spid, number_type), members in groups.items()
                ]
            },
        )
    return lookups
