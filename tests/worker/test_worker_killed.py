"""A worker killed with SIGKILL in the middle of a carrier submit: the order reaches the carrier
exactly once, from a new worker, after the dead one's lease expires (DESIGN §9)."""
from __future__ import annotations

import os
import time

import pytest

from tests.worker.conftest import LEASE_SECONDS
from tests.worker.harness import wait_for

pytestmark = pytest.mark.worker


def test_it_submits_exactly_once_after_the_worker_is_killed_mid_submit(stack, order_body):
    live = stack.api()
    order_id = live.create(order_body())["id"]
    assert live.approve(order_id).status_code == 200
    wait_for(lambda: live.loa_ready(order_id), timeout=30, what="the signed LOA", detail=stack.tails)
    stack.plan(order_id, sleep_first=120)  # the first attempt hangs in the carrier call until it is killed

    assert live.submit(order_id).status_code == 200
    (_, first_pid, first_start), = wait_for(lambda: stack.carrier_steps(order_id, "submit_started"), timeout=30,
                                            what="the carrier submit to start", detail=stack.tails)
    killed = stack.worker
    assert os.getpgid(first_pid) == killed.process.pid, "the submit runs in the worker's pool"
    killed.kill()
    assert not killed.alive
    assert stack.carrier_steps(order_id, "submit_completed") == []
    (row,) = stack.outbox(order_id, "carrier_submit")
    assert (row["status"], row["attempts"]) == ("pending", 1)  # claimed, and the claim is left to expire

    stack.start_worker()
    wait_for(lambda: stack.outbox(order_id, "carrier_submit")[0]["status"] == "done", timeout=LEASE_SECONDS + 30,
             what="the carrier submit to be done by the new worker", detail=stack.tails)
    time.sleep(2)  # a duplicate attempt, if any, would show now

    steps = stack.carrier_steps(order_id)
    assert [step for step, _, _ in steps] == ["submit_started", "submit_started", "submit_completed"]
    (_, second_pid, second_start), (_, completed_pid, _) = steps[1:]
    assert second_pid == completed_pid != first_pid
    assert os.getpgid(second_pid) == stack.worker.process.pid, "the new worker ran it"
    assert second_start - first_start >= LEASE_SECONDS - 0.5, "nobody took it over before the lease expired"
    (row,) = stack.outbox(order_id, "carrier_submit")
    assert (row["status"], row["attempts"], row["last_error"]) == ("done", 2, "")
    assert live.order(order_id)["status"] == "submitted"
