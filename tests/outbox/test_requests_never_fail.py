"""A request never fails because a side effect does (DESIGN §9): the change commits, the client
gets its normal answer, and the failed effect waits on its row for a retry.

These tests commit for real (``transactional_db``), so the first attempt runs at the commit inside
the request, as it does in the embedded demo: an effect that raised would reach the client.
"""
from __future__ import annotations

from django.core import mail

from tests.outbox.helpers import row, rows


def test_a_signing_link_request_is_answered_201_while_smtp_is_down(transactional_db, api, smtp_down):
    order = api.create()
    response = api.post(f"/v1/port-orders/{order['id']}/approval-requests", {"email": "jane@smith.example"})
    assert response.status_code == 201, response.content
    assert mail.outbox == []
    message = row(order["id"], "approval_request_email")
    assert (message.status, message.attempts) == ("pending", 1) and message.last_error


def test_a_submit_is_answered_200_when_the_carrier_adapter_crashes(transactional_db, live_api, carrier):
    order = live_api.create(["+12025551234"])
    live_api.approve(order["id"])
    carrier.submit_errors = [RuntimeError("carrier adapter bug")]
    response = live_api.post(f"/v1/port-orders/{order['id']}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    message = row(order["id"], "carrier_submit")
    assert (message.status, message.last_error) == ("pending", "RuntimeError: carrier adapter bug")


def test_a_get_that_records_the_foc_is_answered_200_while_smtp_is_down(transactional_db, api, notified, smtp_down):
    order = api.create()
    api.approve(order["id"])
    api.submit(order["id"])
    response = api.get(f"/v1/port-orders/{order['id']}")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "foc"
    assert mail.outbox == []
    (waiting,) = [r for r in rows(order["id"], "status_email") if r.status == "pending"]
    assert waiting.payload == {"audience": "platform"} and waiting.attempts == 1 and waiting.last_error
