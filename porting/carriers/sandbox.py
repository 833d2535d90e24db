"""The sandbox carrier: deterministic answers for test mode (documented in the README).

The line number (last four digits) decides everything: its first digit picks the losing
carrier (5 = not portable), lines 0001-0007 make the carrier reject a submitted order with
one code each until the matching field has been updated, and otherwise the carrier confirms
the requested FOC and completes the port once that moment has passed. One losing carrier,
Frontier, ports in narrower hours (10:00 to 16:00 Eastern) than the standard window; another, Comcast
Business, needs a recent bill (a supporting document of type ``invoice``) before the order is submitted.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.utils import timezone

from porting.carriers.base import CarrierGateway, CarrierUpdate, NumberLookup
from porting.carriers.common import non_portable, order_losing_carrier_spid
from porting.foc import EASTERN, FocWindow, standard_foc_window
from porting.models import PortOrder, PortStatus
from porting.phone import NANP_REGIONS, ParsedNumber
from porting.rejections import REJECTION_CATALOGUE

# First digit of the line number -> (carrier name, SPID, wireless); None = not portable.
CARRIERS_BY_DIGIT: dict[str, tuple[str, str, bool] | None] = {
    "0": ("Lumen", "9102", False),
    "1": ("Verizon Wireless", "6006", True),
    "2": ("T-Mobile USA", "6529", True),
    "3": ("Comcast Business", "7513", False),
    "4": ("AT&T Mobility", "6214", True),
    "5": None,
    "6": ("Spectrum", "7229", False),
    "7": ("Frontier", "9206", False),
    "8": ("Bandwidth CLEC", "979E", False),
    "9": ("Level 3", "8825", False),
}
TOLL_FREE_CARRIER = ("Sandbox RespOrg", "SBX01")
# Line number -> the rejection it triggers, and the order field whose update fixes it.
REJECTING_LINES: dict[str, tuple[str, str]] = {
    "0001": ("address_mismatch", "subscriber.address"),
    "0002": ("account_number_invalid", "subscriber.account_number"),
    "0003": ("name_mismatch", "subscriber.approver_name"),
    "0004": ("business_name_mismatch", "subscriber.business_name"),
    "0005": ("btn_mismatch", "subscriber.btn"),
    "0006": ("pin_required", "subscriber.pin"),
    "0007": ("pin_invalid", "subscriber.pin"),
}
DEFAULT_FOC_TIME = dt.time(9, 0)
# Losing carrier (SPID) -> the hours (Eastern) it ports in, where narrower than the standard window.
NARROW_FOC_HOURS: dict[str, tuple[dt.time, dt.time]] = {
    "9206": (dt.time(10, 0), dt.time(16, 0)),  # Frontier
}
# Losing carrier (SPID) -> the supporting documents it needs before a port is submitted.
REQUIRED_DOCUMENTS: dict[str, list[str]] = {
    "7513": ["invoice"],  # Comcast Business: a recent bill
}


class SandboxCarrier(CarrierGateway):
    name = "sandbox"
    refresh_seconds = 0

    def lookup(self, numbers: list[ParsedNumber]) -> list[NumberLookup]:
        return [self._lookup_one(n) for n in numbers]

    def _lookup_one(self, number: ParsedNumber) -> NumberLookup:
        if not number.valid:
            return non_portable(number, "invalid_phone_number")
        if number.toll_free:
            name, spid = TOLL_FREE_CARRIER
            return NumberLookup(
                number.e164, portable=True, number_type="toll_free",
                losing_carrier_name=name, losing_carrier_spid=spid, is_wireless=False,
            )
        if number.region not in NANP_REGIONS:
            return non_portable(number, "unsupported_country")
        carrier = CARRIERS_BY_DIGIT[number.line[0]]
        if carrier is None:
            return non_portable(number, "no_coverage")
        name, spid, wireless = carrier
        return NumberLookup(
            number.e164, portable=True, losing_carrier_name=name, losing_carrier_spid=spid, is_wireless=wireless
        )

    def narrow_foc_window(self, window: FocWindow, *, losing_carrier_spid: str) -> FocWindow:
        hours = NARROW_FOC_HOURS.get(losing_carrier_spid)
        if hours is None:
            return window
        start, end = hours
        return dataclasses.replace(
            window, start_time=max(window.start_time, start), end_time=min(window.end_time, end)
        )

    def required_documents(self, order: PortOrder) -> list[str]:
        return list(REQUIRED_DOCUMENTS.get(order_losing_carrier_spid(order), []))

    def submit(self, order: PortOrder) -> None:
        """Accepted at once; the answer comes on the next poll."""

    def cancel(self, order: PortOrder) -> None:
        """Nothing to undo in the sandbox."""

    def poll(self, order: PortOrder) -> CarrierUpdate | None:
        if order.status == PortStatus.SUBMITTED:
            code = self._outstanding_rejection(order)
            if code:
                return CarrierUpdate(kind="exception", code=code, message=REJECTION_CATALOGUE[code].reason)
            return CarrierUpdate(
                kind="foc", foc_date=order.requested_foc_date,
                foc_time=order.requested_foc_time or self._default_foc_time(order),
            )
        if order.status == PortStatus.FOC and order.foc_date:
            moment = dt.datetime.combine(order.foc_date, order.foc_time or DEFAULT_FOC_TIME, tzinfo=EASTERN)
            if timezone.now() >= moment:
                return CarrierUpdate(kind="complete")
        return None

    def _default_foc_time(self, order: PortOrder) -> dt.time:
        """09:00 Eastern, moved inside the losing carrier's hours when they are narrower."""
        if order.requested_foc_date is None:
            return DEFAULT_FOC_TIME
        window = self.narrow_foc_window(standard_foc_window(order.requested_foc_date),
                                        losing_carrier_spid=order_losing_carrier_spid(order))
        return min(max(DEFAULT_FOC_TIME, window.start_time), window.end_time)

    def _outstanding_rejection(self, order: PortOrder) -> str | None:
        lines = sorted({n.phone_number[-4:] for n in order.numbers.all()} & REJECTING_LINES.keys())
        if not lines:
            return None
        events = list(
            order.events.filter(type__in=["port_order.exception", "port_order.updated"]).values_list("type", "data")
        )
        for line in lines:
            code, field = REJECTING_LINES[line]
            if not _fixed_since_rejection(events, code, field):
                return code
        return None


def _fixed_since_rejection(events: list[tuple[str, dict[str, Any]]], code: str, field: str) -> bool:
    """True when the order was rejected with ``code`` and ``field`` was updated afterwards."""
    fixed = None
    for event_type, data in events:  # oldest first
        if event_type == "port_order.exception" and data.get("code") == code:
            fixed = False
        elif event_type == "port_order.updated" and fixed is False and any(
            path == field or path.startswith(field + ".") for path in data.get("changed", [])
        ):
            fixed = True
    return bool(fixed)
