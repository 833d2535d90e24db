"""PIN and account number are encrypted at rest, readable after key rotation; a value that cannot be
decrypted shows as "unreadable" (desk and API), is never overwritten by a save, and is logged once."""
from __future__ import annotations

import base64
import hashlib
import logging

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from porting.fields import UNREADABLE_TEXT, field_cipher
from porting.models import PortOrder
from tests.desk.helpers import LIST, listed_ids, user_in


def raw_columns(order_id: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pin, account_number FROM porting_portorder WHERE id = %s", [order_id])
        return cursor.fetchone()


def test_the_pin_and_account_number_are_not_stored_in_plain_text(api):
    order = api.create()
    pin, account_number = raw_columns(order["id"])
    assert "1234" not in pin and "123456789" not in account_number
    assert field_cipher().decrypt(pin.encode()) == b"1234"


def test_old_values_stay_readable_after_a_key_rotation(api, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    order = api.create()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert PortOrder.objects.get(pk=order["id"]).pin == "1234"
    api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"pin": "5678"}})
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert PortOrder.objects.get(pk=order["id"]).pin == "5678"


def legacy_cipher(secret_key: str) -> Fernet:
    """What earlier versions encrypted with when FIELD_ENCRYPTION_KEYS was unset: a key derived from SECRET_KEY."""
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"portico-field-encryption:" + secret_key.encode()).digest()))


def test_values_written_before_the_upgrade_stay_readable(api, settings):
    order = api.create()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE porting_portorder SET pin = %s WHERE id = %s",
                       [legacy_cipher(settings.SECRET_KEY).encrypt(b"4321").decode(), order["id"]])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert api.refresh(order["id"])["details"]["subscriber"]["pin"] == "4321"


@pytest.fixture
def agent(db):
    return user_in("Porting agent", "agent")


def test_a_value_that_cannot_be_decrypted_shows_as_unreadable_on_the_desk_and_in_the_api(api, agent, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    draft, submitted = api.create(), api.submitted(["+12025550100"])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the wrong key
    queue = agent.get(LIST)
    assert queue.status_code == 200 and set(listed_ids(queue)) == {draft["id"], submitted["id"]}
    for order in (draft, submitted):
        page = agent.get(f"{LIST}{order['id']}/change/")
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count(UNREADABLE_TEXT) >= 2 and "•••••able" not in html
        response = api.get(f"/v1/port-orders/{order['id']}")
        assert response.status_code == 200
        subscriber = response.json()["details"]["subscriber"]
        assert (subscriber["account_number"], subscriber["pin"]) == (UNREADABLE_TEXT, UNREADABLE_TEXT)
    listed = api.get("/v1/port-orders")
    assert listed.status_code == 200
    assert {o["details"]["subscriber"]["pin"] for o in listed.json()["data"]} == {UNREADABLE_TEXT}


def test_saving_an_order_with_unreadable_values_keeps_their_ciphertext(api, settings):
    right_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [right_key]
    order = api.create()
    stored = raw_columns(order["id"])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "Smith & Sons"}})
    assert response.status_code == 200
    assert raw_columns(order["id"]) == stored
    settings.FIELD_ENCRYPTION_KEYS = [right_key]
    subscriber = api.refresh(order["id"])["details"]["subscriber"]
    assert (subscriber["business_name"], subscriber["pin"], subscriber["account_number"]) == (
        "Smith & Sons", "1234", "123456789")


def test_an_unreadable_value_is_logged_once_per_field_without_its_ciphertext(api, agent, settings, caplog):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    first, second = api.create(), api.create(["+12025550100"])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with caplog.at_level(logging.WARNING, logger="porting.fields"):
        agent.get(LIST)
        agent.get(f"{LIST}{first['id']}/change/")
        api.refresh(second["id"])
    messages = [r.getMessage() for r in caplog.records if r.name == "porting.fields"]
    assert len(messages) == 2
    assert any("PortOrder.pin" in m for m in messages) and any("PortOrder.account_number" in m for m in messages)
    assert not any(raw_columns(first["id"])[0] in m for m in messages)


def test_an_order_whose_secrets_cannot_be_decrypted_cannot_be_approved_until_they_are_sent_again(api, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    order = api.create()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the wrong key
    refused = api.post(f"/v1/port-orders/{order['id']}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"})
    assert refused.status_code == 400 and refused.json()["code"] == "incomplete_order"
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/subscriber/account_number", "/subscriber/pin"]
    assert "cannot be decrypted" in refused.json()["errors"][0]["detail"]
    api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"account_number": "123456789", "pin": "1234"}})
    assert api.approve(order["id"])["status"] == "approved"


def test_a_signing_email_whose_token_cannot_be_decrypted_is_dead_at_once_with_the_reason(
    api, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from porting.models import OutboxMessage

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    order = api.create()
    settings.PORTING_OUTBOX_EMBEDDED_SWEEPER = False
    with django_capture_on_commit_callbacks(execute=False):  # written, not sent yet
        assert api.post(f"/v1/port-orders/{order['id']}/approval-requests",
                        {"email": "jane@smith.example"}).status_code == 201
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the wrong key
    from porting import outbox

    message = OutboxMessage.objects.get(kind="approval_request_email")
    assert outbox.run(message.pk) == "dead"
    message.refresh_from_db()
    assert "cannot be decrypted" in message.last_error and mail.outbox == []
