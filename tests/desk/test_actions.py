"""The desk's actions: submit, FOC, reject, complete and cancel; bad input, stale pages, forbidden transitions."""
import datetime as dt

import pytest

from porting import services
from porting.models import Event
from tests.desk.helpers import ACTOR, LIST, approved, create, desk, status_of, submitted


def test_an_agent_submits_an_approved_order(agent):
    order = approved()
    response = agent.post(desk(order, "submit"))
    assert response.status_code == 302
    assert status_of(order) == "submitted"
    event = Event.objects.filter(order=order).order_by("-pk").first()
    assert (event.type, event.actor_type, event.actor_id) == ("port_order.submitted", "staff", "agent")


def test_an_agent_records_a_foc(agent):
    order = submitted()
    assert agent.get(desk(order, "foc")).status_code == 200
    response = agent.post(desk(order, "foc"), {"date": "2026-12-18", "time": "14:30"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.foc_date, order.foc_time) == ("foc", dt.date(2026, 12, 18), dt.time(14, 30))


@pytest.mark.parametrize("data", [{"date": ""}, {"date": "2026-12-01"}, {"date": "18/12/2026"},
                                  {"date": "2026-12-18", "time": "25:00"}])
def test_the_foc_form_rejects_bad_input_without_a_transition(agent, data):
    order = submitted()
    response = agent.post(desk(order, "foc"), data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert status_of(order) == "submitted"


def test_an_agent_records_a_rejection_from_the_catalogue(agent):
    order = submitted()
    response = agent.post(desk(order, "reject"), {"code": "port_out_freeze", "message": "Freeze on the account"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rejection_code) == ("exception", "port_out_freeze")
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "lift it" in html  # the catalogue's how-to-fix


def test_the_rejection_form_refuses_an_unknown_code(agent):
    order = submitted()
    assert agent.post(desk(order, "reject"), {"code": "bogus"}).status_code == 400
    assert status_of(order) == "submitted"


def test_an_agent_completes_and_cancels(agent):
    order = submitted()
    services.port_order_record_foc(order=order, actor=ACTOR, date=dt.date(2026, 12, 18))
    agent.post(desk(order, "complete"))
    assert status_of(order) == "complete"
    other = create()
    assert agent.post(desk(other, "cancel"), {"reason": ""}).status_code == 400
    agent.post(desk(other, "cancel"), {"reason": "Customer withdrew"})
    assert status_of(other) == "cancelled"
    assert Event.objects.filter(order=other, type="port_order.cancelled").get().data == {"reason": "Customer withdrew"}


def test_a_stale_page_gets_a_clear_message_not_a_500(agent):
    order = approved()
    services.port_order_cancel(order=order, actor=ACTOR)
    response = agent.post(desk(order, "submit"), follow=True)
    assert response.status_code == 200
    assert "was not done" in response.content.decode()
    assert status_of(order) == "cancelled"


@pytest.mark.parametrize("action", ["complete", "foc", "reject"])
def test_forbidden_transitions_change_nothing(agent, action):
    order = create()
    data = {"foc": {"date": "2026-12-18"}, "reject": {"code": "other"}}.get(action, {})
    agent.post(desk(order, action), data)
    assert status_of(order) == "draft"
