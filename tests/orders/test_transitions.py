"""Every allowed and every forbidden transition of the lifecycle, through the services."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from porting import services
from porting.errors import ApprovalRequired, InvalidState
from porting.models import PortOrder, PortStatus
from tests.conftest import make_tenant, order_body

ACTOR = services.Actor("system", "test")
S = PortStatus


def order_in(status: str) -> PortOrder:
    """An order brought to ``status`` through the services, as a client and carrier would."""
    tenant = make_tenant()
    body = order_body()
    body["requested_foc_date"] = dt.date(2026, 12, 18)
    body["requested_foc_time"] = dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=False, data=body, actor=ACTOR)
    path = {
        S.DRAFT: [], S.APPROVED: ["approve"], S.SUBMITTED: ["approve", "submit"],
        S.FOC: ["approve", "submit", "foc"], S.EXCEPTION: ["approve", "submit", "reject"],
        S.COMPLETE: ["approve", "submit", "foc", "complete"], S.CANCELLED: ["cancel"],
    }[status]
    for step in path:
        order = ACTIONS[step](order)
    assert order.status == status
    return order


ACTIONS = {
    "approve": lambda o: services.port_order_approve(order=o, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR),
    "submit": lambda o: services.port_order_submit(order=o, actor=ACTOR),
    "foc": lambda o: services.port_order_record_foc(order=o, actor=ACTOR),
    "reject": lambda o: services.port_order_record_rejection(order=o, actor=ACTOR, code="address_mismatch"),
    "complete": lambda o: services.port_order_complete(order=o, actor=ACTOR),
    "cancel": lambda o: services.port_order_cancel(order=o, actor=ACTOR),
    "update": lambda o: services.port_order_update(order=o, data={"subscriber": {"business_name": "New"}}, actor=ACTOR),
}

ALLOWED = {
    (S.DRAFT, "approve"): S.APPROVED,
    (S.DRAFT, "cancel"): S.CANCELLED,
    (S.DRAFT, "update"): S.DRAFT,
    (S.APPROVED, "submit"): S.SUBMITTED,
    (S.APPROVED, "cancel"): S.CANCELLED,
    (S.APPROVED, "update"): S.DRAFT,
    (S.SUBMITTED, "foc"): S.FOC,
    (S.SUBMITTED, "reject"): S.EXCEPTION,
    (S.SUBMITTED, "cancel"): S.CANCELLED,
    (S.FOC, "foc"): S.FOC,
    (S.FOC, "reject"): S.EXCEPTION,
    (S.FOC, "complete"): S.COMPLETE,
    (S.FOC, "cancel"): S.CANCELLED,
    (S.EXCEPTION, "submit"): S.SUBMITTED,
    (S.EXCEPTION, "update"): S.EXCEPTION,
    (S.EXCEPTION, "cancel"): S.CANCELLED,
}
CASES = [(status, action) for status in S.values for action in ACTIONS]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_it_allows_exactly_the_documented_transitions(status, action):
    order = order_in(status)
    events_before = order.events.count()
    if (status, action) in ALLOWED:
        result = ACTIONS[action](order)
        assert result.status == ALLOWED[(status, action)]
        assert result.events.count() > events_before
    else:
        expected = ApprovalRequired if (status, action) == (S.DRAFT, "submit") else InvalidState
        with pytest.raises(expected):
            ACTIONS[action](order)
        order = PortOrder.objects.get(pk=order.pk)
        assert order.status == status
        assert order.events.count() == events_before


@pytest.mark.django_db
def test_the_status_field_cannot_be_assigned_directly():
    order = order_in(S.DRAFT)
    with pytest.raises(AttributeError):
        order.status = S.COMPLETE


@pytest.mark.django_db
def test_each_transition_writes_one_event_with_from_and_to():
    order = order_in(S.APPROVED)
    submitted = services.port_order_submit(order=order, actor=ACTOR)
    event = submitted.events.order_by("-pk").first()
    assert (event.type, event.from_status, event.to_status) == ("port_order.submitted", "approved", "submitted")
    assert event.created_at <= timezone.now()
