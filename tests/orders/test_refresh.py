"""Refreshing orders from their carrier: throttled on GET, resilient, and handed over after commit."""
from __future__ import annotations

import datetime as dt

import pytest

from porting.carriers import CarrierUpdate
from tests.carriers import CountingCarrier


@pytest.fixture
def carrier(settings):
    settings.PORTING_CARRIER = "tests.carriers.CountingCarrier"
    settings.PORTING_REFRESH_SECONDS = 60
    CountingCarrier.calls = []
    CountingCarrier.fail_polls = False
    CountingCarrier.next_update = None
    yield CountingCarrier
    CountingCarrier.calls = []
    CountingCarrier.fail_polls = False
    CountingCarrier.next_update = None


def live_submitted(live_api, django_capture_on_commit_callbacks) -> str:
    order = live_api.create(["+12025551234"])
    live_api.approve(order["id"])
    with django_capture_on_commit_callbacks(execute=True):
        live_api.submit(order["id"])
    return order["id"]


def test_submission_hands_the_order_to_the_live_carrier_after_commit(live_api, carrier,
                                                                     django_capture_on_commit_callbacks):
    order_id = live_submitted(live_api, django_capture_on_commit_callbacks)
    assert carrier.calls == [("submit", order_id)]


def test_cancelling_a_submitted_order_tells_the_carrier(live_api, carrier, django_capture_on_commit_callbacks):
    order_id = live_submitted(live_api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        live_api.post(f"/v1/port-orders/{order_id}/cancel")
    assert carrier.calls[-1] == ("cancel", order_id)


def test_a_get_polls_the_carrier_at_most_once_per_interval(live_api, carrier, clock,
                                                           django_capture_on_commit_callbacks):
    order_id = live_submitted(live_api, django_capture_on_commit_callbacks)
    live_api.refresh(order_id)
    live_api.refresh(order_id)
    assert carrier.calls.count(("poll", order_id)) == 1
    clock.shift(dt.timedelta(seconds=61))
    live_api.refresh(order_id)
    assert carrier.calls.count(("poll", order_id)) == 2


def test_a_draft_is_not_polled(live_api, carrier):
    order = live_api.create(["+12025551234"])
    live_api.refresh(order["id"])
    assert carrier.calls == []


def test_a_carrier_failure_does_not_fail_the_get(live_api, carrier, django_capture_on_commit_callbacks):
    order_id = live_submitted(live_api, django_capture_on_commit_callbacks)
    carrier.fail_polls = True
    assert live_api.refresh(order_id)["status"] == "submitted"


def test_the_carriers_answer_is_applied_with_a_carrier_event(live_api, carrier, django_capture_on_commit_callbacks):
    order_id = live_submitted(live_api, django_capture_on_commit_callbacks)
    carrier.next_update = CarrierUpdate(kind="exception", code="pin_invalid", message="PIN does not match")
    body = live_api.refresh(order_id)
    assert body["status"] == "exception"
    assert body["details"]["rejection"]["message"] == "PIN does not match"
    event = live_api.get(f"/v1/port-orders/{order_id}/events").json()["data"][-1]
    assert event["actor"] == {"type": "carrier", "id": "counting"}
