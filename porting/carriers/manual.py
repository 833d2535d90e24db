"""The manual carrier: live orders worked by the porting desk in the admin."""
from __future__ import annotations

from porting.carriers.base import CarrierGateway, CarrierUpdate, NumberLookup
from porting.carriers.common import non_portable
from porting.models import PortOrder
from porting.phone import NANP_REGIONS, ParsedNumber


class ManualCarrier(CarrierGateway):
    """No number database: every valid US/CA number is portable, its losing carrier unknown.

    Outcomes (FOC, rejection, completion) are recorded by staff, so ``poll`` never has news.
    """

    name = "manual"

    def lookup(self, numbers: list[ParsedNumber]) -> list[NumberLookup]:
        results = []
        for number in numbers:
            if not number.valid:
                results.append(non_portable(number, "invalid_phone_number"))
            elif number.toll_free:
                results.append(NumberLookup(number.e164, portable=True, number_type="toll_free"))
            elif number.region not in NANP_REGIONS:
                results.append(non_portable(number, "unsupported_country"))
            else:
                results.append(NumberLookup(number.e164, portable=True))
        return results

    def submit(self, order: PortOrder) -> None:
        """Nothing to send: a submitted live order is in the porting desk's queue."""

    def poll(self, order: PortOrder) -> CarrierUpdate | None:
        return None

    def cancel(self, order: PortOrder) -> None:
        """The desk sees the cancellation in the admin and tells the losing carrier."""
