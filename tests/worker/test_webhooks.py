"""The platform's webhook receiver is down while a test-mode order goes created → approved → submitted
→ foc → complete, then comes back: every event of the order arrives, each verified with the
``standardwebhooks`` package (never Portico's own signing), in any order but with the ``sequence``
of the events feed (1…N, no gaps). At least once: a duplicate would be allowed, a missing event not.

The receiver is a real HTTP server in this process; "down" is its port closed (connection refused).
Webhook retries come 5 s, then 5 min after a failure: the whole flow runs, and every delivery fails
its first attempt, within the first 5 s, and the receiver is back before the first retry is due.
"""
from __future__ import annotations

import datetime as dt
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from standardwebhooks.webhooks import Webhook

from tests.worker.conftest import FIRST_RETRIES, JITTER
from tests.worker.harness import WebhookReceiver, wait_for

pytestmark = pytest.mark.worker
LATENCY = 3.0  # seconds a retry may start after it is due (broker countdown, worker, sweep)
# The events of create → approve → submit → GET (the sandbox's FOC) → complete, the LOA rendered after approval.
FLOW_EVENTS = {"port_order.created", "port_order.approved", "loa.generated", "port_order.submitted",
               "port_order.foc", "port_order.completed"}


class Platform:
    """The platform-scoped part of the API (webhook endpoints, the events feed): the test key, no account header."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url, self.session = base_url, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def request(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.session.request(method, f"{self.base_url}{path}", json=body, timeout=30)

    def get(self, path: str) -> dict[str, Any]:
        response = self.request("GET", path)
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture
def platform(stack) -> Platform:
    return Platform(stack.web_url, stack.keys["test"]["api_key"])


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()  # not started: down
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(platform: Platform, receiver: WebhookReceiver) -> Iterator[dict[str, Any]]:
    """A test-mode endpoint for the receiver, subscribed to every event; deleted afterwards (other tests'
    test-mode orders must not queue deliveries to a closed port)."""
    response = platform.request("POST", "/v1/webhook-endpoints",
                                {"url": receiver.url, "description": "worker tests: receiver down, then up"})
    assert response.status_code == 201, response.text
    created = dict(response.json())
    assert created["enabled_events"] == ["*"] and created["livemode"] is False, created
    assert created["secret"].startswith("whsec_")
    yield created
    assert platform.request("DELETE", f"/v1/webhook-endpoints/{created['id']}").status_code == 204


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_every_event_arrives_verified_with_its_sequence_after_the_receiver_comes_back(
    stack, order_body, platform, receiver, endpoint,
):
    test_mode = stack.api(live=False)
    endpoint_id, hook = endpoint["id"], Webhook(endpoint["secret"])
    assert refused(receiver.port), "the receiver should be down"

    # --- the order goes all the way, the receiver down ---
    started = time.monotonic()
    order_id = test_mode.create(order_body())["id"]
    assert test_mode.approve(order_id).status_code == 200
    response = test_mode.submit(order_id)
    assert response.status_code == 200, response.text
    assert test_mode.order(order_id)["status"] == "foc"  # the sandbox confirms the FOC at this refresh
    response = test_mode.request("POST", f"/v1/test-helpers/port-orders/{order_id}/complete")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "complete"
    flow_seconds = time.monotonic() - started

    def feed() -> list[dict[str, Any]]:
        page = platform.get(f"/v1/events?order={order_id}&limit=100")
        assert not page["has_more"]
        return list(page["data"])

    def deliveries() -> list[dict[str, Any]]:
        page = platform.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries?limit=100")
        assert not page["has_more"]
        return list(page["data"])

    def rescheduled(delivery: dict[str, Any]) -> bool:
        """An attempt is logged and the retry scheduled. The attempt is logged a moment before its outbox row
        gets the new due time: until then ``next_attempt_at`` still says when the attempt was due."""
        if not delivery["attempts"] or not delivery["next_attempt_at"]:
            return False
        gap = parse_time(delivery["next_attempt_at"]) - parse_time(delivery["attempts"][-1]["at"])
        return gap >= dt.timedelta(seconds=2)  # a retry 5 s ±10 % later (whole seconds); a stale one: none

    def settled() -> bool:
        """No event of the order is still to come: the LOA render and the carrier submit (which renders the LOA
        too if it is still missing, and may then write a second loa.generated) are done."""
        rows = [row for row in stack.outbox(order_id) if row["kind"] in ("loa_render", "carrier_submit")]
        return {row["kind"] for row in rows} == {"loa_render", "carrier_submit"} and all(
            row["status"] == "done" for row in rows)

    def all_failed_once() -> list[dict[str, Any]] | None:
        """Every event of the flow (the LOA's too, rendered by the worker) has a delivery that has failed once."""
        if not settled():
            return None
        events, rows = feed(), deliveries()
        if {e["type"] for e in events} != FLOW_EVENTS:
            return None
        if sorted(d["event"] for d in rows) != sorted(e["id"] for e in events):
            return None
        return rows if all(rescheduled(d) for d in rows) else None

    # Waits past the first retry only if the premise below fails anyway: then it says why.
    pending = wait_for(all_failed_once, timeout=FIRST_RETRIES["webhooks"][0] * (1 + JITTER) + LATENCY, every=0.1,
                       what="every delivery's first attempt",
                       detail=lambda: json.dumps(deliveries(), indent=1) + "\n" + stack.tails())
    first_failures_seconds = time.monotonic() - started
    receiver.start()
    up_at, up_monotonic = dt.datetime.now(dt.UTC), time.monotonic()
    up_seconds = up_monotonic - started

    # The premise of the test: the receiver is back before any first retry is due (else the next is 5 min away).
    # next_attempt_at has whole seconds, cut down: so this errs on the safe side.
    first_retry_due = min(parse_time(d["next_attempt_at"]) for d in pending)
    assert up_at < first_retry_due and all(len(d["attempts"]) == 1 for d in pending), (
        f"the receiver came back at {up_at:%H:%M:%S.%f}, after a retry was due ({first_retry_due:%H:%M:%S}): "
        f"the flow took {flow_seconds:.1f} s, the first attempts {first_failures_seconds:.1f} s\n"
        + json.dumps(pending, indent=1))
    for delivery in pending:
        assert delivery["status"] == "pending", delivery
        (attempt,) = delivery["attempts"]
        assert attempt["status_code"] is None and "refused" in attempt["error"].lower(), attempt

    # --- the receiver is up: the 5 s retries deliver everything ---
    last_retry_due = max(parse_time(d["next_attempt_at"]) for d in pending)
    patience = (last_retry_due - up_at).total_seconds() + 1 + LATENCY + 5
    assert patience < FIRST_RETRIES["webhooks"][0] * (1 + JITTER) + LATENCY + 10
    delivered = wait_for(lambda: (rows := deliveries()) and all(d["status"] == "succeeded" for d in rows) and rows,
                         timeout=patience, what="every delivery to succeed",
                         detail=lambda: json.dumps(deliveries(), indent=1) + "\n" + stack.tails())
    delivered_seconds = time.monotonic() - started
    for delivery in delivered:
        statuses = [attempt["status_code"] for attempt in delivery["attempts"]]
        assert statuses == [None, 204], delivery  # refused once, then delivered by the first retry
        waited = (parse_time(delivery["attempts"][1]["at"]) - parse_time(delivery["attempts"][0]["at"])).total_seconds()
        first = FIRST_RETRIES["webhooks"][0]
        assert first * (1 - JITTER) - 1 <= waited <= first * (1 + JITTER) + LATENCY + 1, delivery
    for row in stack.outbox(order_id, "webhook_delivery"):
        assert (row["status"], row["attempts"]) == ("done", 2), row

    # --- what the receiver got: each verified, its id the event's, (id, sequence) as the feed says ---
    time.sleep(1)  # a duplicate, if any, would arrive now (allowed: at least once)
    hooks = receiver.hooks()
    assert hooks and all(h.at >= up_monotonic for h in hooks)
    received: dict[str, dict[str, Any]] = {}
    for h in hooks:
        event = hook.verify(h.body, h.headers)  # raises on a bad signature or timestamp
        assert h.headers["webhook-id"] == event["id"], (h.headers, event["id"])
        assert h.headers["content-type"] == "application/json"
        assert h.headers["user-agent"] == "Portico-Webhooks/1.0"
        assert event["data"]["object"]["id"] == order_id
        assert (event["livemode"], event["account_id"]) == (False, stack.keys["test"]["account_id"])
        assert received.setdefault(event["id"], event) == event, "a duplicate must be the same event"
        assert json.loads(h.body) == event
    events = feed()
    assert {(e["id"], e["sequence"]) for e in received.values()} == {(e["id"], e["sequence"]) for e in events}
    assert sorted(e["sequence"] for e in received.values()) == list(range(1, len(events) + 1))
    # A set, not a list: two handlers may render the LOA at once and each write loa.generated (a product race,
    # porting/services/loa.py); every event the feed has must arrive all the same.
    assert {e["type"] for e in received.values()} == FLOW_EVENTS
    for expected in events:
        got = received[expected["id"]]
        assert (got["type"], got["sequence"], got["created_at"]) == (
            expected["type"], expected["sequence"], expected["created_at"])
        if expected["to_status"]:  # the order as it was when the event happened
            assert got["data"]["object"]["status"] == expected["to_status"], (expected, got["data"]["object"])

    print(f"\nwebhooks: flow {flow_seconds:.2f} s, every first attempt failed by {first_failures_seconds:.2f} s, "
          f"receiver up at {up_seconds:.2f} s, first retry due {(first_retry_due - up_at).total_seconds():+.2f} s "
          f"after that (whole seconds), all delivered by {delivered_seconds:.2f} s; "
          f"{len(hooks)} POSTs for {len(received)} events: "
          + ", ".join(f"{e['sequence']} {e['type']}" for e in sorted(received.values(), key=lambda e: e["sequence"])))
