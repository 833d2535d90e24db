"""Field types and the strict base serializer shared by every request shape.

Request fields take JSON as it is typed: a string field refuses ``0`` and a boolean field refuses
``"yes"`` (DRF's own fields would coerce both), so the API accepts exactly what its schema says.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from porting.phone import ADDRESS_STATES, E164_RE

# ASCII digits only, and no trailing newline: the same patterns the schema publishes (ECMA-262).
ZIP_PATTERN = r"^([0-9]{5}(-[0-9]{4})?|[A-Za-z][0-9][A-Za-z][ -]?[0-9][A-Za-z][0-9])$"
ZIP_RE = re.compile(ZIP_PATTERN)
HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
HHMM_RE = re.compile(HHMM_PATTERN)
# The state or province code in either case (the API upper-cases it); JSON Schema has no flag for that.
STATE_PATTERN = "^(" + "|".join(
    "".join(f"[{letter}{letter.lower()}]" for letter in code) for code in sorted(ADDRESS_STATES)
) + ")$"


class StrictSerializer(serializers.Serializer[dict[str, Any]]):
    """Rejects keys it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


# What JSON Schema's \s means (ECMA-262). StrictCharField trims exactly these; Python's str.strip(), which
# DRF uses, also trims \x1c-\x1f and \x85 and keeps \ufeff.
WHITESPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u2028\u2029\u202f\u205f\u3000\ufeff"
# The schema's word for the rules below: no NUL anywhere and, unless blank is allowed, one character
# that is not whitespace. (drf-spectacular publishes a field that may be blank as oneOf [this, ""];
# porting.api.schema folds the two into one string schema.)
TEXT_PATTERN = r"^[^\x00]+$"
NON_BLANK_TEXT_PATTERN = (
    r"^[^\x00]*[^\x00\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff][^\x00]*$"
)


class StrictCharField(serializers.CharField):
    """A JSON string, taken as the schema describes it.

    ``0`` or ``1.5`` is an error (DRF's CharField would store "0"); NUL is refused (PostgreSQL cannot
    store it); ``max_length`` counts the characters sent; then the surrounding whitespace is trimmed
    (``trim_whitespace=False`` keeps it), and only whitespace is blank. The schema says the same with
    ``maxLength`` and a pattern.
    """

    default_error_messages = {"invalid": "Must be a string."}

    def __init__(self, **kwargs: Any) -> None:
        self.trim = kwargs.pop("trim_whitespace", True)
        super().__init__(trim_whitespace=False, **kwargs)
        # In place of DRF's ProhibitNullCharactersValidator: it refuses NUL as that one does, and
        # drf-spectacular publishes it as the field's pattern (blank was dealt with before it runs).
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(RegexValidator(
            TEXT_PATTERN if self.allow_blank else NON_BLANK_TEXT_PATTERN,
            message="Null characters are not allowed.", code="null_characters_not_allowed",
        ))

    def run_validation(self, data: Any = empty) -> Any:
        if isinstance(data, str):
            if self.max_length is not None and len(data) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
            if self.trim:
                data = data.strip(WHITESPACE)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false``: DRF's BooleanField also takes ``1``, ``"yes"`` and ``"on"``."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339, as the schema's ``format: date-time`` means it (Django's parser also takes "2026-01-01 10:00").
DATETIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class StrictDateField(serializers.DateField):
    """A ``YYYY-MM-DD`` string (``format: date``); ``strptime`` alone would take "2026-1-5"."""

    default_error_messages = {"invalid": "Must be a date written YYYY-MM-DD."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.date:
        if not isinstance(value, str) or not DATE_RE.fullmatch(value):
            self.fail("invalid")
        return super().to_internal_value(value)


class StrictDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time with its offset (``format: date-time``), such as 2026-12-10T15:00:00Z, in UTC."""

    default_error_messages = {"invalid": "Must be an RFC 3339 date-time with an offset, such as 2026-12-10T15:00:00Z."}

    def to_internal_value(self, value: Any) -> dt.datetime:
        if not isinstance(value, str) or not DATETIME_RE.fullmatch(value):
            self.fail("invalid")
        try:
            moment = dt.datetime.fromisoformat(value.upper())
        except ValueError:  # month 13, February 30, ...
            self.fail("invalid")
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            # Within hours of year 1 or of 9999 (0001-01-01T00:00:00+01:00): no earlier or later moment
            # exists here, and as a bound of a time range the first or last one means the same.
            return (dt.datetime.min if moment.year == 1 else dt.datetime.max).replace(tzinfo=dt.UTC)


E164_SCHEMA = {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$", "example": "+12025551234"}


@extend_schema_field(E164_SCHEMA)
class PhoneNumberStringField(StrictCharField):
    """A phone number string; the domain validates it so every bad entry gets its own pointer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)  # the pattern has no room for spaces around the number
        super().__init__(**kwargs)


class PatternField(StrictCharField):
    """A string that ``regex`` matches whole, kept as sent (no trimming), its pattern in the schema.

    Write the regex with ``\\A`` and ``\\Z``: exact in Python (``$`` would let a final newline through),
    and drf-spectacular publishes them as ``^`` and ``$``.
    """

    def __init__(self, regex: str, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        # The pattern says all there is (drf-spectacular publishes the first RegexValidator).
        self.validators = [v for v in self.validators if not isinstance(v, RegexValidator)]
        self.validators.insert(0, RegexValidator(regex, message=message))


@extend_schema_field({"type": "array", "items": E164_SCHEMA, "uniqueItems": True})
class DistinctPhoneNumbersField(serializers.ListField):
    """An order's numbers: each at most once (the domain refuses a repeat, with a pointer to it)."""

    child = PhoneNumberStringField(max_length=32)


# An absolute http(s) URL with an ASCII host name, an IPv4 address or a bracketed IPv6 address (RFC
# 3986's grammar, which Python's ipaddress agrees with), an optional port up to 65535 and an optional
# path and query: what webhook endpoints take, exactly (Django's URLValidator and the schema's
# ``format: uri`` disagree at the edges). Where the host resolves is checked when it is saved.
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_H16 = r"[0-9A-Fa-f]{1,4}"
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_LS32 = rf"({_H16}:{_H16}|{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET})"
_IPV6 = "(" + "|".join([
    rf"({_H16}:){{6}}{_LS32}",
    rf"::({_H16}:){{5}}{_LS32}",
    rf"({_H16})?::({_H16}:){{4}}{_LS32}",
    rf"(({_H16}:){{0,1}}{_H16})?::({_H16}:){{3}}{_LS32}",
    rf"(({_H16}:){{0,2}}{_H16})?::({_H16}:){{2}}{_LS32}",
    rf"(({_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
    rf"(({_H16}:){{0,4}}{_H16})?::{_LS32}",
    rf"(({_H16}:){{0,5}}{_H16})?::{_H16}",
    rf"(({_H16}:){{0,6}}{_H16})?::",
]) + ")"
_PORT = r"([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_PATH = r"(/([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?"
WEBHOOK_URL_REGEX = rf"\Ahttps?://(\[{_IPV6}\]|({_LABEL}\.)*{_LABEL})(:{_PORT})?{_PATH}\Z"


def webhook_url_field(**kwargs: Any) -> PatternField:
    return PatternField(WEBHOOK_URL_REGEX, "Must be an http(s) URL with a host name, such as "
                                           "https://hooks.example.com/portico.", max_length=2000, **kwargs)


def event_glob_field(**kwargs: Any) -> PatternField:
    """An event type, or a glob of them: letters, digits, ".", "_" and "*" (ASCII; the domain's check
    would also take other letters)."""
    return PatternField(r"\A[A-Za-z0-9._*]+\Z", 'Use an event type or a glob such as "port_order.*".',
                        max_length=100, **kwargs)


def typeid_cursor_field(prefix: str = "[a-z]+", **kwargs: Any) -> PatternField:
    """A page cursor: the next_cursor the previous page answered (an id)."""
    return PatternField(rf"\A{prefix}_[0-9a-z]{{26}}\Z", "Must be the next_cursor of the previous page.",
                        required=False, help_text="next_cursor of the previous page.", **kwargs)


@extend_schema_field({"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}], "example": "203.0.113.42"})
class IPField(serializers.IPAddressField):
    pass


@extend_schema_field(E164_SCHEMA)
class E164Field(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("trim_whitespace", False)  # as its pattern says
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not E164_RE.fullmatch(value):
            raise serializers.ValidationError("Must be a phone number in E.164 format, such as +12025551234.")
        return value


@extend_schema_field({"type": "string", "pattern": HHMM_PATTERN, "example": "10:00"})
class HHMMField(serializers.Field[dt.time, str, str, Any]):
    """A time of day written ``HH:MM``."""

    default_error_messages = {"invalid": "Must be a time written HH:MM (24-hour), such as 10:00."}

    def to_internal_value(self, data: Any) -> dt.time:
        if not isinstance(data, str) or not HHMM_RE.fullmatch(data):
            self.fail("invalid")
        hours, minutes = data.split(":")
        return dt.time(int(hours), int(minutes))

    def to_representation(self, value: dt.time) -> str:
        return value.strftime("%H:%M")


@extend_schema_field({"type": "string", "pattern": STATE_PATTERN, "example": "DC",
                     "description": "A US state, territory or Canadian province code, such as DC or ON."})
class StateField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)  # as its pattern says
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        # ASCII first: "ıd".upper() is "ID", but the published pattern says letters A to Z.
        value = value.upper() if value.isascii() else value
        if value not in ADDRESS_STATES:
            raise serializers.ValidationError("Must be a two-letter US state, territory or Canadian province code.")
        return value


@extend_schema_field({"type": "string", "pattern": ZIP_PATTERN, "example": "20001"})
class ZipField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)  # as its pattern says
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not ZIP_RE.fullmatch(value):
            raise serializers.ValidationError("Must be a US ZIP code (12345 or 12345-6789) or a Canadian postal code.")
        return value.upper()


def optional_text(max_length: int, **kwargs: Any) -> StrictCharField:
    return StrictCharField(max_length=max_length, required=False, allow_null=True, **kwargs)


def documented(
    name: str, **fields: serializers.Field[Any, Any, Any, Any]
) -> type[serializers.Serializer[dict[str, Any]]]:
    """A response shape for the schema only, made from its fields: a class body cannot declare a field
    named ``data`` (it would hide ``Serializer.data``), and the documented bodies have one."""
    return type(name, (serializers.Serializer,), fields)
