"""Business-day and FOC-window rules (DESIGN §4), counted in America/New_York.

``allowed_foc_dates`` is the one list of requestable dates: ``foc_date_problem`` accepts exactly
those and only explains why another date is refused. The hours of each date start as
``standard_foc_window``; the order's carrier may narrow them (``porting.rules.foc_window_on``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

EASTERN = ZoneInfo("America/New_York")
MIN_BUSINESS_DAYS = 5
MAX_CALENDAR_DAYS = 30
EARLIEST_FOC_TIME = dt.time(8, 0)
LATEST_FOC_TIME = dt.time(20, 0)


@dataclass(frozen=True)
class FocWindow:
    """The hours (both ends included) in which a port may be requested on one date."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time
    timezone: str = EASTERN.key

    def contains(self, time: dt.time) -> bool:
        return self.start_time <= time <= self.end_time

    def describe(self) -> str:
        return f"between {self.start_time:%H:%M} and {self.end_time:%H:%M} Eastern Time"


def standard_foc_window(day: dt.date) -> FocWindow:
    """08:00 to 20:00 Eastern: the hours any carrier may be asked for, before it narrows them."""
    return FocWindow(day, EARLIEST_FOC_TIME, LATEST_FOC_TIME)


@lru_cache(maxsize=16)
def _us_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=year, observed=True)


def is_business_day(day: dt.date) -> bool:
    """A weekday that is not a US federal holiday (observed dates included)."""
    return day.weekday() < 5 and day not in _us_holidays(day.year)


def eastern_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(EASTERN).date()


def add_business_days(start: dt.date, count: int) -> dt.date:
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def subtract_business_days(start: dt.date, count: int) -> dt.date:
    day = start
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def foc_window(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """(earliest, latest) requestable FOC dates as of now."""
    today = eastern_today(now)
    return add_business_days(today, MIN_BUSINESS_DAYS), today + dt.timedelta(days=MAX_CALENDAR_DAYS)


def allowed_foc_dates(now: dt.datetime | None = None) -> list[dt.date]:
    """Every business day that may be requested as the FOC date."""
    earliest, latest = foc_window(now)
    days = (latest - earliest).days
    return [d for d in (earliest + dt.timedelta(days=i) for i in range(days + 1)) if is_business_day(d)]


def foc_date_problem(day: dt.date, now: dt.datetime | None = None) -> str | None:
    """Why ``day`` cannot be requested as the FOC date, or None when it can: exactly when it is one of
    ``allowed_foc_dates``."""
    now = now or timezone.now()  # one moment for the list and the explanation, even at midnight
    if day in allowed_foc_dates(now):
        return None
    earliest, latest = foc_window(now)
    if day < earliest:
        return f"must be at least {MIN_BUSINESS_DAYS} business days from today (the earliest is {earliest.isoformat()})"
    if day > latest:
        return f"must be at most {MAX_CALENDAR_DAYS} calendar days from today (the latest is {latest.isoformat()})"
    if day.weekday() >= 5:
        return "must be a business day, not a weekend"
    return f"must be a business day, not a US federal holiday ({_us_holidays(day.year).get(day)})"
