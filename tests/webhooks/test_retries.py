"""Retries with an advanced clock: a failed delivery is tried again 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
14 h, 20 h and 24 h later (±10 %), the same event each time; 410 disables the endpoint; 429/503 honour
Retry-After; an endpoint failing for 5 days is disabled and its platform emailed."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.webhooks.helpers import (
    between,
    deliveries,
    endpoint_create,
    endpoint_get,
    next_attempt_due,
    only_delivery,
)

SCHEDULE = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600]
SLACK = dt.timedelta(milliseconds=500)


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def about(delay: float, after: float, due: dt.datetime) -> bool:
    """Whether ``due`` is ``delay`` seconds (±10 %) after the unix time ``after``."""
    start = dt.datetime.fromtimestamp(after, dt.UTC)
    return between(due, start + seconds(delay * 0.9), start + seconds(delay * 1.1) + SLACK)


def disabled_emails() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Webhook endpoint disabled")]


def run_next_attempt(clock, outbox, delivery_id: str) -> None:
    """Move the clock just past the delivery's next attempt and let the sweep run what is due."""
    due = next_attempt_due(delivery_id)
    clock.shift(due - timezone.now() + seconds(1))
    outbox.sweep()


def test_a_failed_delivery_is_tried_again_5_s_then_5_min_later_and_succeeds_once_the_receiver_answers_2xx(
    api, receiver, outbox, clock
):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer(500, 500, 204)
    with outbox.effects():
        api.create()
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "pending"
    assert [a["status_code"] for a in delivery["attempts"]] == [500]
    assert delivery["next_attempt_at"] is not None
    first_due = next_attempt_due(delivery["id"])
    assert about(5, receiver.received[0].at, first_due)

    outbox.sweep()  # not due yet: nothing is sent
    assert len(receiver.received) == 1

    run_next_attempt(clock, outbox, delivery["id"])
    assert [a["status_code"] for a in only_delivery(api, endpoint["id"])["attempts"]] == [500, 500]
    assert about(5 * 60, receiver.received[1].at, next_attempt_due(delivery["id"]))

    run_next_attempt(clock, outbox, delivery["id"])
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 204]
    assert delivery["finished_at"] is not None and delivery["next_attempt_at"] is None
    # The same event every time: one webhook-id, the same bytes, each attempt freshly signed.
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    assert receiver.received[-1].verified_with(endpoint["secret"])["type"] == "port_order.created"

    clock.shift(seconds(3 * 86400))
    outbox.sweep()
    assert len(receiver.received) == 3


def test_a_receiver_that_always_fails_gets_the_whole_schedule_then_the_delivery_is_failed(
    api, receiver, outbox, clock
):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer_always(500)
    with outbox.effects():
        api.create()
    delivery_id = only_delivery(api, endpoint["id"])["id"]
    started = timezone.now()
    for attempt, delay in enumerate(SCHEDULE, start=1):
        due = next_attempt_due(delivery_id)
        assert about(delay, receiver.received[-1].at, due), (attempt, delay, due)
        run_next_attempt(clock, outbox, delivery_id)
        assert len(receiver.received) == attempt + 1
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 10
    assert delivery["next_attempt_at"] is None
    assert dt.timedelta(days=2.8) < timezone.now() - started < dt.timedelta(days=3.5)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1

    clock.shift(seconds(7 * 86400))
    outbox.sweep()
    assert len(receiver.received) == 10


def test_a_410_fails_the_delivery_at_once_and_disables_the_endpoint(api, receiver, outbox, clock, notified):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer(410)
    with outbox.effects():
        order = api.create()
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempts"]] == [410]
    shown = endpoint_get(api, endpoint["id"])
    assert shown["disabled"] is True
    assert "410" in shown["disabled_reason"]
    assert [d["id"] for d in deliveries(api, endpoint["id"], status="failed")] == [delivery["id"]]
    assert deliveries(api, endpoint["id"], status="pending") == []
    (email,) = disabled_emails()
    assert email.to == notified and endpoint["url"] in email.subject

    clock.shift(seconds(86400))
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}/cancel")
    outbox.sweep()
    assert len(receiver.received) == 1
    assert len(deliveries(api, endpoint["id"])) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_receivers_retry_after_sets_the_next_attempt(api, receiver, outbox, clock, status):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer((status, {"Retry-After": "120"}))
    with outbox.effects():
        api.create()
    delivery = only_delivery(api, endpoint["id"])
    assert delivery["status"] == "pending"
    assert about(120, receiver.received[0].at, next_attempt_due(delivery["id"]))

    clock.shift(seconds(60))
    outbox.sweep()
    assert len(receiver.received) == 1
    run_next_attempt(clock, outbox, delivery["id"])
    assert len(receiver.received) == 2
    assert only_delivery(api, endpoint["id"])["status"] == "succeeded"


def test_a_500_with_retry_after_keeps_to_the_schedule(api, receiver, outbox):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer((500, {"Retry-After": "120"}))
    with outbox.effects():
        api.create()
    assert about(5, receiver.received[0].at, next_attempt_due(only_delivery(api, endpoint["id"])["id"]))


def test_an_endpoint_failing_for_5_days_is_disabled_and_its_platform_emailed(
    api, receiver, outbox, clock, notified
):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer_always(503)
    with outbox.effects():
        order = api.create()
    clock.shift(dt.timedelta(days=4, hours=23))
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"business_name": "Smith Holdings"}})
    assert len(receiver.received) == 2
    assert endpoint_get(api, endpoint["id"])["disabled"] is False
    assert disabled_emails() == []

    clock.shift(dt.timedelta(hours=2))
    outbox.sweep()
    shown = endpoint_get(api, endpoint["id"])
    assert shown["disabled"] is True
    assert "5 days" in shown["disabled_reason"]
    (email,) = disabled_emails()
    assert email.to == notified
    assert endpoint["url"] in email.subject and endpoint["id"] in email.body
    assert {d["status"] for d in deliveries(api, endpoint["id"])} == {"failed"}

    sent = len(receiver.received)
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}/cancel")
    clock.shift(dt.timedelta(days=1))
    outbox.sweep()
    assert len(receiver.received) == sent
    assert len(disabled_emails()) == 1


def test_a_success_in_between_starts_the_5_days_again(api, receiver, outbox, clock):
    endpoint = endpoint_create(api, receiver.url())
    receiver.answer(500)
    with outbox.effects():
        order = api.create()
    clock.shift(dt.timedelta(days=3))
    receiver.answer(200)  # the sweep's retry of the first event succeeds
    outbox.sweep()
    assert only_delivery(api, endpoint["id"])["status"] == "succeeded"
    clock.shift(dt.timedelta(days=2, hours=12))
    receiver.answer(500)
    with outbox.effects():
        api.post(f"/v1/port-orders/{order['id']}/cancel")
    assert receiver.received[-1].json()["type"] == "port_order.cancelled"
    assert endpoint_get(api, endpoint["id"])["disabled"] is False
    assert deliveries(api, endpoint["id"])[0]["status"] == "pending"
