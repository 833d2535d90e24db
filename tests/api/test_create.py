"""POST /v1/port-orders: drafts and every validation rule on them."""
from __future__ import annotations

from tests.conftest import FOC_DATE, SUBSCRIBER, order_body

URL = "/v1/port-orders"


def pointers(response) -> list[str]:
    return [e["pointer"] for e in response.json()["errors"]]


def test_it_creates_a_draft_in_the_documented_shape(api):
    response = api.post(URL, order_body())
    assert response.status_code == 201
    order = response.json()
    assert order["id"].startswith("port_") and len(order["id"]) == 31
    assert order["status"] == "draft"
    assert order["livemode"] is False
    assert order["details"]["phone_numbers"] == ["+12025551234"]
    assert order["details"]["subscriber"] == SUBSCRIBER
    assert order["details"]["requested_foc_date"] == FOC_DATE
    assert order["details"]["requested_foc_time"] == "10:00"
    assert order["details"]["approval"] is None
    assert order["numbers"] == [
        {"phone_number": "+12025551234", "losing_carrier_name": "Verizon Wireless", "losing_carrier_spid": "6006",
         "is_wireless": True, "number_type": "local"}
    ]
    assert order["submitted_at"] is None
    assert order["created_at"].endswith("Z") and len(order["created_at"]) == 20
    assert api.event_types(order["id"]) == ["port_order.created"]


def test_it_accepts_an_incomplete_draft_with_only_numbers(api):
    response = api.post(URL, {"phone_numbers": ["+12025550100"]})
    assert response.status_code == 201
    assert response.json()["details"]["subscriber"]["business_name"] is None


def test_it_needs_phone_numbers(api):
    response = api.post(URL, {"subscriber": {"business_name": "X"}})
    assert response.status_code == 400
    assert pointers(response) == ["/phone_numbers"]


def test_it_points_at_each_number_that_is_not_e164(api):
    response = api.post(URL, order_body(["+12025551234", "2025551235", "+1202555123x"]))
    assert response.status_code == 400
    assert pointers(response) == ["/phone_numbers/1", "/phone_numbers/2"]


def test_it_rejects_duplicate_numbers(api):
    response = api.post(URL, order_body(["+12025551234", "+12025551234"]))
    assert response.status_code == 400
    assert pointers(response) == ["/phone_numbers/1"]


def test_it_rejects_numbers_that_are_not_portable(api):
    response = api.post(URL, order_body(["+12025551234", "+12025555678"]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_portable"
    assert pointers(response) == ["/phone_numbers/1"]
    assert "no_coverage" in body["errors"][0]["detail"]


def test_it_asks_to_split_numbers_of_different_losing_carriers(api):
    response = api.post(URL, order_body(["+12025551234", "+12025550100", "+12025551999"]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "split_required"
    assert body["groups"] == [
        {"losing_carrier_spid": "6006", "losing_carrier_name": "Verizon Wireless", "number_type": "local",
         "phone_numbers": ["+12025551234", "+12025551999"]},
        {"losing_carrier_spid": "9102", "losing_carrier_name": "Lumen", "number_type": "local",
         "phone_numbers": ["+12025550100"]},
    ]


def test_it_does_not_mix_toll_free_with_local_numbers(live_api):
    # The manual carrier knows no SPIDs, so only the number type tells the groups apart.
    response = live_api.post(URL, order_body(["+12025551234", "+18005550100"]))
    assert response.status_code == 400
    assert response.json()["code"] == "split_required"
    assert [g["number_type"] for g in response.json()["groups"]] == ["local", "toll_free"]


def test_it_takes_up_to_1000_numbers(api):
    numbers = [f"+1202{200 + i // 1000:03d}{i % 1000:04d}" for i in range(1000)]  # lines 0000-0999: Lumen
    response = api.post(URL, order_body(numbers))
    assert response.status_code == 201
    assert len(response.json()["numbers"]) == 1000
    assert api.post(URL, order_body([*numbers, "+12029990001"])).status_code == 400


def test_it_points_at_bad_subscriber_fields(api):
    body = order_body()
    body["subscriber"]["btn"] = "555-1234"
    body["subscriber"]["address"]["zip"] = "2000"
    body["subscriber"]["address"]["state"] = "XX"
    response = api.post(URL, body)
    assert response.status_code == 400
    assert sorted(pointers(response)) == ["/subscriber/address/state", "/subscriber/address/zip", "/subscriber/btn"]


def test_it_rejects_unknown_fields_so_typos_are_not_lost(api):
    body = order_body()
    body["subscriber"]["aproover_name"] = "Jane"
    response = api.post(URL, body)
    assert response.status_code == 400
    assert pointers(response) == ["/subscriber/aproover_name"]


def test_it_rejects_a_date_in_another_format(api):
    response = api.post(URL, order_body(requested_foc_date="12/18/2026", requested_foc_time="10am"))
    assert response.status_code == 400
    assert pointers(response) == ["/requested_foc_date", "/requested_foc_time"]


def test_it_rejects_a_body_that_is_not_an_object(api):
    response = api.post(URL, ["+12025551234"])
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_it_rejects_malformed_json(api):
    response = api.client.post(URL, "{not json", content_type="application/json", **api.headers())
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response["Content-Type"] == "application/problem+json"


def test_it_normalises_the_state_to_upper_case(api):
    body = order_body()
    body["subscriber"]["address"]["state"] = "dc"
    assert api.post(URL, body).json()["details"]["subscriber"]["address"]["state"] == "DC"
