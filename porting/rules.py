"""Business rules on a whole order: single fields, completeness for approval, the FOC window, the signature."""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

from porting.carriers import NumberLookup, carrier_for_mode
from porting.carriers.common import order_losing_carrier_spid
from porting.errors import NumberInOpenOrder, ValidationFailed, field_error
from porting.fields import is_unreadable
from porting.foc import (
    EARLIEST_FOC_TIME,
    LATEST_FOC_TIME,
    FocWindow,
    allowed_foc_dates,
    foc_date_problem,
    standard_foc_window,
)
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


def foc_window_on(day: dt.date, *, livemode: bool, losing_carrier_spid: str) -> FocWindow:
    """The hours a port may be requested on ``day``: the standard window, as the carrier of the order's
    mode narrows it for the losing carrier. The allowed-windows list and validation both come from here."""
    carrier = carrier_for_mode(livemode)
    return carrier.narrow_foc_window(standard_foc_window(day), losing_carrier_spid=losing_carrier_spid)


def allowed_foc_windows(
    *, livemode: bool, losing_carrier_spid: str, now: dt.datetime | None = None
) -> list[FocWindow]:
    """Every requestable FOC date with its window, as of now: validation accepts these and nothing else."""
    return [foc_window_on(day, livemode=livemode, losing_carrier_spid=losing_carrier_spid)
            for day in allowed_foc_dates(now)]


def order_foc_windows(order: PortOrder) -> list[FocWindow]:
    """The allowed FOC windows of this order (its mode's carrier, its losing carrier), as of now."""
    return allowed_foc_windows(livemode=order.livemode, losing_carrier_spid=order_losing_carrier_spid(order))


def _foc_date_errors(date: dt.date | None) -> list[dict[str, str]]:
    if date is not None and (problem := foc_date_problem(date)):
        return [field_error("/requested_foc_date", f"requested_foc_date {problem}.")]
    return []


def _foc_time_errors(
    time: dt.time | None, *, date: dt.date | None, livemode: bool, losing_carrier_spid: str
) -> list[dict[str, str]]:
    """The time must be inside the window of its date; without a date yet, inside the window of some
    allowed date (approval checks it against its own date's)."""
    if time is None:
        return []
    if date is not None:
        windows = [foc_window_on(date, livemode=livemode, losing_carrier_spid=losing_carrier_spid)]
    else:  # never empty: 5 business days out is always within 30 calendar days
        windows = allowed_foc_windows(livemode=livemode, losing_carrier_spid=losing_carrier_spid)
    if any(window.contains(time) for window in windows):
        return []
    window = windows[0]
    narrowed = (window.start_time, window.end_time) != (EARLIEST_FOC_TIME, LATEST_FOC_TIME)
    why = ", the hours in which the losing carrier accepts ports" if narrowed else ""
    return [field_error("/requested_foc_time", f"requested_foc_time must be {window.describe()}{why}.")]


def foc_errors(
    date: dt.date | None, time: dt.time | None, *, livemode: bool, losing_carrier_spid: str
) -> list[dict[str, str]]:
    """What is wrong with a requested FOC date and time (Eastern) for this mode and losing carrier."""
    return _foc_date_errors(date) + _foc_time_errors(
        time, date=date, livemode=livemode, losing_carrier_spid=losing_carrier_spid
    )


def check_foc(order: PortOrder) -> None:
    """The requested FOC must still be inside the window (time passes between create and submit)."""
    errors = foc_errors(order.requested_foc_date, order.requested_foc_time, livemode=order.livemode,
                        losing_carrier_spid=order_losing_carrier_spid(order))
    if errors:
        raise ValidationFailed("The requested FOC date or time is not allowed.", code="foc_date_invalid", errors=errors)


def fold_name(name: str) -> str:
    """Case and spacing folded, for comparing a typed signature with the approver's name."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def signature_matches(signature: str, approver_name: str) -> bool:
    return bool(fold_name(signature)) and fold_name(signature) == fold_name(approver_name)


def check_order_fields(
    data: dict[str, Any], *, livemode: bool, lookups: Sequence[NumberLookup] | None = None,
    order: PortOrder | None = None,
) -> None:
    """Rules on single fields that need the domain: the BTN number and the FOC window.

    ``lookups`` are the numbers being set (create, or an update that sends them); ``order`` the order
    being updated, whose stored values fill in the rest: the window of a time depends on the date and
    the losing carrier, so a stored time is checked again when either of them changes.
    """
    errors = []
    subscriber = data.get("subscriber") or {}
    btn = subscriber.get("btn")
    if btn:
        try:
            if not parse_e164(btn).valid:
                errors.append(field_error("/subscriber/btn", f"{btn} is not a valid telephone number."))
        except NotAPhoneNumber as exc:
            errors.append(field_error("/subscriber/btn", f"btn {exc}."))
    date, time = data.get("requested_foc_date"), data.get("requested_foc_time")
    spid = lookups[0].losing_carrier_spid if lookups else ""  # one losing carrier per order (lookup_order_numbers)
    if order is not None:  # an update: the stored values fill in what it does not send
        if not lookups:
            spid = order_losing_carrier_spid(order)
        if "requested_foc_date" not in data:
            date = order.requested_foc_date
        if "requested_foc_time" not in data and ("requested_foc_date" in data or lookups):
            time = order.requested_foc_time
    foc = _foc_date_errors(data.get("requested_foc_date")) + _foc_time_errors(
        time, date=date, livemode=livemode, losing_carrier_spid=spid
    )
    if errors or foc:
        code = "foc_date_invalid" if foc and not errors else "validation_error"
        raise ValidationFailed("Some fields are invalid.", code=code, errors=errors + foc)
