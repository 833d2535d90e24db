"""The broker is unreachable when a change commits: the client gets its normal answer, fast, and
every effect of the change happens once the broker is back (DESIGN §9)."""
from __future__ import annotations

import time

import pytest

from tests.worker.conftest import timed, unique_address
from tests.worker.harness import wait_for

pytestmark = pytest.mark.worker

ANSWER_WITHIN = 5.0  # seconds: a request must not wait for a broker that is down
OUTAGE = 3.0  # seconds the broker stays away after the requests


@pytest.mark.parametrize("outage", ["refused", "silent"])
def test_it_answers_with_the_broker_down_and_the_effects_happen_once_it_is_back(stack, order_body, outage):
    live = stack.api()
    to_submit = live.create(order_body())["id"]
    to_sign = live.create(order_body())["id"]
    to_cancel = live.create(order_body())["id"]
    assert live.approve(to_cancel).status_code == 200
    assert live.submit(to_cancel).status_code == 200
    wait_for(lambda: stack.carrier_steps(to_cancel, "submit_completed"), timeout=30,
             what="the order to cancel to reach the carrier", detail=stack.tails)
    signer = unique_address()

    stack.broker.cut(outage)
    answers = {
        "approve": timed(lambda: live.approve(to_submit)),  # the LOA render
        "submit": timed(lambda: live.submit(to_submit)),  # the carrier submit
        "approval request": timed(lambda: live.request_approval(to_sign, signer, "Jane Smith")),  # the email
        "cancel": timed(lambda: live.request("POST", f"/v1/port-orders/{to_cancel}/cancel")),  # carrier + email
    }

    assert {action: response.status_code for action, (response, _) in answers.items()} == {
        "approve": 200, "submit": 200, "approval request": 201, "cancel": 200,
    }
    seconds = {action: round(duration, 1) for action, (_, duration) in answers.items()}
    assert max(seconds.values()) < ANSWER_WITHIN, seconds

    # While the broker is away nothing can reach a worker: the effects wait in the outbox.
    time.sleep(OUTAGE)
    assert stack.carrier_steps(to_submit) == []
    assert stack.carrier_steps(to_cancel, "cancel_completed") == []
    assert stack.mail.to(signer) == []
    waiting = [row for order_id in (to_submit, to_sign) for row in stack.outbox(order_id)] + [
        row for row in stack.outbox(to_cancel) if row["kind"] not in ("loa_render", "carrier_submit")]
    assert {row["kind"] for row in waiting} >= {"loa_render", "carrier_submit", "approval_request_email",
                                                "carrier_cancel"}
    assert {(row["status"], row["attempts"]) for row in waiting} == {("pending", 0)}

    stack.broker.restore()
    wait_for(lambda: stack.carrier_steps(to_submit, "submit_completed"), timeout=60,
             what="the carrier submit after the broker came back", detail=stack.tails)
    wait_for(lambda: stack.carrier_steps(to_cancel, "cancel_completed"), timeout=60,
             what="the carrier cancel after the broker came back", detail=stack.tails)
    mails = stack.mail.wait_for(signer, timeout=60)

    def all_done() -> bool:
        rows = [row for order_id in (to_submit, to_sign, to_cancel) for row in stack.outbox(order_id)]
        return all(row["status"] == "done" for row in rows)

    wait_for(all_done, timeout=30, what="every outbox row done", detail=stack.tails)

    assert live.loa_ready(to_submit)
    assert len(mails) == 1
    assert "/sign/" in mails[0].text()
    time.sleep(2)  # a duplicate delivery, if any, would land now
    assert [step for step, _, _ in stack.carrier_steps(to_submit)] == ["submit_started", "submit_completed"]
    assert [step for step, _, _ in stack.carrier_steps(to_cancel)] == ["submit_started", "submit_completed",
                                                                       "cancel_completed"]
    assert len(stack.mail.to(signer)) == 1
