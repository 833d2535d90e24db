"""POST /v1/port-orders/{id}/cancel."""
from __future__ import annotations

import pytest

from porting.models import PortOrder


def cancel(api, order_id: str, body: dict | None = None):
    return api.post(f"/v1/port-orders/{order_id}/cancel", body)


def order_in(api, status: str) -> str:
    order = api.create(["+12025550001"] if status == "exception" else None)
    if status == "draft":
        return order["id"]
    api.approve(order["id"])
    if status == "approved":
        return order["id"]
    api.submit(order["id"])
    if status in ("foc", "exception"):
        api.refresh(order["id"])
    return order["id"]


@pytest.mark.parametrize("status", ["draft", "approved", "submitted", "exception", "foc"])
def test_it_cancels_an_order_that_has_not_ended(api, status):
    order_id = order_in(api, status)
    assert PortOrder.objects.get(pk=order_id).status == status
    response = cancel(api, order_id, {"reason": "customer changed their mind"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancelled_at"].endswith("Z")
    assert api.event_types(order_id)[-1] == "port_order.cancelled"


def test_it_purges_the_pin_and_account_number(api):
    order_id = order_in(api, "approved")
    cancel(api, order_id)
    order = PortOrder.objects.get(pk=order_id)
    assert order.pin is None and order.account_number is None


def test_it_refuses_to_cancel_a_cancelled_order(api):
    order_id = order_in(api, "draft")
    cancel(api, order_id)
    response = cancel(api, order_id)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_it_refuses_to_cancel_a_complete_order(api):
    order_id = order_in(api, "foc")
    api.post(f"/v1/test-helpers/port-orders/{order_id}/complete")
    assert cancel(api, order_id).status_code == 409
