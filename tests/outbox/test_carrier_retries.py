"""Handing an order to the carrier: a transient failure is retried on schedule until the carrier
takes it, a permanent one puts the order in exception, a carrier that never answers ends in a dead
row, and no failure of the carrier ever fails the submit request."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from porting.carriers import CarrierError
from tests.outbox.helpers import row, sweep

UNREACHABLE = "CarrierError: carrier API unreachable"


def approved(live_api, capture) -> str:
    order = live_api.create(["+12025551234"])
    with capture(execute=True):
        live_api.approve(order["id"])
    return order["id"]


def submit(live_api, order_id: str, capture):
    with capture(execute=True):
        response = live_api.post(f"/v1/port-orders/{order_id}/submit")
    assert response.status_code == 200, response.json()
    return response


def within(value: dt.datetime, earliest: dt.datetime, latest: dt.datetime) -> bool:
    return earliest <= value <= latest


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def test_a_transient_carrier_failure_is_retried_on_schedule_until_the_carrier_takes_the_order(
    live_api, carrier, clock, django_capture_on_commit_callbacks
):
    order_id = approved(live_api, django_capture_on_commit_callbacks)
    carrier.submit_errors = [CarrierError("carrier API unreachable"), CarrierError("carrier API unreachable")]
    before = timezone.now()
    submit(live_api, order_id, django_capture_on_commit_callbacks)
    after = timezone.now()
    first = row(order_id, "carrier_submit")
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, UNREACHABLE)
    assert [e["error"] for e in first.attempt_log] == [UNREACHABLE]
    assert within(first.due_at, before + seconds(13.5), after + seconds(16.5))  # 15 s, ±10 %

    clock.shift(seconds(10))
    sweep()
    assert row(order_id, "carrier_submit").attempts == 1  # not due yet

    clock.shift(seconds(7))
    before = timezone.now()
    assert sweep() == "Ran 1 due outbox message(s)."
    after = timezone.now()
    second = row(order_id, "carrier_submit")
    assert (second.status, second.attempts) == ("pending", 2)
    assert [e["error"] for e in second.attempt_log] == [UNREACHABLE, UNREACHABLE]
    assert within(second.due_at, before + seconds(27), after + seconds(33))  # 30 s, ±10 %

    clock.shift(seconds(34))
    sweep()
    done = row(order_id, "carrier_submit")
    assert (done.status, done.attempts, done.last_error) == ("done", 3, "")
    assert [(e["attempt"], e["error"]) for e in done.attempt_log] == [(1, UNREACHABLE), (2, UNREACHABLE), (3, "")]
    assert carrier.calls == [("submit_failed", order_id), ("submit_failed", order_id), ("submit", order_id)]
    assert live_api.refresh(order_id)["status"] == "submitted"

    clock.shift(dt.timedelta(days=3))
    sweep()
    assert carrier.calls.count(("submit", order_id)) == 1  # a done row is never run again


def test_a_permanent_carrier_error_puts_the_order_in_exception_with_an_event(
    live_api, carrier, django_capture_on_commit_callbacks
):
    order_id = approved(live_api, django_capture_on_commit_callbacks)
    carrier.submit_errors = [CarrierError("Losing carrier does not port this number type", permanent=True)]
    submit(live_api, order_id, django_capture_on_commit_callbacks)
    body = live_api.get(f"/v1/port-orders/{order_id}").json()
    assert body["status"] == "exception"
    assert body["details"]["rejection"]["message"] == "Losing carrier does not port this number type"
    event = live_api.get(f"/v1/port-orders/{order_id}/events").json()["data"][-1]
    assert event["type"] == "port_order.exception"
    assert event["actor"] == {"type": "carrier", "id": "counting"}
    message = row(order_id, "carrier_submit")
    assert (message.status, message.attempts) == ("done", 1)


@pytest.mark.parametrize("error", [RuntimeError("carrier adapter bug"), ValueError("unexpected answer")],
                         ids=["RuntimeError", "ValueError"])
def test_a_carrier_that_crashes_does_not_fail_the_submit_and_is_retried(
    live_api, carrier, clock, django_capture_on_commit_callbacks, error
):
    order_id = approved(live_api, django_capture_on_commit_callbacks)
    carrier.submit_errors = [error]
    response = submit(live_api, order_id, django_capture_on_commit_callbacks)
    assert response.json()["status"] == "submitted"
    message = row(order_id, "carrier_submit")
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error == f"{type(error).__name__}: {error}"
    clock.shift(seconds(17))
    sweep()
    assert row(order_id, "carrier_submit").status == "done"
    assert carrier.calls[-1] == ("submit", order_id)


def test_a_row_whose_retries_run_out_is_dead_with_its_last_error(
    live_api, carrier, clock, django_capture_on_commit_callbacks
):
    order_id = approved(live_api, django_capture_on_commit_callbacks)
    carrier.submit_errors = [CarrierError("carrier API unreachable")] * 50
    submit(live_api, order_id, django_capture_on_commit_callbacks)
    first_attempt = timezone.now()
    for _ in range(30):
        message = row(order_id, "carrier_submit")
        if message.status != "pending":
            break
        clock.move_to(message.due_at + seconds(1))
        sweep()
    assert (message.status, message.last_error) == ("dead", UNREACHABLE)
    # Five quick retries, then hours: twelve attempts over about two days.
    assert message.attempts == len(message.attempt_log) == 12
    assert dt.timedelta(hours=45) < timezone.now() - first_attempt < dt.timedelta(hours=57)
    assert carrier.calls.count(("submit_failed", order_id)) == 12

    clock.shift(dt.timedelta(days=3))
    assert sweep() == "Ran 0 due outbox message(s)."  # dead is the end (the desk may retry it by hand)
    assert row(order_id, "carrier_submit").attempts == 12
    assert live_api.refresh(order_id)["status"] == "submitted"
