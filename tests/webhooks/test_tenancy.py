"""Tenancy of webhooks and the events feed: another platform's endpoint or event is a 404 exactly like
a random id, on every route; nothing of another platform is listed, changed or sent."""
from __future__ import annotations

import pytest

from tests.conftest import Api, make_tenant
from tests.webhooks.helpers import (
    RANDOM_ENDPOINT,
    RANDOM_EVENT,
    assert_problem,
    deliveries,
    endpoint_create,
    endpoint_get,
    feed,
)

ENDPOINT_ROUTES = [
    ("get", "/v1/webhook-endpoints/{id}", None),
    ("post", "/v1/webhook-endpoints/{id}", {"url": "http://127.0.0.1:9/stolen", "disabled": True}),
    ("delete", "/v1/webhook-endpoints/{id}", None),
    ("post", "/v1/webhook-endpoints/{id}/rotate-secret", None),
    ("post", "/v1/webhook-endpoints/{id}/test", None),
    ("get", "/v1/webhook-endpoints/{id}/deliveries", None),
    ("post", "/v1/webhook-endpoints/{id}/recover", {"since": "2026-01-01T00:00:00Z"}),
]
EVENT_ROUTES = [
    ("get", "/v1/events/{id}", None),
    ("post", "/v1/events/{id}/redeliver", None),
]


def call(api: Api, method: str, path: str, body):
    headers = api.headers(account=False)
    if method == "get":
        return api.client.get(path, **headers)
    if method == "delete":
        return api.client.delete(path, **headers)
    if body is None:
        return api.client.post(path, **headers)
    return api.client.post(path, body, format="json", **headers)


def assert_same_404(stolen, missing, asked: str, random_id: str) -> None:
    assert_problem(stolen, 404)
    assert_problem(missing, 404)
    assert stolen.json() == {**missing.json(), "detail": missing.json()["detail"].replace(random_id, asked)}


@pytest.fixture
def intruder(api) -> Api:
    return Api(api.client, make_tenant("Mallory"))


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINT_ROUTES)
def test_another_platforms_endpoint_is_the_same_404_as_a_random_id(api, intruder, receiver, outbox, method, path,
                                                                    body):
    endpoint = endpoint_create(api, receiver.url())
    with outbox.effects():
        stolen = call(intruder, method, path.format(id=endpoint["id"]), body)
        missing = call(intruder, method, path.format(id=RANDOM_ENDPOINT), body)
    assert_same_404(stolen, missing, endpoint["id"], RANDOM_ENDPOINT)
    assert receiver.received == []
    shown = endpoint_get(api, endpoint["id"])
    assert (shown["url"], shown["disabled"]) == (endpoint["url"], False)
    assert deliveries(api, endpoint["id"]) == []
    with outbox.effects():
        api.create()
    (received,) = receiver.received
    received.verified_with(endpoint["secret"])  # still the secret it was created with


@pytest.mark.parametrize(("method", "path", "body"), EVENT_ROUTES)
def test_another_platforms_event_is_the_same_404_as_a_random_id(api, intruder, receiver, outbox, method, path, body):
    endpoint_create(api, receiver.url())
    endpoint_create(intruder, receiver.url("/mallory"))
    with outbox.effects():
        order = api.create()
    (event,) = feed(api)["data"]
    with outbox.effects():
        stolen = call(intruder, method, path.format(id=event["id"]), body)
        missing = call(intruder, method, path.format(id=RANDOM_EVENT), body)
    assert_same_404(stolen, missing, event["id"], RANDOM_EVENT)
    assert receiver.at("/mallory") == []
    assert len(receiver.at()) == 1
    assert event["order_id"] == order["id"]


def test_an_event_cannot_be_redelivered_to_another_platforms_endpoint(api, intruder, receiver, outbox):
    endpoint_create(api, receiver.url())
    theirs = endpoint_create(intruder, receiver.url("/mallory"))
    with outbox.effects():
        api.create()
    (event,) = feed(api)["data"]
    with outbox.effects():
        response = api.post(f"/v1/events/{event['id']}/redeliver", {"endpoint": theirs["id"]}, account=False)
    assert_problem(response, 404)
    assert receiver.at("/mallory") == []


def test_another_platform_lists_none_of_these_endpoints_or_events(api, intruder, receiver):
    endpoint_create(api, receiver.url())
    order = api.create()
    assert intruder.get("/v1/webhook-endpoints", account=False).json()["data"] == []
    assert feed(intruder)["data"] == []
    assert feed(intruder, account=api.tenant.account.pk)["data"] == []
    assert feed(intruder, order=order["id"])["data"] == []
