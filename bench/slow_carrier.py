"""A sandbox-like carrier for bench/outbox.py: every poll takes BENCH_POLL_SECONDS (0.1 s) and has no
news. Selected in the bench's workers with PORTING_CARRIER=bench.slow_carrier.SlowCarrier."""
from __future__ import annotations

import os
import time

from porting.carriers import CarrierGateway, CarrierUpdate
from porting.carriers.manual import ManualCarrier

POLL_SECONDS = float(os.environ.get("BENCH_POLL_SECONDS", "0.1"))


class SlowCarrier(CarrierGateway):
    name = "bench-slow"
    refresh_seconds = 0  # the bench resets carrier_polled_at itself; never skip a poll

    def lookup(self, numbers):  # noqa: ANN001, ANN201
        return ManualCarrier().lookup(numbers)

    def submit(self, order) -> None:  # noqa: ANN001
        pass

    def poll(self, order) -> CarrierUpdate | None:  # noqa: ANN001
        time.sleep(POLL_SECONDS)
        return None

    def cancel(self, order) -> None:  # noqa: ANN001
        pass
