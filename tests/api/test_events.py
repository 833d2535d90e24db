"""GET /v1/port-orders/{id}/events: the audit trail."""
from __future__ import annotations

import pytest

from porting.models import Event


def test_it_lists_every_step_oldest_first_with_actor_and_statuses(api):
    order = api.submitted()
    api.refresh(order["id"])
    api.post(f"/v1/port-orders/{order['id']}/cancel")
    events = api.get(f"/v1/port-orders/{order['id']}/events").json()["data"]
    assert [(e["type"], e["from_status"], e["to_status"]) for e in events] == [
        ("port_order.created", None, "draft"),
        ("port_order.approved", "draft", "approved"),
        ("port_order.submitted", "approved", "submitted"),
        ("port_order.foc", "submitted", "foc"),
        ("port_order.cancelled", "foc", "cancelled"),
    ]
    assert events[0]["id"].startswith("evt_")
    assert events[0]["actor"] == {"type": "api_key", "id": api.tenant.key and events[0]["actor"]["id"]}
    assert events[0]["actor"]["id"].startswith("key_")
    assert events[3]["actor"] == {"type": "carrier", "id": "sandbox"}
    assert events[1]["data"]["ip"] == "203.0.113.42"


def test_events_are_never_edited_or_deleted(api):
    order = api.create()
    event = Event.objects.get(order_id=order["id"])
    event.type = "port_order.forged"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
