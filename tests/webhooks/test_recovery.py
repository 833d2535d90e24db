"""Catching up: an event is redelivered to every subscribed endpoint or to one, and an endpoint that
was down gets every delivery that failed since a time sent again: the same event id and body."""
from __future__ import annotations

import datetime as dt

from tests.webhooks.helpers import (
    assert_problem,
    deliveries,
    endpoint_create,
    endpoint_get,
    endpoint_update,
    feed,
)


def stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_event_is_redelivered_to_every_subscribed_endpoint_or_to_the_one_named(api, receiver, outbox):
    first = endpoint_create(api, receiver.url("/first"))
    second = endpoint_create(api, receiver.url("/second"))
    endpoint_create(api, receiver.url("/signing"), enabled_events=["approval_request.*"])
    with outbox.effects():
        api.create()
    (event,) = feed(api)["data"]

    with outbox.effects():
        response = api.post(f"/v1/events/{event['id']}/redeliver", account=False)
    assert response.status_code == 202
    assert response.json() == {"count": 2}
    assert len(receiver.at("/first")) == len(receiver.at("/second")) == 2
    assert receiver.at("/signing") == []
    original, again = receiver.at("/first")
    assert again.headers["webhook-id"] == original.headers["webhook-id"] == event["id"]
    assert again.body == original.body
    assert again.verified_with(first["secret"])["id"] == event["id"]

    with outbox.effects():
        response = api.post(f"/v1/events/{event['id']}/redeliver", {"endpoint": second["id"]}, account=False)
    assert response.json() == {"count": 1}
    assert (len(receiver.at("/first")), len(receiver.at("/second"))) == (2, 3)
    assert receiver.at("/second")[-1].verified_with(second["secret"])["id"] == event["id"]


def test_redelivering_to_an_endpoint_not_subscribed_to_the_event_is_a_400(api, receiver, outbox):
    endpoint_create(api, receiver.url())
    signing = endpoint_create(api, receiver.url("/signing"), enabled_events=["approval_request.*"])
    with outbox.effects():
        api.create()
    (event,) = feed(api)["data"]
    with outbox.effects():
        response = api.post(f"/v1/events/{event['id']}/redeliver", {"endpoint": signing["id"]}, account=False)
    assert_problem(response, 400, pointer="/endpoint")
    assert receiver.at("/signing") == []


def test_a_failed_delivery_is_redelivered_once_the_receiver_is_fixed(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer(410)
    with outbox.effects():
        api.create()
    assert deliveries(api, endpoint["id"])[0]["status"] == "failed"
    endpoint_update(api, endpoint["id"], disabled=False)
    (event,) = feed(api)["data"]
    with outbox.effects():
        assert api.post(f"/v1/events/{event['id']}/redeliver", account=False).json() == {"count": 1}
    assert [d["status"] for d in deliveries(api, endpoint["id"])] == ["succeeded", "failed"]
    assert receiver.received[-1].verified_with(endpoint["secret"])["id"] == event["id"]


def test_recover_sends_again_every_delivery_that_failed_since_a_time_and_nothing_older_or_successful(
    api, receiver, outbox, clock
):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        order = api.create()  # delivered
    clock.shift(dt.timedelta(hours=1))
    receiver.answer(410)
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "Old Failure"}})
    clock.shift(dt.timedelta(hours=1))
    since = dt.datetime.now(dt.UTC)
    endpoint_update(api, endpoint["id"], disabled=False)
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "Delivered"}})
    receiver.answer(410)
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "New Failure"}})
    assert [d["status"] for d in deliveries(api, endpoint["id"])] == ["failed", "succeeded", "failed", "succeeded"]
    assert endpoint_get(api, endpoint["id"])["disabled"] is True

    recover = f"/v1/webhook-endpoints/{endpoint['id']}/recover"
    assert_problem(api.post(recover, {"since": stamp(since)}, account=False), 409)  # enable it first
    endpoint_update(api, endpoint["id"], disabled=False)
    sent = len(receiver.received)
    with outbox.effects():
        response = api.post(recover, {"since": stamp(since)}, account=False)
    assert response.status_code == 202
    assert response.json() == {"count": 1}
    (recovered,) = receiver.received[sent:]
    failed_one = receiver.received[sent - 1]
    assert recovered.body == failed_one.body
    assert recovered.headers["webhook-id"] == failed_one.headers["webhook-id"]
    payload = recovered.verified_with(endpoint["secret"])
    assert payload["data"]["object"]["details"]["subscriber"]["business_name"] == "New Failure"
    assert deliveries(api, endpoint["id"])[0]["status"] == "succeeded"


def test_recover_needs_a_time(api, receiver):
    endpoint = endpoint_create(api, receiver.url())
    response = api.post(f"/v1/webhook-endpoints/{endpoint['id']}/recover", {}, account=False)
    assert_problem(response, 400, pointer="/since")
