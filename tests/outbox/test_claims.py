"""A row is claimed once: a duplicate delivery, or many workers at once, perform its effect once.

The race test runs on PostgreSQL (real concurrent connections); on SQLite it is skipped, and CI's
PostgreSQL stage sets PORTICO_REQUIRE_POSTGRES=1 so that a skip there is a failure.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from porting import outbox
from porting.carriers import CarrierError
from tests.carriers import CountingCarrier
from tests.conftest import require_or_skip
from tests.outbox.helpers import row

WORKERS = 8


class SlowCarrier(CountingCarrier):
    """Takes its time to accept an order, so that parallel workers overlap while one holds the row."""

    def submit(self, order) -> None:  # noqa: ANN001
        time.sleep(0.3)
        super().submit(order)


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")


def waiting_submit(live_api, carrier, capture=None) -> str:
    """An approved live order submitted while the carrier was briefly down: its row waits for a retry."""
    order = live_api.create(["+12025551234"])
    live_api.approve(order["id"])
    carrier.submit_errors = [CarrierError("carrier API unreachable")]
    if capture is None:  # a transactional test: the first attempt runs at commit
        live_api.submit(order["id"])
    else:
        with capture(execute=True):
            live_api.submit(order["id"])
    assert carrier.calls == [("submit_failed", order["id"])]
    return order["id"]


def test_running_a_due_row_twice_performs_its_effect_once(live_api, carrier, clock,
                                                         django_capture_on_commit_callbacks):
    order_id = waiting_submit(live_api, carrier, django_capture_on_commit_callbacks)
    clock.shift(dt.timedelta(seconds=17))
    message_id = row(order_id, "carrier_submit").pk
    assert outbox.run(message_id) == "done"
    assert outbox.run(message_id) == "skipped"
    assert carrier.calls.count(("submit", order_id)) == 1
    assert row(order_id, "carrier_submit").attempts == 2


def test_a_row_that_is_not_due_yet_is_not_run(live_api, carrier, django_capture_on_commit_callbacks):
    order_id = waiting_submit(live_api, carrier, django_capture_on_commit_callbacks)
    assert outbox.run(row(order_id, "carrier_submit").pk) == "skipped"
    assert carrier.calls.count(("submit", order_id)) == 0


@pytest.mark.postgres
def test_eight_workers_running_one_row_at_once_perform_its_effect_once(postgres, live_api, carrier, settings, clock):
    settings.PORTING_CARRIER = "tests.outbox.test_claims.SlowCarrier"
    order_id = waiting_submit(live_api, carrier)
    clock.shift(dt.timedelta(seconds=17))
    message_id = row(order_id, "carrier_submit").pk
    barrier = threading.Barrier(WORKERS)

    def worker(_: int) -> str:
        try:
            barrier.wait(timeout=30)
            return outbox.run(message_id)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(worker, range(WORKERS)))
    assert sorted(results) == ["done"] + ["skipped"] * (WORKERS - 1)
    assert carrier.calls.count(("submit", order_id)) == 1
    message = row(order_id, "carrier_submit")
    assert (message.status, message.attempts, len(message.attempt_log)) == ("done", 2, 2)
