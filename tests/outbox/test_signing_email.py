"""The signing-link email rides on the outbox: a request is answered while SMTP is down, the email
follows once SMTP is back, the raw token waits only encrypted, and the signer's name never breaks
the To header."""
from __future__ import annotations

import datetime as dt
import re
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

import pytest
from django.core import mail

from tests.outbox.helpers import row, stored_columns, sweep

LINK = re.compile(r"https://porting\.example\.com/sign/([A-Za-z0-9_-]+)/")
# What every message Django builds carries; anything else in the header block was injected.
HEADERS = {"Content-Type", "MIME-Version", "Subject", "From", "To", "Date", "Message-ID"}


def request_link(api, capture, name: str = "Jane Smith", email: str = "jane@smith.example"):
    order = api.create()
    with capture(execute=True):
        response = api.post(f"/v1/port-orders/{order['id']}/approval-requests", {"email": email, "name": name})
    return order["id"], response


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


# --- SMTP down ------------------------------------------------------------------------------
def test_a_request_made_while_smtp_is_down_is_answered_and_not_emailed(api, smtp_down,
                                                                       django_capture_on_commit_callbacks):
    order_id, response = request_link(api, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "sent"
    assert mail.outbox == []
    message = row(order_id, "approval_request_email")
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Connection refused" in message.last_error or "ConnectionRefusedError" in message.last_error
    assert [entry["error"] for entry in message.attempt_log] == [message.last_error]


def test_the_email_goes_out_once_when_smtp_is_back_and_the_retry_is_due(
    api, client, smtp_down, clock, django_capture_on_commit_callbacks
):
    order_id, _ = request_link(api, django_capture_on_commit_callbacks)
    smtp_down.comes_back()
    sweep()
    assert mail.outbox == []  # the retry waits for its time (15 s, ±10 %)
    clock.shift(dt.timedelta(seconds=17))
    assert sweep() == "Ran 1 due outbox message(s)."
    clock.shift(dt.timedelta(hours=1))
    sweep()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Jane Smith <jane@smith.example>"]
    token = token_in(mail.outbox[0])
    assert client.get(f"/sign/{token}/").status_code == 200
    message = row(order_id, "approval_request_email")
    assert (message.status, message.attempts, message.last_error) == ("done", 2, "")
    assert message.attempt_log[-1]["error"] == ""


def test_the_raw_token_waits_encrypted_on_its_row_and_is_purged_once_sent(
    api, smtp_down, clock, django_capture_on_commit_callbacks
):
    order_id, _ = request_link(api, django_capture_on_commit_callbacks)
    message_id = row(order_id, "approval_request_email").pk
    while_pending = stored_columns(message_id)
    assert while_pending["secret"]  # it is kept, for the retry …
    smtp_down.comes_back()
    clock.shift(dt.timedelta(seconds=17))
    sweep()
    token = token_in(mail.outbox[-1])
    assert all(token not in str(value) for value in while_pending.values())  # … but never in clear
    assert stored_columns(message_id)["secret"] is None
    assert row(order_id, "approval_request_email").secret is None


def test_a_link_emailed_at_the_first_attempt_leaves_no_secret_behind(api, django_capture_on_commit_callbacks):
    order_id, response = request_link(api, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    message = row(order_id, "approval_request_email")
    assert (message.status, message.attempts) == ("done", 1)
    assert stored_columns(message.pk)["secret"] is None


# --- the signer's name in the To header -------------------------------------------------------
def parsed(message):
    return BytesParser(policy=policy.default).parsebytes(message.message().as_bytes())


@pytest.mark.parametrize("name", ["Smith, Jane", 'Jane "JJ" Smith', "Zoë Ångström", "Jane <thief@evil.example>"])
def test_the_signers_name_comes_back_intact_from_the_to_header(api, django_capture_on_commit_callbacks, name):
    _, response = request_link(api, django_capture_on_commit_callbacks, name=name)
    assert response.status_code == 201, response.json()
    headers = parsed(mail.outbox[-1])
    (to,) = headers.get_all("To")
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [(name, "jane@smith.example")]
    assert set(headers.keys()) == HEADERS
    assert [parseaddr(r)[1] for r in mail.outbox[-1].recipients()] == ["jane@smith.example"]


def test_a_line_break_in_the_name_is_sent_as_one_header_and_adds_none(api, django_capture_on_commit_callbacks):
    _, response = request_link(api, django_capture_on_commit_callbacks, name="Jane\nSmith")
    assert response.status_code == 201, response.json()
    headers = parsed(mail.outbox[-1])
    (to,) = headers.get_all("To")
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [("Jane Smith", "jane@smith.example")]
    assert set(headers.keys()) == HEADERS


def test_a_header_smuggled_in_the_name_is_not_added_and_not_mailed(api, django_capture_on_commit_callbacks):
    _, response = request_link(api, django_capture_on_commit_callbacks,
                               name="Jane\r\nBcc: thief@evil.example\r\nX-Injected: yes")
    assert response.status_code == 201, response.json()
    headers = parsed(mail.outbox[-1])
    assert set(headers.keys()) == HEADERS
    (to,) = headers.get_all("To")
    assert [a.addr_spec for a in to.addresses] == ["jane@smith.example"]
    assert [parseaddr(r)[1] for r in mail.outbox[-1].recipients()] == ["jane@smith.example"]


def test_an_address_with_an_international_domain_is_emailed(api, django_capture_on_commit_callbacks):
    order_id, response = request_link(api, django_capture_on_commit_callbacks, name="Zoë Ångström",
                                      email="zoe@bücher.example")
    assert response.status_code == 201, response.json()
    assert len(mail.outbox) == 1, row(order_id, "approval_request_email").last_error
    (to,) = parsed(mail.outbox[-1]).get_all("To")
    assert [(a.display_name, a.domain) for a in to.addresses] in (
        [("Zoë Ångström", "bücher.example")], [("Zoë Ångström", "xn--bcher-kva.example")]
    )
    assert row(order_id, "approval_request_email").status == "done"


def test_a_link_that_dies_before_its_email_goes_out_is_never_sent_and_its_token_is_purged(
    api, smtp_down, clock, django_capture_on_commit_callbacks
):
    order_id, _ = request_link(api, django_capture_on_commit_callbacks)
    assert row(order_id, "approval_request_email").secret is not None
    api.post(f"/v1/port-orders/{order_id}", {"subscriber": {"business_name": "Smith Consulting LLC"}})  # revokes
    assert stored_columns(row(order_id, "approval_request_email").pk)["secret"] is None
    smtp_down.comes_back()
    clock.shift(dt.timedelta(minutes=5))
    sweep()
    assert mail.outbox == []
    assert row(order_id, "approval_request_email").status == "done"
