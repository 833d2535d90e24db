"""The raw signing token never rides the broker or lands in a log line: a task carries ids only,
and the token waits encrypted on its outbox row (DESIGN §9). Redis is read as an intruder would:
every key and value, every command sent to it, base64 message bodies decoded."""
from __future__ import annotations

import re

import pytest
import requests

from tests.worker.conftest import unique_address
from tests.worker.harness import readable, redis_dump, signing_token, wait_for

pytestmark = pytest.mark.worker
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def lines_with(secret: str, log: str) -> list[str]:
    return [line for line in log.splitlines() if secret in line]


def test_it_keeps_the_raw_signing_token_out_of_redis_and_the_logs(stack, order_body):
    live = stack.api()
    order_id = live.create(order_body())["id"]
    signer = unique_address()

    # No worker for a moment, so the email's message sits in Redis to be read.
    stack.worker.stop()
    assert live.request_approval(order_id, signer, "Jane Smith").status_code == 201
    (row,) = stack.outbox(order_id, "approval_request_email")
    # Published on commit, or by beat's sweep if this process backed off the broker moments ago.
    queued = wait_for(lambda: (lambda dump: dump if row["id"].encode() in dump else b"")(
        readable(redis_dump(stack.redis_client))), timeout=15, what="the queued message in Redis, body decoded")

    stack.start_worker()
    (mail,) = stack.mail.wait_for(signer, timeout=30)
    token = signing_token(mail).encode()
    assert live.request("GET", f"/sign/{token.decode()}/").status_code == 200  # the web handles it too

    assert token not in queued
    assert token not in readable(redis_dump(stack.redis_client)), "nor left behind (unacked, bindings…)"
    assert row["id"].encode() in readable(stack.monitor.seen()), "the monitor saw the message go by"
    assert token not in readable(stack.monitor.seen()), "no command ever sent to Redis carried it"
    for service in stack.services():
        assert lines_with(token.decode(), service.log()) == [], f"the token is in the {service.name} log"


def test_it_keeps_the_signing_token_out_of_the_web_log_when_the_customer_mistypes_the_name(stack, order_body):
    live = stack.api()
    order_id = live.create(order_body())["id"]
    signer = unique_address()
    assert live.request_approval(order_id, signer, "Jane Smith").status_code == 201
    token = signing_token(stack.mail.wait_for(signer, timeout=30)[0])

    customer = requests.Session()
    page = customer.get(f"{stack.web_url}/sign/{token}/", timeout=30)
    assert page.status_code == 200
    csrf = CSRF_FIELD.search(page.text).group(1)
    mistyped = customer.post(f"{stack.web_url}/sign/{token}/", timeout=30,
                             data={"csrfmiddlewaretoken": csrf, "consent": "on", "signature": "Jane Smyth"})
    assert mistyped.status_code == 400 and "must be the approver" in mistyped.text
    signed = customer.post(f"{stack.web_url}/sign/{token}/", timeout=30, allow_redirects=False,
                           data={"csrfmiddlewaretoken": csrf, "consent": "on", "signature": "Jane Smith"})
    assert signed.status_code == 302, signed.text
    wait_for(lambda: live.order(order_id)["status"] == "approved", timeout=10, what="the order approved")

    assert lines_with(token, stack.web.log()) == [], "the signing link is in the web log"
