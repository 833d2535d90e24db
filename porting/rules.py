"""Business rules on a whole order: single fields, completeness for approval, the FOC window, the signature."""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from porting.errors import NumberInOpenOrder, ValidationFailed, field_error
from porting.fields import is_unreadable
from porting.foc import foc_date_problem, foc_time_problem
from porting.models import PortOrder, PortOrderNumber
from porting.phone import NotAPhoneNumber, parse_e164

REQUIRED_FIELDS = [
    ("btn", "/subscriber/btn"),
    ("business_name", "/subscriber/business_name"),
    ("approver_name", "/subscriber/approver_name"),
    ("address_house_number", "/subscriber/address/house_number"),
    ("address_street_name", "/subscriber/address/street_name"),
    ("address_city", "/subscriber/address/city"),
    ("address_state", "/subscriber/address/state"),
    ("address_zip", "/subscriber/address/zip"),
    ("requested_foc_date", "/requested_foc_date"),
]
WIRELESS_FIELDS = [("account_number", "/subscriber/account_number"), ("pin", "/subscriber/pin")]


def check_complete(order: PortOrder) -> None:
    """Raise ``incomplete_order`` listing every field approval needs that the order lacks."""
    required = list(REQUIRED_FIELDS)
    if any(n.is_wireless for n in order.numbers.all()):
        required += WIRELESS_FIELDS
    missing = [pointer for attr, pointer in required if getattr(order, attr) in (None, "")]
    errors = [field_error(p, "This field is required before the order can be approved.") for p in missing]
    errors += [field_error(pointer, "The stored value cannot be decrypted (FIELD_ENCRYPTION_KEYS changed): "
                                    "send it again.")
               for attr, pointer in WIRELESS_FIELDS if is_unreadable(getattr(order, attr))]
    # Live numbers on the manual carrier: the porting desk confirms the carrier (and wireless-ness) first.
    errors += [
        field_error(f"/numbers/{i}/losing_carrier_name",
                    f"The losing carrier of {n.phone_number} is to be confirmed by the porting desk.")
        for i, n in enumerate(order.numbers.all())
        if not n.losing_carrier_spid or n.is_wireless is None
    ]
    if errors:
        raise ValidationFailed("The order is missing fields required for approval.", code="incomplete_order",
                               errors=errors)


def check_numbers_free(numbers: list[str], *, livemode: bool, account_id: str, order_id: str | None = None) -> None:
    """A number may be in at most one open order per mode across the installation (409
    ``number_in_open_order``). The other order is named only to its own account."""
    held = {
        number: (order_id, owner)
        for number, order_id, owner in PortOrderNumber.objects.filter(
            phone_number__in=numbers, livemode=livemode, is_open=True
        ).exclude(order_id=order_id).values_list("phone_number", "order_id", "order__account_id")
    }
    if not held:
        return
    errors = []
    for i, number in enumerate(numbers):
        if number not in held:
            continue
        other, owner = held[number]
        if owner == account_id:
            errors.append(field_error(f"/phone_numbers/{i}", f"{number} is already in open port order {other}.")
                          | {"port_order_id": other})
        else:
            errors.append(field_error(f"/phone_numbers/{i}", f"{number} is already in an open port order."))
    raise NumberInOpenOrder(
        "A number can be in one open port order at a time: cancel the other order, or wait until it has ended.",
        errors=errors,
    )


def foc_errors(date: dt.date | None, time: dt.time | None) -> list[dict[str, str]]:
    errors = []
    if date is not None and (problem := foc_date_problem(date)):
        errors.append(field_error("/requested_foc_date", f"requested_foc_date {problem}."))
    if time is not None and (problem := foc_time_problem(time)):
        errors.append(field_error("/requested_foc_time", f"requested_foc_time {problem}."))
    return errors


def check_foc(order: PortOrder) -> None:
    """The requested FOC must still be inside the window (time passes between create and submit)."""
    errors = foc_errors(order.requested_foc_date, order.requested_foc_time)
    if errors:
        raise ValidationFailed("The requested FOC date or time is not allowed.", code="foc_date_invalid", errors=errors)


def fold_name(name: str) -> str:
    """Case and spacing folded, for comparing a typed signature with the approver's name."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def signature_matches(signature: str, approver_name: str) -> bool:
    return bool(fold_name(signature)) and fold_name(signature) == fold_name(approver_name)


def check_order_fields(data: dict[str, Any]) -> None:
    """Rules on single fields that need the domain: the BTN number and the FOC window."""
    errors = []
    subscriber = data.get("subscriber") or {}
    btn = subscriber.get("btn")
    if btn:
        try:
            if not parse_e164(btn).valid:
                errors.append(field_error("/subscriber/btn", f"{btn} is not a valid telephone number."))
        except NotAPhoneNumber as exc:
            errors.append(field_error("/subscriber/btn", f"btn {exc}."))
    foc = foc_errors(data.get("requested_foc_date"), data.get("requested_foc_time"))
    if errors or foc:
        code = "foc_date_invalid" if foc and not errors else "validation_error"
        raise ValidationFailed("Some fields are invalid.", code=code, errors=errors + foc)
