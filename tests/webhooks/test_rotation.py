"""Rotating an endpoint's secret: the new one is shown once; for 24 hours every delivery carries two
signatures, so a receiver still holding the old secret and one already holding the new one both verify;
after that only the new secret verifies."""
from __future__ import annotations

import datetime as dt

import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from tests.conftest import Api, make_tenant
from tests.webhooks.helpers import assert_problem, endpoint_create, endpoint_get


def rotate(api, endpoint_id: str) -> dict:
    response = api.post(f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret", account=False)
    assert response.status_code == 200, response.json()
    return response.json()


def test_for_24_hours_after_a_rotation_both_secrets_verify_then_only_the_new_one(api, receiver, outbox, clock):
    endpoint = endpoint_create(api, receiver.url())
    old = endpoint["secret"]
    with outbox.effects():
        order = api.create()
    assert len(receiver.received[-1].headers["webhook-signature"].split()) == 1

    rotated = rotate(api, endpoint["id"])
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old
    assert "secret" not in endpoint_get(api, endpoint["id"])

    clock.shift(dt.timedelta(hours=23))
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "Smith Holdings"}})
    during = receiver.received[-1]
    assert len(during.headers["webhook-signature"].split()) == 2
    assert during.verified_with(old)["type"] == "port_order.updated"
    assert during.verified_with(new)["type"] == "port_order.updated"

    clock.shift(dt.timedelta(hours=1, minutes=1))
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}/cancel")
    after = receiver.received[-1]
    assert len(after.headers["webhook-signature"].split()) == 1
    assert after.verified_with(new)["type"] == "port_order.cancelled"
    with pytest.raises(WebhookVerificationError):
        after.verified_with(old)


def test_a_second_rotation_drops_the_first_secret_at_once(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    first = endpoint["secret"]
    second = rotate(api, endpoint["id"])["secret"]
    third = rotate(api, endpoint["id"])["secret"]
    with outbox.effects():
        api.create()
    (received,) = receiver.received
    received.verified_with(second)
    received.verified_with(third)
    with pytest.raises(WebhookVerificationError):
        received.verified_with(first)


def test_another_platforms_or_the_other_modes_key_cannot_rotate_the_secret(api, live_api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    intruder = Api(api.client, make_tenant("Mallory"))
    assert_problem(intruder.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", account=False), 404)
    assert_problem(live_api.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", account=False), 404)
    with outbox.effects():
        api.create()
    (received,) = receiver.received
    assert len(received.headers["webhook-signature"].split()) == 1
    received.verified_with(endpoint["secret"])
