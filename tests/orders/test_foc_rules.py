"""The requested FOC date and time: 5 business days to 30 calendar days, Eastern, 08:00-20:00 (or the losing
carrier's narrower window)."""
from __future__ import annotations

import datetime as dt

import holidays
import pytest

from porting.foc import EASTERN, MAX_CALENDAR_DAYS, allowed_foc_dates, foc_date_problem
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


def test_the_allowed_dates_follow_the_rule_on_every_day_of_a_year():
    us_holidays = holidays.country_holidays("US", years=range(2026, 2029), observed=True)

    def business(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in us_holidays

    for offset in range(366):
        today = dt.date(2026, 6, 1) + dt.timedelta(days=offset)
        now = dt.datetime.combine(today, dt.time(12, 0), tzinfo=EASTERN)
        span = [today + dt.timedelta(days=n) for n in range(1, MAX_CALENDAR_DAYS + 1)]
        expected = [d for i, d in enumerate(span) if business(d) and sum(map(business, span[: i + 1])) >= 5]
        assert allowed_foc_dates(now) == expected, today
        for day in [today, *span, today + dt.timedelta(days=MAX_CALENDAR_DAYS + 1)]:
            assert (foc_date_problem(day, now) is None) == (day in expected), (today, day)


FRONTIER = "+12025557100"  # sandbox line 7xxx: Frontier, which ports 10:00 to 16:00 Eastern only


def test_a_time_without_a_date_must_fit_the_losing_carriers_window(api):
    response = api.post(URL, {"phone_numbers": [FRONTIER], "requested_foc_time": "09:00"})
    assert response.status_code == 400
    assert response.json()["code"] == "foc_date_invalid"
    assert response.json()["errors"] == [{
        "pointer": "/requested_foc_time",
        "detail": "requested_foc_time must be between 10:00 and 16:00 Eastern Time, "
                  "the hours in which the losing carrier accepts ports.",
    }]
    assert api.post(URL, {"phone_numbers": [FRONTIER], "requested_foc_time": "10:00"}).status_code == 201


def test_moving_an_order_to_frontier_numbers_checks_its_stored_time_again(api):
    order = api.create(requested_foc_time="09:00")  # Verizon Wireless: the standard window
    response = api.post(f"{URL}/{order['id']}", {"phone_numbers": [FRONTIER]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/requested_foc_time"
    response = api.post(f"{URL}/{order['id']}", {"phone_numbers": [FRONTIER], "requested_foc_time": "10:00"})
    assert response.status_code == 200
    assert response.json()["numbers"][0]["losing_carrier_name"] == "Frontier"


def test_an_update_of_other_fields_leaves_the_stored_foc_alone(api, clock):
    order = api.create()
    clock.move_to(dt.datetime(2026, 12, 16, 15, 0, tzinfo=dt.UTC))  # the stored date is now too early
    response = api.post(f"{URL}/{order['id']}", {"subscriber": {"business_name": "Smith & Co"}})
    assert response.status_code == 200
