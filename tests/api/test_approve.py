"""POST /v1/port-orders/{id}/approve."""
from __future__ import annotations

import pytest

from tests.conftest import order_body


def approve(api, order_id: str, signature: str = "Jane Smith", ip: str = "203.0.113.42"):
    return api.post(f"/v1/port-orders/{order_id}/approve", {"signature": signature, "ip": ip})


def test_it_approves_and_records_signature_ip_and_time(api):
    order = api.create()
    response = approve(api, order["id"])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert body["details"]["approval"] == {"signature": "Jane Smith", "ip": "203.0.113.42",
                                           "timestamp": body["updated_at"]}
    assert api.event_types(order["id"])[-1] == "port_order.approved"


def test_it_masks_the_pin_and_account_number_after_draft(api):
    body = approve(api, api.create()["id"]).json()
    assert body["details"]["subscriber"]["pin"] == "****"
    assert body["details"]["subscriber"]["account_number"] == "•••••6789"


@pytest.mark.parametrize("signature", ["jane smith", "  Jane   Smith ", "JANE SMITH"])
def test_it_folds_case_and_spacing_of_the_signature(api, signature):
    assert approve(api, api.create()["id"], signature).status_code == 200


def test_it_rejects_a_signature_that_is_not_the_approvers_name(api):
    response = approve(api, api.create()["id"], "John Smith")
    assert response.status_code == 400
    assert response.json()["code"] == "signature_mismatch"
    assert response.json()["errors"][0]["pointer"] == "/signature"


def test_it_lists_every_missing_field(api):
    order = api.create(subscriber={"btn": "+12025551234"}, requested_foc_date=None)
    response = approve(api, order["id"])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete_order"
    assert [e["pointer"] for e in body["errors"]] == [
        "/subscriber/business_name", "/subscriber/approver_name", "/subscriber/address/house_number",
        "/subscriber/address/street_name", "/subscriber/address/city", "/subscriber/address/state",
        "/subscriber/address/zip", "/requested_foc_date", "/subscriber/account_number", "/subscriber/pin",
    ]


def test_it_needs_account_number_and_pin_only_for_wireless_numbers(api):
    body = order_body(["+12025550100"])  # Lumen, wireline
    del body["subscriber"]["account_number"], body["subscriber"]["pin"]
    order = api.post("/v1/port-orders", body).json()
    assert approve(api, order["id"]).status_code == 200


def test_it_needs_a_valid_ip(api):
    response = approve(api, api.create()["id"], ip="not-an-ip")
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/ip"


def test_it_refuses_to_approve_twice(api):
    order = api.create()
    approve(api, order["id"])
    response = approve(api, order["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
