"""Helpers shared by carrier adapters."""
from __future__ import annotations

from porting.carriers.base import NumberLookup
from porting.models import PortOrder
from porting.phone import ParsedNumber, locality, rate_center


def non_portable(number: ParsedNumber, reason: str) -> NumberLookup:
    """A non-portable answer with the number's rate center, city and state where they are known."""
    city, state = locality(number)
    return NumberLookup(
        number.e164, portable=False, rate_center=rate_center(city, state), city=city, state=state, reason=reason
    )


def order_losing_carrier_spid(order: PortOrder) -> str:
    """The SPID of the order's losing carrier (one per order), or "" while nobody knows it."""
    return next((n.losing_carrier_spid for n in order.numbers.all() if n.losing_carrier_spid), "")
