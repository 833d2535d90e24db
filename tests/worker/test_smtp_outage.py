"""The mail server is down for a while: the signing email waits in the outbox, is retried on the
email schedule, and arrives once the server is back, exactly once, its token then purged."""
from __future__ import annotations

import time

import pytest

from tests.worker.conftest import FIRST_RETRIES, JITTER, unique_address
from tests.worker.harness import signing_token, wait_for

pytestmark = pytest.mark.worker


def test_it_delivers_the_signing_email_after_the_mail_server_comes_back(stack, order_body):
    live = stack.api()
    order_id = live.create(order_body())["id"]
    signer = unique_address()

    stack.mail.stop()
    down_since = time.monotonic()
    response = live.request_approval(order_id, signer, "Jane Smith")
    assert response.status_code == 201, response.text

    def failed_once() -> dict | None:
        (row,) = stack.outbox(order_id, "approval_request_email")
        return row if row["attempts"] >= 1 and row["last_error"] else None

    row = wait_for(failed_once, timeout=30, what="a first, failed attempt to send", detail=stack.tails)
    assert row["status"] == "pending"
    assert "refused" in row["last_error"].lower(), row["last_error"]
    assert not row["secret_purged"], "the token waits, encrypted, for the next attempt"

    time.sleep(max(0.0, 5 - (time.monotonic() - down_since)))  # down for a while, not past the next attempt
    stack.mail.start()
    first_retry = FIRST_RETRIES["email"][0] * (1 + JITTER)
    (mail,) = stack.mail.wait_for(signer, timeout=first_retry + 15)

    wait_for(lambda: stack.outbox(order_id, "approval_request_email")[0]["status"] == "done", timeout=10,
             what="the email row done", detail=stack.tails)
    (row,) = stack.outbox(order_id, "approval_request_email")
    assert (row["attempts"], row["last_error"], row["secret_purged"]) == (2, "", True)
    assert [entry["error"] != "" for entry in row["attempt_log"]] == [True, False]
    assert signing_token(mail)
    time.sleep(2)  # a duplicate, if any, would arrive now
    assert len(stack.mail.to(signer)) == 1
