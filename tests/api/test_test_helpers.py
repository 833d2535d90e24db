"""/v1/test-helpers/port-orders/{id}/foc|reject|complete: act as the carrier in test mode."""
from __future__ import annotations

HELPERS = "/v1/test-helpers/port-orders"


def test_it_confirms_the_requested_foc_by_default(api):
    order = api.submitted()
    response = api.post(f"{HELPERS}/{order['id']}/foc")
    assert response.status_code == 200
    assert response.json()["details"]["foc"] == {"date": "2026-12-18", "time": "10:00"}
    event = api.get(f"/v1/port-orders/{order['id']}/events").json()["data"][-1]
    assert event["type"] == "port_order.foc"
    assert event["actor"] == {"type": "carrier", "id": "sandbox"}


def test_it_confirms_another_date_and_time(api):
    order = api.submitted()
    response = api.post(f"{HELPERS}/{order['id']}/foc", {"date": "2026-12-21", "time": "14:30"})
    assert response.json()["details"]["foc"] == {"date": "2026-12-21", "time": "14:30"}


def test_it_rejects_with_a_catalogue_code(api):
    order = api.submitted()
    response = api.post(f"{HELPERS}/{order['id']}/reject", {"code": "port_out_freeze", "message": "Freeze on account"})
    assert response.status_code == 200
    assert response.json()["status"] == "exception"
    assert response.json()["details"]["rejection"]["message"] == "Freeze on account"


def test_it_refuses_an_unknown_rejection_code(api):
    order = api.submitted()
    response = api.post(f"{HELPERS}/{order['id']}/reject", {"code": "bogus"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/code"


def test_it_completes_an_order_with_a_foc(api):
    order = api.submitted()
    api.post(f"{HELPERS}/{order['id']}/foc")
    response = api.post(f"{HELPERS}/{order['id']}/complete")
    assert response.json()["status"] == "complete"


def test_it_follows_the_same_transitions_as_the_carrier(api):
    order = api.create()
    assert api.post(f"{HELPERS}/{order['id']}/foc").status_code == 409
    assert api.post(f"{HELPERS}/{order['id']}/complete").status_code == 409
    assert api.post(f"{HELPERS}/{order['id']}/reject", {"code": "other"}).status_code == 409


def test_a_live_key_gets_404(live_api):
    order = live_api.create(["+12025551234"])
    response = live_api.post(f"{HELPERS}/{order['id']}/foc")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
