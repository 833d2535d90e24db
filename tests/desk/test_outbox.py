"""The desk sees failed side effects: on the order page (with "retry now"), in "needs action" and on the dashboard."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from porting.carriers import CarrierError
from porting.models import OutboxMessage
from tests.carriers import CountingCarrier
from tests.desk.helpers import LIST, listed_ids, submitted


@pytest.fixture
def failing_carrier(settings):
    settings.PORTING_CARRIER = "tests.carriers.CountingCarrier"
    CountingCarrier.calls = []
    CountingCarrier.submit_errors = [CarrierError("carrier API unreachable") for _ in range(20)]
    yield CountingCarrier
    CountingCarrier.calls = []
    CountingCarrier.submit_errors = []


def dead_submit(clock, django_capture_on_commit_callbacks):
    """A live order whose carrier submit failed until its retry schedule ran out."""
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        order = submitted()
    message = OutboxMessage.objects.get(order=order, kind="carrier_submit")
    for _ in range(20):
        message.refresh_from_db()
        if message.status == "dead":
            break
        clock.move_to(message.due_at + dt.timedelta(seconds=1))
        call_command("sweep_outbox", stdout=io.StringIO())
    return order, message


def test_a_dead_carrier_submit_shows_on_the_order_page_in_needs_action_and_on_the_dashboard(
    agent, failing_carrier, clock, django_capture_on_commit_callbacks
):
    order, message = dead_submit(clock, django_capture_on_commit_callbacks)
    assert message.status == "dead" and message.attempts == 12
    page = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Side effects" in page and "carrier_submit" in page and "carrier API unreachable" in page
    assert 'data-action="outbox-retry"' in page
    assert listed_ids(agent.get(f"{LIST}?needs_action=effect_failed")) == [order.pk]
    assert order.pk in listed_ids(agent.get(f"{LIST}?needs_action=any"))
    assert "1</span> failed side effects" in agent.get("/admin/").content.decode()


def test_retry_now_attempts_a_dead_effect_again_and_it_can_succeed(
    agent, failing_carrier, clock, django_capture_on_commit_callbacks
):
    order, message = dead_submit(clock, django_capture_on_commit_callbacks)
    failing_carrier.submit_errors = []  # the carrier is back
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(f"{LIST}{order.pk}/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "done" and message.attempts == 13
    assert failing_carrier.calls[-1] == ("submit", order.pk)
    assert listed_ids(agent.get(f"{LIST}?needs_action=effect_failed")) == []
    # a done effect has no retry button, and retrying it is refused
    assert 'data-action="outbox-retry"' not in agent.get(f"{LIST}{order.pk}/change/").content.decode()
    agent.post(f"{LIST}{order.pk}/outbox/{message.pk}/retry/")
    message.refresh_from_db()
    assert message.attempts == 13


def test_a_viewer_cannot_retry(viewer, agent, failing_carrier, clock, django_capture_on_commit_callbacks):
    order, message = dead_submit(clock, django_capture_on_commit_callbacks)
    assert 'data-action="outbox-retry"' not in viewer.get(f"{LIST}{order.pk}/change/").content.decode()
    assert viewer.post(f"{LIST}{order.pk}/outbox/{message.pk}/retry/").status_code == 403
    message.refresh_from_db()
    assert message.status == "dead"
