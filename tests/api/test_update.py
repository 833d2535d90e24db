"""POST /v1/port-orders/{id}: merge updates, approval cleared, rejection kept."""
from __future__ import annotations

from tests.conftest import SUBSCRIBER


def update(api, order_id: str, body: dict):
    return api.post(f"/v1/port-orders/{order_id}", body)


def test_it_merges_the_seeds_update_without_wiping_the_pin(api):
    order = api.create()
    new_subscriber = {k: v for k, v in SUBSCRIBER.items() if k not in ("account_number", "pin")}
    new_subscriber["address"] = {"house_number": "456", "street_name": "Oak Ave", "city": "Washington",
                                 "state": "DC", "zip": "20002"}
    response = update(api, order["id"], {"subscriber": new_subscriber})
    assert response.status_code == 200
    subscriber = response.json()["details"]["subscriber"]
    assert subscriber["pin"] == "1234"
    assert subscriber["account_number"] == "123456789"
    assert subscriber["address"]["street_name"] == "Oak Ave"


def test_it_merges_the_address_one_level_deep(api):
    order = api.create()
    response = update(api, order["id"], {"subscriber": {"address": {"zip": "20002"}}})
    address = response.json()["details"]["subscriber"]["address"]
    assert address == {**SUBSCRIBER["address"], "zip": "20002"}


def test_it_clears_a_field_set_to_null(api):
    order = api.create()
    response = update(api, order["id"], {"requested_foc_time": None, "subscriber": {"pin": None}})
    assert response.json()["details"]["requested_foc_time"] is None
    assert response.json()["details"]["subscriber"]["pin"] is None


def test_it_replaces_the_numbers_and_checks_them_again(api):
    order = api.create()
    response = update(api, order["id"], {"phone_numbers": ["+12025551000", "+12025551001"]})
    assert response.json()["details"]["phone_numbers"] == ["+12025551000", "+12025551001"]
    assert update(api, order["id"], {"phone_numbers": ["+12025555000"]}).json()["code"] == "not_portable"


def test_it_records_which_fields_changed_but_not_their_values(api):
    order = api.create()
    update(api, order["id"], {"subscriber": {"pin": "9999", "business_name": "Smith LLC"}})
    events = api.get(f"/v1/port-orders/{order['id']}/events").json()["data"]
    assert events[-1]["type"] == "port_order.updated"
    assert events[-1]["data"] == {"changed": ["subscriber.business_name", "subscriber.pin"]}
    assert "9999" not in str(events)


def test_it_clears_the_approval_of_an_approved_order(api):
    order = api.create()
    api.approve(order["id"])
    response = update(api, order["id"], {"subscriber": {"business_name": "Smith LLC"}})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["details"]["approval"] is None
    assert body["details"]["subscriber"]["pin"] == "1234"  # back to draft: shown in full again
    assert api.event_types(order["id"])[-2:] == ["port_order.updated", "port_order.approval_cleared"]


def test_it_keeps_the_approval_when_nothing_changes(api):
    order = api.create()
    api.approve(order["id"])
    response = update(api, order["id"], {"subscriber": {"business_name": "Smith Consulting"}})
    assert response.json()["status"] == "approved"


def test_it_keeps_an_exception_order_in_exception_with_its_rejection(api):
    order = api.submitted(["+12025550001"])  # the sandbox rejects line 0001: address_mismatch
    assert api.refresh(order["id"])["status"] == "exception"
    response = update(api, order["id"], {"subscriber": {"address": {"house_number": "456"}}})
    body = response.json()
    assert body["status"] == "exception"
    assert body["details"]["rejection"]["code"] == "address_mismatch"


def test_it_refuses_updates_once_the_carrier_has_the_order(api):
    order = api.submitted()
    response = update(api, order["id"], {"subscriber": {"business_name": "X"}})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    api.refresh(order["id"])  # foc
    assert update(api, order["id"], {"subscriber": {"business_name": "X"}}).status_code == 409
    api.post(f"/v1/port-orders/{order['id']}/cancel")
    assert update(api, order["id"], {"subscriber": {"business_name": "X"}}).status_code == 409


def test_it_validates_update_fields_like_create(api):
    order = api.create()
    response = update(api, order["id"], {"requested_foc_date": "2026-12-25"})
    assert response.status_code == 400
    assert response.json()["code"] == "foc_date_invalid"


def test_a_corrected_rejected_order_is_signed_again_and_its_new_loa_shows_the_correction(
    api, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=True):
        order = api.submitted(["+12025550001"])  # the sandbox rejects line 0001: address_mismatch
    order_id = order["id"]
    assert api.refresh(order_id)["status"] == "exception"
    assert api.get(f"/v1/port-orders/{order_id}/loa").status_code == 200  # the LOA signed for 123 Main St
    with django_capture_on_commit_callbacks(execute=True):
        body = update(api, order_id, {"subscriber": {"address": {"house_number": "456"}}}).json()
    assert body["status"] == "exception" and body["details"]["approval"] is None
    assert body["details"]["rejection"]["code"] == "address_mismatch"
    assert "port_order.approval_cleared" in api.event_types(order_id)
    assert api.get(f"/v1/port-orders/{order_id}/loa").status_code == 404  # superseded: nobody signed 456
    refused = api.post(f"/v1/port-orders/{order_id}/submit")
    assert refused.status_code == 422 and refused.json()["code"] == "approval_required"
    # The customer can be asked to sign again (a signing link), or approve over the API.
    sent = api.post(f"/v1/port-orders/{order_id}/approval-requests", {"email": "jane@smith.example"})
    assert sent.status_code == 201, sent.json()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.approve(order_id)["status"] == "approved"
    loa = api.get(f"/v1/port-orders/{order_id}/loa")
    assert loa.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(loa.content)).pages)
    assert "456 Main St" in text and "123 Main St" not in text
    assert api.submit(order_id)["status"] == "submitted"
    assert api.refresh(order_id)["status"] == "foc"
