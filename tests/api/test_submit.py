"""POST /v1/port-orders/{id}/submit, and the sandbox carrier's answers on refresh."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SUBSCRIBER


def submit(api, order_id: str):
    return api.post(f"/v1/port-orders/{order_id}/submit")


def test_it_submits_an_approved_order(api):
    order = api.create()
    api.approve(order["id"])
    response = submit(api, order["id"])
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["submitted_at"].endswith("Z")
    assert api.event_types(order["id"])[-1] == "port_order.submitted"


def test_it_wants_approval_before_submission(api):
    response = submit(api, api.create()["id"])
    assert response.status_code == 422
    assert response.json()["code"] == "approval_required"


def test_it_refuses_to_submit_twice(api):
    order = api.submitted()
    assert submit(api, order["id"]).status_code == 409


def test_the_sandbox_confirms_the_requested_foc_and_completes_after_it(api, clock):
    order = api.submitted()
    body = api.refresh(order["id"])
    assert body["status"] == "foc"
    assert body["details"]["foc"] == {"date": "2026-12-18", "time": "10:00"}
    assert api.refresh(order["id"])["status"] == "foc"  # the moment has not come
    clock.move_to(dt.datetime(2026, 12, 18, 15, 1, tzinfo=dt.UTC))  # 10:01 Eastern
    body = api.refresh(order["id"])
    assert body["status"] == "complete"
    assert body["completed_at"].endswith("Z")
    assert body["details"]["subscriber"]["pin"] is None  # purged when the order ends
    assert api.event_types(order["id"])[-3:] == ["port_order.submitted", "port_order.foc", "port_order.completed"]


REJECTIONS = [
    ("0001", "address_mismatch", {"address": {"house_number": "456"}}),
    ("0002", "account_number_invalid", {"account_number": "99999999"}),
    ("0003", "name_mismatch", {"approver_name": "Jane Q Smith"}),
    ("0004", "business_name_mismatch", {"business_name": "Smith Consulting LLC"}),
    ("0005", "btn_mismatch", {"btn": "+12025550100"}),
    ("0006", "pin_required", {"pin": "4321"}),
    ("0007", "pin_invalid", {"pin": "4321"}),
]


@pytest.mark.parametrize(("line", "code", "fix"), REJECTIONS)
def test_the_sandbox_rejects_until_the_matching_field_is_fixed(api, line, code, fix):
    order = api.submitted([f"+1202555{line}"], subscriber={**SUBSCRIBER, "btn": f"+1202555{line}"})
    body = api.refresh(order["id"])
    assert body["status"] == "exception"
    assert body["details"]["rejection"]["code"] == code
    assert body["details"]["rejection"]["how_to_fix"]
    # Resubmitting without a fix is rejected again.
    submit(api, order["id"])
    assert api.refresh(order["id"])["details"]["rejection"]["code"] == code
    # An unrelated change still changes what the customer signed: approve again, and it is rejected again.
    api.post(f"/v1/port-orders/{order['id']}", {"requested_foc_time": "11:00"})
    assert submit(api, order["id"]).json()["code"] == "approval_required"
    api.approve(order["id"])
    submit(api, order["id"])
    assert api.refresh(order["id"])["status"] == "exception"
    # Fix the field: the order stays in exception, its approval cleared, until the customer signs again.
    updated = api.post(f"/v1/port-orders/{order['id']}", {"subscriber": fix}).json()
    assert updated["status"] == "exception" and updated["details"]["approval"] is None
    assert updated["details"]["rejection"]["code"] == code
    assert submit(api, order["id"]).status_code == 422
    assert api.approve(order["id"], signature=fix.get("approver_name", "Jane Smith"))["status"] == "approved"
    submitted = submit(api, order["id"]).json()
    assert submitted["details"]["rejection"] is None
    assert api.refresh(order["id"])["status"] == "foc"
