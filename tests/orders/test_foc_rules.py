"""The requested FOC date and time: 5 business days to 30 calendar days, Eastern, 08:00-20:00."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import order_body

URL = "/v1/port-orders"


def foc_response(api, date: str, time: str | None = "10:00"):
    return api.post(URL, order_body(requested_foc_date=date, requested_foc_time=time))


def test_it_accepts_the_fifth_business_day(api):
    assert foc_response(api, "2026-12-17").status_code == 201


def test_it_rejects_the_fourth_business_day(api):
    response = foc_response(api, "2026-12-16")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "foc_date_invalid"
    assert body["errors"][0]["pointer"] == "/requested_foc_date"
    assert "2026-12-17" in body["errors"][0]["detail"]


def test_it_rejects_a_foc_date_on_a_weekend(api):
    response = foc_response(api, "2026-12-19")
    assert response.status_code == 400
    assert "weekend" in response.json()["errors"][0]["detail"]


def test_it_rejects_a_foc_date_on_a_holiday(api):
    response = foc_response(api, "2026-12-25")
    assert response.status_code == 400
    assert "Christmas" in response.json()["errors"][0]["detail"]


def test_it_accepts_the_thirtieth_calendar_day_and_not_the_next(api, clock):
    clock.move_to(dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC))  # Monday; +30 days is Wednesday 2027-01-06
    assert foc_response(api, "2027-01-06").status_code == 201
    assert foc_response(api, "2027-01-07").status_code == 400


def test_it_skips_a_federal_holiday_when_counting_business_days(api, clock):
    clock.move_to(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))  # Friday before Thanksgiving week
    # Mon 23, Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27, Mon 30: the earliest is Monday 30th.
    assert foc_response(api, "2026-11-27").status_code == 400
    assert foc_response(api, "2026-11-30").status_code == 201


def test_it_counts_today_in_eastern_time(api, clock):
    # 03:00 UTC on Friday 11th is still Thursday 10th in New York.
    clock.move_to(dt.datetime(2026, 12, 11, 3, 0, tzinfo=dt.UTC))
    assert foc_response(api, "2026-12-17").status_code == 201


@pytest.mark.parametrize(("time", "status"), [("08:00", 201), ("20:00", 201), ("07:59", 400), ("20:01", 400)])
def test_it_keeps_the_foc_time_between_8_and_20_eastern(api, time, status):
    response = foc_response(api, "2026-12-18", time)
    assert response.status_code == status
    if status == 400:
        assert response.json()["errors"][0]["pointer"] == "/requested_foc_time"


def test_it_checks_the_date_again_at_approval_because_time_passes(api, clock):
    order = api.create()
    clock.move_to(dt.datetime(2026, 12, 16, 15, 0, tzinfo=dt.UTC))
    response = api.post(f"/v1/port-orders/{order['id']}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"})
    assert response.status_code == 400
    assert response.json()["code"] == "foc_date_invalid"


def test_it_checks_the_date_again_at_submission(api, clock):
    order = api.create()
    api.approve(order["id"])
    clock.move_to(dt.datetime(2026, 12, 16, 15, 0, tzinfo=dt.UTC))
    response = api.post(f"/v1/port-orders/{order['id']}/submit")
    assert response.status_code == 400
    assert response.json()["code"] == "foc_date_invalid"
