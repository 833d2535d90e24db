"""Deliveries as a real receiver sees them: Standard Webhooks headers and signature (checked with the
``standardwebhooks`` package), the event with the order exactly as GET returns it, at most 100 numbers
and under 20 KB, only to endpoints subscribed to the event's type and account, never internal notes."""
from __future__ import annotations

import dataclasses
import time

import pytest
from django.contrib.auth.models import Group, User
from standardwebhooks.webhooks import WebhookVerificationError

from porting import services
from porting.models import Account, PortOrder
from tests.conftest import Api, make_tenant, order_body
from tests.webhooks.helpers import (
    assert_problem,
    deliveries,
    endpoint_create,
    endpoint_update,
    feed,
    only_delivery,
    order_events,
)

SIGNATURE = "Jane Smith"


def with_secrets_masked(order: dict) -> dict:
    """GET shows a draft's PIN and account number; a webhook never carries them (it is stored and leaves)."""
    subscriber = order["details"]["subscriber"]
    subscriber["pin"] = "****" if subscriber["pin"] else None
    subscriber["account_number"] = "•••••" + subscriber["account_number"][-4:] if subscriber["account_number"] else None
    return order


def test_a_delivery_is_the_event_with_the_order_as_get_returns_it_signed_per_standard_webhooks(
    api, receiver, outbox
):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        order = api.create()
    (received,) = receiver.received
    payload = received.verified_with(endpoint["secret"])
    (event,) = order_events(api, order["id"])
    assert set(payload) == {"id", "type", "created_at", "livemode", "account_id", "sequence", "data"}
    assert {k: payload[k] for k in ("id", "type", "created_at", "livemode", "account_id", "sequence")} == {
        "id": event["id"], "type": "port_order.created", "created_at": event["created_at"], "livemode": False,
        "account_id": api.tenant.account.pk, "sequence": 1,
    }
    delivered = payload["data"]["object"]
    assert delivered.pop("numbers_count") == 1
    as_got = api.refresh(order["id"])
    assert as_got["details"]["subscriber"]["pin"] == "1234"  # a draft's secrets, over the API only
    assert delivered == with_secrets_masked(as_got)
    assert '"pin":"1234"' not in received.body and "123456789" not in received.body
    assert received.headers["webhook-id"] == event["id"]
    assert abs(int(received.headers["webhook-timestamp"]) - time.time()) < 60
    assert received.headers["webhook-signature"].startswith("v1,")
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("Portico-Webhooks/")
    assert only_delivery(api, endpoint["id"])["status"] == "succeeded"


def test_each_delivery_shows_the_order_as_it_was_at_that_event(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        order = api.create()
    with outbox.effects():
        api.approve(order["id"], SIGNATURE)
    approved = receiver.at()[1].verified_with(endpoint["secret"])
    assert (approved["type"], approved["sequence"]) == ("port_order.approved", 2)
    as_delivered = approved["data"]["object"]
    as_delivered.pop("numbers_count")
    assert as_delivered == api.refresh(order["id"])
    assert as_delivered["status"] == "approved" and as_delivered["details"]["approval"]["signature"] == SIGNATURE
    created = receiver.at()[0].json()["data"]["object"]
    assert created["status"] == "draft" and created["details"]["approval"] is None


def test_a_signature_does_not_verify_with_another_secret_or_a_changed_body(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    other = endpoint_create(api, "http://127.0.0.1:9/elsewhere", enabled_events=["nothing.at_all"])
    with outbox.effects():
        api.create()
    (received,) = receiver.received
    received.verified_with(endpoint["secret"])
    with pytest.raises(WebhookVerificationError):
        received.verified_with(other["secret"])
    tampered = dataclasses.replace(received, body=received.body.replace('"sequence":1', '"sequence":9'))
    assert tampered.body != received.body
    with pytest.raises(WebhookVerificationError):
        tampered.verified_with(endpoint["secret"])


def test_an_order_of_150_numbers_arrives_under_20_kb_with_its_first_100_numbers_and_the_count(
    api, receiver, outbox
):
    numbers = [f"+1202555{line}" for line in range(1000, 1150)]
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        order = api.create(numbers)
    (received,) = receiver.received
    assert len(received.body.encode()) < 20 * 1024
    delivered = received.verified_with(endpoint["secret"])["data"]["object"]
    assert delivered["numbers_count"] == 150
    assert [n["phone_number"] for n in delivered["numbers"]] == numbers[:100]
    assert delivered["details"]["phone_numbers"] == numbers[:100]
    assert {n["losing_carrier_name"] for n in delivered["numbers"]} == {"Verizon Wireless"}
    whole = api.refresh(order["id"])
    assert len(whole["numbers"]) == 150
    assert delivered["numbers"] == whole["numbers"][:100]
    assert delivered["details"]["subscriber"] == with_secrets_masked(whole)["details"]["subscriber"]


def test_the_test_action_sends_webhook_endpoint_test_to_that_endpoint_only(api, receiver, outbox):
    tested = endpoint_create(api, receiver.url("/tested"))
    endpoint_create(api, receiver.url("/other"))
    with outbox.effects():
        response = api.post(f"/v1/webhook-endpoints/{tested['id']}/test", account=False)
    assert response.status_code == 202, response.json()
    assert response.json()["event_type"] == "webhook_endpoint.test"
    assert receiver.at("/other") == []
    (received,) = receiver.at("/tested")
    payload = received.verified_with(tested["secret"])
    assert payload["type"] == "webhook_endpoint.test"
    assert received.headers["webhook-id"] == payload["id"] == response.json()["event"]
    assert only_delivery(api, tested["id"])["status"] == "succeeded"


def test_the_test_action_on_a_disabled_endpoint_is_a_conflict(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    endpoint_update(api, endpoint["id"], disabled=True)
    with outbox.effects():
        assert_problem(api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", account=False), 409)
    assert receiver.received == []


def test_enabled_events_pick_the_types_an_endpoint_receives_by_exact_name_or_glob(api, receiver, outbox):
    endpoint_create(api, receiver.url("/orders"), enabled_events=["port_order.*"])
    endpoint_create(api, receiver.url("/signing"), enabled_events=["approval_request.*"])
    endpoint_create(api, receiver.url("/approved"), enabled_events=["port_order.approved"])
    endpoint_create(api, receiver.url("/everything"))
    with outbox.effects():
        order = api.create()
        response = api.post(f"/v1/port-orders/{order['id']}/approval-requests",
                            {"email": "jane@smith.example", "name": "Jane Smith"})
        assert response.status_code == 201, response.json()
    with outbox.effects():
        api.approve(order["id"], SIGNATURE)
    assert receiver.types("/orders") == ["port_order.created", "port_order.approved"]
    assert "approval_request.sent" not in receiver.types("/orders")
    assert receiver.types("/signing")[0] == "approval_request.sent"
    assert all(t.startswith("approval_request.") for t in receiver.types("/signing"))
    assert receiver.types("/approved") == ["port_order.approved"]
    assert {"port_order.created", "approval_request.sent", "port_order.approved"} <= set(receiver.types("/everything"))


def test_an_endpoint_limited_to_an_account_gets_only_that_accounts_events(api, receiver, outbox):
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    endpoint_create(api, receiver.url("/mine"), account=api.tenant.account.pk)
    endpoint_create(api, receiver.url("/sibling"), account=sibling.pk)
    endpoint_create(api, receiver.url("/all"))
    with outbox.effects():
        mine = api.create()
        response = api.post("/v1/port-orders", order_body(["+12025551300"]), account=sibling.pk)
        assert response.status_code == 201, response.json()
        theirs = response.json()
    assert [r.json()["data"]["object"]["id"] for r in receiver.at("/mine")] == [mine["id"]]
    assert [r.json()["account_id"] for r in receiver.at("/sibling")] == [sibling.pk]
    assert [r.json()["data"]["object"]["id"] for r in receiver.at("/sibling")] == [theirs["id"]]
    assert sorted(r.json()["data"]["object"]["id"] for r in receiver.at("/all")) == sorted([mine["id"], theirs["id"]])


def test_another_platforms_endpoints_receive_nothing_of_this_platforms_orders(api, receiver, outbox):
    intruder = Api(api.client, make_tenant("Mallory"))
    endpoint_create(intruder, receiver.url("/mallory"))
    endpoint_create(api, receiver.url("/acme"))
    with outbox.effects():
        api.create()
    assert receiver.types("/acme") == ["port_order.created"]
    assert receiver.at("/mallory") == []


def test_a_live_order_is_not_sent_to_test_endpoints(api, live_api, receiver, outbox):
    endpoint_create(api, receiver.url())
    with outbox.effects():
        live_api.create()
    assert receiver.received == []


def test_internal_desk_notes_are_never_delivered_nor_listed_in_the_feed_or_the_orders_events(
    api, receiver, outbox
):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        order = api.create()
    agent = User.objects.create_user("agent", "agent@example.com", "pw-12345-long", is_staff=True)
    agent.groups.add(Group.objects.get(name="Porting agent"))
    with outbox.effects():
        services.port_order_comment(order=PortOrder.objects.get(pk=order["id"]), user=agent,
                                    body="Customer is difficult; PIN is on the sticky note")
    with outbox.effects():
        api.approve(order["id"], SIGNATURE)
    public = ["port_order.created", "port_order.approved", "loa.generated"]
    assert receiver.types() == public
    assert all("sticky note" not in r.body for r in receiver.received)
    assert [e["type"] for e in order_events(api, order["id"])] == public
    listed = feed(api)["data"]
    assert "comment.created" not in [e["type"] for e in listed]
    note = PortOrder.objects.get(pk=order["id"]).events.get(type="comment.created")
    assert_problem(api.get(f"/v1/events/{note.pk}", account=False), 404)
    with outbox.effects():
        assert_problem(api.post(f"/v1/events/{note.pk}/redeliver", account=False), 404)
    assert len(receiver.received) == 3
    assert [d["event_type"] for d in deliveries(api, endpoint["id"])] == public[::-1]


def test_a_disabled_endpoint_receives_nothing_until_it_is_enabled_again(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    endpoint_update(api, endpoint["id"], disabled=True)
    with outbox.effects():
        order = api.create()
    assert receiver.received == []
    endpoint_update(api, endpoint["id"], disabled=False)
    with outbox.effects():
        api.approve(order["id"], SIGNATURE)
    assert receiver.types() == ["port_order.approved", "loa.generated"]


def test_a_delivery_queued_before_its_endpoint_was_disabled_is_not_sent(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        api.create()
        endpoint_update(api, endpoint["id"], disabled=True)
    assert receiver.received == []
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "failed"
    assert "disabled" in delivery["attempts"][0]["error"]


def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer((302, {"Location": receiver.url("/moved")}))
    with outbox.effects():
        api.create()
    assert receiver.at("/moved") == []
    assert len(receiver.at()) == 1
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "pending"
    assert delivery["attempts"][0]["status_code"] == 302


def test_an_endpoint_whose_secret_cannot_be_decrypted_gets_nothing_and_the_log_says_why(api, receiver, outbox,
                                                                                          settings):
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    endpoint = endpoint_create(api, receiver.url())
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the wrong key
    with outbox.effects():
        api.create()
    assert receiver.received == []
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "failed"
    assert "cannot be decrypted" in str(delivery)
