"""A carrier for tests, registered by dotted path: counts calls and fails on demand."""
from __future__ import annotations

from porting.carriers import CarrierError, CarrierGateway, CarrierUpdate
from porting.carriers.manual import ManualCarrier


class CountingCarrier(CarrierGateway):
    name = "counting"
    calls: list[tuple[str, str]] = []
    fail_polls = False
    next_update: CarrierUpdate | None = None
    # The next submits raise these, one each, in order; then submits are accepted again.
    submit_errors: list[Exception] = []

    def lookup(self, numbers):  # noqa: ANN001, ANN201
        return ManualCarrier().lookup(numbers)

    def submit(self, order) -> None:  # noqa: ANN001
        if self.submit_errors:
            self.calls.append(("submit_failed", order.pk))
            raise self.submit_errors.pop(0)
        self.calls.append(("submit", order.pk))

    def poll(self, order):  # noqa: ANN001, ANN201
        self.calls.append(("poll", order.pk))
        if self.fail_polls:
            raise CarrierError("carrier API unreachable")
        return self.next_update

    def cancel(self, order) -> None:  # noqa: ANN001
        self.calls.append(("cancel", order.pk))
