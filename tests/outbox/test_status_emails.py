"""Status emails: the platform hears of every FOC, rejection, completion and cancellation of its
orders; the customer who signed hears of the port date and of the completion. Each email is an
outbox row written with the change, sent after commit, with a plain-text body and an HTML one."""
from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.test import Client

from porting.models import Platform
from tests.outbox.helpers import PLATFORM_ADDRESSES, rows, sweep

HELPERS = "/v1/test-helpers/port-orders"
CUSTOMER = "Jane Smith <jane@smith.example>"
REJECTED = "+12025550001"  # the sandbox rejects it with address_mismatch until the address is updated


def to_platform() -> list:
    return [m for m in mail.outbox if m.to == PLATFORM_ADDRESSES]


def to_customer() -> list:
    return [m for m in mail.outbox if m.to == [CUSTOMER]]


def html(message) -> str:
    (content, mimetype), = message.alternatives
    assert mimetype == "text/html"
    return content


def both(message) -> str:
    """The plain-text body and the HTML alternative, tags stripped: a fact must be in both."""
    return message.body + "\n" + re.sub(r"<[^>]+>", "", html(message))


def submitted(api, numbers: list[str] | None = None) -> str:
    order = api.create(numbers)
    api.approve(order["id"])
    api.submit(order["id"])
    return order["id"]


def confirm_foc(api, order_id: str, capture) -> None:
    """A GET polls the sandbox, which confirms the requested date and time."""
    with capture(execute=True):
        assert api.refresh(order_id)["status"] == "foc"


def signed_by_the_customer(api, capture, numbers: list[str] | None = None) -> str:
    order = api.create(numbers)
    with capture(execute=True):
        response = api.post(f"/v1/port-orders/{order['id']}/approval-requests",
                            {"email": "jane@smith.example", "name": "Jane Smith"})
    token = re.search(r"/sign/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
    assert response.status_code == 201
    client = Client()
    client.get(f"/sign/{token}/")
    with capture(execute=True):
        assert client.post(f"/sign/{token}/", {"signature": "Jane Smith", "consent": "on"}).status_code == 302
    mail.outbox.clear()
    return order["id"]


# --- the platform ---------------------------------------------------------------------------
def test_the_platform_hears_of_the_foc_with_its_date_time_business_and_numbers(
    api, notified, django_capture_on_commit_callbacks
):
    order_id = submitted(api)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    (message,) = to_platform()
    assert "Smith Consulting" in message.subject and order_id in message.subject
    text = both(message)
    for expected in ["2026-12-18", "10:00", "Smith Consulting", "+12025551234", order_id]:
        assert text.count(expected) >= 2, expected  # in the text body and in the HTML one


def test_a_rejection_tells_the_platform_the_code_the_message_and_how_to_fix_it(
    api, notified, django_capture_on_commit_callbacks
):
    order_id = submitted(api, [REJECTED])
    with django_capture_on_commit_callbacks(execute=True):
        assert api.refresh(order_id)["status"] == "exception"
    (message,) = to_platform()
    assert "rejected" in message.subject
    for expected in ["address_mismatch", "Service address mismatch",
                     "Update the address to match the losing carrier's records."]:
        assert expected in message.body, expected
    assert "address_mismatch" in html(message) and "Update the address to match" in html(message)


def test_a_completion_is_emailed_to_the_platform(api, notified, django_capture_on_commit_callbacks):
    order_id = submitted(api)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{HELPERS}/{order_id}/complete").json()["status"] == "complete"
    foc, complete = to_platform()
    assert "now with Portico Demo Telecom" in complete.subject
    assert "The numbers are now with Portico Demo Telecom." in complete.body
    assert "now with Portico Demo Telecom" in html(complete)


def test_a_cancellation_is_emailed_to_the_platform_with_its_reason(api, notified, django_capture_on_commit_callbacks):
    order_id = submitted(api)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/v1/port-orders/{order_id}/cancel", {"reason": "Customer changed their mind"})
    assert response.json()["status"] == "cancelled"
    (message,) = to_platform()
    assert "cancelled" in message.subject
    assert "The port order was cancelled: Customer changed their mind." in message.body
    assert "Customer changed their mind" in html(message)


def test_an_order_of_more_than_ten_numbers_lists_the_first_ten_and_how_many_more(
    api, notified, django_capture_on_commit_callbacks
):
    numbers = [f"+1202555{line}" for line in range(6100, 6112)]
    order_id = submitted(api, numbers)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    (message,) = to_platform()
    assert f"Numbers (12): {', '.join(numbers[:10])} and 2 more" in message.body
    assert f"{', '.join(numbers[:10])} and 2 more" in html(message)
    assert numbers[10] not in both(message) and numbers[11] not in both(message)


def test_a_platform_without_notification_addresses_is_not_emailed(api, django_capture_on_commit_callbacks):
    order_id = submitted(api)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert {(r.status, r.last_error) for r in rows(order_id, "status_email")} == {("done", "")}


def test_every_address_of_the_platform_is_told_one_per_line_too(api, tenant, django_capture_on_commit_callbacks):
    Platform.objects.filter(pk=tenant.platform.pk).update(notification_emails="\n".join(PLATFORM_ADDRESSES))
    order_id = submitted(api)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    assert len(to_platform()) == 1


# --- the customer who signed ----------------------------------------------------------------
def test_the_customer_who_signed_hears_of_the_foc_and_the_completion(api, notified,
                                                                    django_capture_on_commit_callbacks):
    order_id = signed_by_the_customer(api, django_capture_on_commit_callbacks)
    api.submit(order_id)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"{HELPERS}/{order_id}/complete")
    foc, complete = to_customer()
    assert "2026-12-18" in foc.body and "10:00" in foc.body and "2026-12-18" in html(foc)
    assert "now with Portico Demo Telecom" in complete.body and "now with Portico Demo Telecom" in html(complete)
    assert len(to_platform()) == 2


def test_the_customer_is_not_told_of_a_rejection_only_the_platform_is(api, notified,
                                                                     django_capture_on_commit_callbacks):
    order_id = signed_by_the_customer(api, django_capture_on_commit_callbacks, [REJECTED])
    api.submit(order_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.refresh(order_id)["status"] == "exception"
    assert to_customer() == []
    assert len(to_platform()) == 1 and "address_mismatch" in to_platform()[0].body


def test_a_customer_sent_a_link_who_did_not_sign_gets_no_status_email(api, notified,
                                                                      django_capture_on_commit_callbacks):
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/v1/port-orders/{order['id']}/approval-requests", {"email": "jane@smith.example", "name": "Jane"})
    mail.outbox.clear()
    api.approve(order["id"])  # approved through the API instead: the link is revoked, nobody signed
    api.submit(order["id"])
    confirm_foc(api, order["id"], django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [PLATFORM_ADDRESSES]


# --- SMTP down ------------------------------------------------------------------------------
def test_a_status_change_while_smtp_is_down_is_answered_and_its_email_follows(
    api, notified, smtp_down, clock, django_capture_on_commit_callbacks
):
    order_id = submitted(api)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)  # answers 200 with the new status
    assert mail.outbox == []
    (waiting,) = [r for r in rows(order_id, "status_email") if r.status == "pending"]
    assert waiting.attempts == 1 and waiting.last_error
    smtp_down.comes_back()
    clock.shift(dt.timedelta(seconds=17))
    sweep()
    (message,) = to_platform()
    assert "2026-12-18" in message.body
