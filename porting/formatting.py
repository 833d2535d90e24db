"""How values are written in every output (API, LOA, emails, desk): one place for each format."""
from __future__ import annotations

import datetime as dt

PIN_MASK = "****"


def utc_timestamp(value: dt.datetime | None) -> str | None:
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (DESIGN §4); None stays None."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hhmm(value: dt.time | None) -> str | None:
    """A time of day as ``HH:MM``; None stays None."""
    return value.strftime("%H:%M") if value is not None else None


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def or_none(value: str) -> str | None:
    """Empty strings (the database's "not set") are written as null."""
    return value or None


def mask_account_number(value: str) -> str:
    """Only the last four characters of an account number are ever shown after the draft stage."""
    return "•••••" + value[-4:]
