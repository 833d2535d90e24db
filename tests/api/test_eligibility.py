"""POST /v1/port-in-eligibility."""
from __future__ import annotations

import pytest

URL = "/v1/port-in-eligibility"


def test_it_answers_the_seed_example_verbatim(api):
    response = api.post(URL, {"phone_numbers": ["+12025551234", "+12025555678"]}, account=None)
    assert response.status_code == 200
    body = response.json()
    portable = body["portable_numbers"]
    extras = ("number_type", "losing_carrier_to_be_confirmed")
    assert [{k: v for k, v in p.items() if k not in extras} for p in portable] == [
        {
            "phone_number": "+12025551234",
            "losing_carrier_name": "Verizon Wireless",
            "losing_carrier_spid": "6006",
            "is_wireless": True,
            "account_number_required": True,
        }
    ]
    assert portable[0]["number_type"] == "local" and portable[0]["losing_carrier_to_be_confirmed"] is False
    non_portable = body["non_portable_numbers"]
    assert [{k: v for k, v in n.items() if k != "reason"} for n in non_portable] == [
        {"phone_number": "+12025555678", "rate_center": "WASHINGT DC", "city": "Washington", "state": "DC"}
    ]
    assert non_portable[0]["reason"] == "no_coverage"


@pytest.mark.parametrize(
    ("number", "carrier", "spid", "wireless"),
    [
        ("+12125550123", "Lumen", "9102", False),
        ("+12125551123", "Verizon Wireless", "6006", True),
        ("+12125552123", "T-Mobile USA", "6529", True),
        ("+12125553123", "Comcast Business", "7513", False),
        ("+12125554123", "AT&T Mobility", "6214", True),
        ("+12125556123", "Spectrum", "7229", False),
        ("+12125557123", "Frontier", "9206", False),
        ("+12125558123", "Bandwidth CLEC", "979E", False),
        ("+12125559123", "Level 3", "8825", False),
    ],
)
def test_it_picks_the_sandbox_carrier_from_the_line_numbers_first_digit(api, number, carrier, spid, wireless):
    [entry] = api.post(URL, {"phone_numbers": [number]}, account=None).json()["portable_numbers"]
    found = (entry["losing_carrier_name"], entry["losing_carrier_spid"], entry["is_wireless"])
    assert found == (carrier, spid, wireless)
    assert entry["account_number_required"] is wireless


def test_it_reports_toll_free_numbers_as_portable_from_the_resporg(api):
    [entry] = api.post(URL, {"phone_numbers": ["+18005550100"]}, account=None).json()["portable_numbers"]
    assert entry["number_type"] == "toll_free"
    assert entry["losing_carrier_name"] == "Sandbox RespOrg"


def test_it_gives_the_rate_center_of_other_area_codes(api):
    [entry] = api.post(URL, {"phone_numbers": ["+14155555555"]}, account=None).json()["non_portable_numbers"]
    assert (entry["rate_center"], entry["city"], entry["state"]) == ("SANFRANC CA", "San Francisco", "CA")


def test_it_says_why_foreign_and_invalid_numbers_are_not_portable(api):
    body = api.post(URL, {"phone_numbers": ["+442071234567", "+12020000000"]}, account=None).json()
    reasons = {n["phone_number"]: n["reason"] for n in body["non_portable_numbers"]}
    assert reasons == {"+442071234567": "unsupported_country", "+12020000000": "invalid_phone_number"}


def test_it_rejects_a_string_that_is_not_a_phone_number_with_a_pointer(api):
    response = api.post(URL, {"phone_numbers": ["+12025551234", "call me"]}, account=None)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["pointer"] for e in body["errors"]] == ["/phone_numbers/1"]


def test_it_rejects_more_than_1000_numbers(api):
    numbers = [f"+1202556{i:04d}" for i in range(1001)]
    response = api.post(URL, {"phone_numbers": numbers}, account=None)
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/phone_numbers"


def test_it_answers_1000_numbers(api):
    numbers = [f"+1202{i // 10000 + 200:03d}{i % 10000:04d}" for i in range(1000)]
    body = api.post(URL, {"phone_numbers": numbers}, account=None).json()
    assert len(body["portable_numbers"]) + len(body["non_portable_numbers"]) == 1000


def test_it_answers_a_repeated_number_once(api):
    body = api.post(URL, {"phone_numbers": ["+12025551234", "+12025551234"]}, account=None).json()
    assert len(body["portable_numbers"]) == 1


def test_it_needs_a_key(client, db):
    response = client.post(URL, {"phone_numbers": ["+12025551234"]}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_it_asks_the_manual_carrier_for_a_live_key(live_api):
    [entry] = live_api.post(URL, {"phone_numbers": ["+12025551234"]}, account=None).json()["portable_numbers"]
    assert entry["losing_carrier_name"] is None
    assert entry["is_wireless"] is None
    assert entry["account_number_required"] is False
