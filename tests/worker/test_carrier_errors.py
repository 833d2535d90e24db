"""Carrier errors in the worker: a transient one is retried on the carrier schedule until the
carrier takes the order; a permanent one puts the order in ``exception`` at once."""
from __future__ import annotations

import pytest

from tests.worker.conftest import FIRST_RETRIES, JITTER
from tests.worker.harness import wait_for

pytestmark = pytest.mark.worker
LATENCY = 3.0  # seconds a retry may start after it is due (broker, worker, sweep)


def approved_order(stack, order_body) -> str:
    live = stack.api()
    order_id = live.create(order_body())["id"]
    assert live.approve(order_id).status_code == 200
    wait_for(lambda: live.loa_ready(order_id), timeout=30, what="the signed LOA", detail=stack.tails)
    return order_id


def test_it_retries_a_transient_carrier_error_on_the_schedule(stack, order_body):
    live = stack.api()
    order_id = approved_order(stack, order_body)
    stack.plan(order_id, transient=2)

    assert live.submit(order_id).status_code == 200
    first, second = FIRST_RETRIES["carrier"]
    wait_for(lambda: stack.carrier_steps(order_id, "submit_completed"), timeout=(first + second) * (1 + JITTER) + 20,
             what="the third attempt to reach the carrier", detail=stack.tails)

    steps = stack.carrier_steps(order_id)
    assert [step for step, _, _ in steps] == ["submit_started", "submit_failed"] * 2 + ["submit_started",
                                                                                       "submit_completed"]
    starts = [at for step, _, at in steps if step == "submit_started"]
    waits = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    for waited, scheduled in zip(waits, (first, second), strict=True):
        assert scheduled * (1 - JITTER) - 0.5 <= waited <= scheduled * (1 + JITTER) + LATENCY, waits
    wait_for(lambda: stack.outbox(order_id, "carrier_submit")[0]["status"] == "done", timeout=10,
             what="the carrier row done", detail=stack.tails)
    (row,) = stack.outbox(order_id, "carrier_submit")
    assert (row["attempts"], row["last_error"]) == (3, "")
    assert [entry["error"] for entry in row["attempt_log"]] == [
        "CarrierError: carrier API answered 503 Service Unavailable"] * 2 + [""]
    assert live.order(order_id)["status"] == "submitted"


def test_it_puts_the_order_in_exception_on_a_permanent_carrier_error(stack, order_body):
    live = stack.api()
    order_id = approved_order(stack, order_body)
    stack.plan(order_id, permanent=True)

    assert live.submit(order_id).status_code == 200
    order = wait_for(lambda: (o := live.order(order_id))["status"] == "exception" and o, timeout=30,
                     what="the order to be in exception", detail=stack.tails)

    assert order["details"]["rejection"]["code"] == "other"
    assert "refuses orders for this account" in order["details"]["rejection"]["message"]
    (row,) = stack.outbox(order_id, "carrier_submit")
    assert (row["status"], row["attempts"]) == ("done", 1)  # not retried: the carrier said no for good
    assert [step for step, _, _ in stack.carrier_steps(order_id)] == ["submit_started", "submit_failed"]
    events = live.request("GET", f"/v1/port-orders/{order_id}/events").json()["data"]
    assert [e["type"] for e in events][-2:] == ["port_order.submitted", "port_order.exception"]
