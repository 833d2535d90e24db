"""Field types and the strict base serializer shared by every request shape."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from porting.phone import ADDRESS_STATES, E164_RE

ZIP_RE = re.compile(r"^(\d{5}(-\d{4})?|[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d)$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class StrictSerializer(serializers.Serializer[dict[str, Any]]):
    """Rejects keys it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


E164_SCHEMA = {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$", "example": "+12025551234"}


@extend_schema_field(E164_SCHEMA)
class PhoneNumberStringField(serializers.CharField):
    """A phone number string; the domain validates it so every bad entry gets its own pointer."""


@extend_schema_field({"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}], "example": "203.0.113.42"})
class IPField(serializers.IPAddressField):
    pass


@extend_schema_field(E164_SCHEMA)
class E164Field(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not E164_RE.match(value):
            raise serializers.ValidationError("Must be a phone number in E.164 format, such as +12025551234.")
        return value


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "10:00"})
class HHMMField(serializers.Field[dt.time, str, str, Any]):
    """A time of day written ``HH:MM``."""

    default_error_messages = {"invalid": "Must be a time written HH:MM (24-hour), such as 10:00."}

    def to_internal_value(self, data: Any) -> dt.time:
        if not isinstance(data, str) or not HHMM_RE.match(data):
            self.fail("invalid")
        hours, minutes = data.split(":")
        return dt.time(int(hours), int(minutes))

    def to_representation(self, value: dt.time) -> str:
        return value.strftime("%H:%M")


class StateField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).upper()
        if value not in ADDRESS_STATES:
            raise serializers.ValidationError("Must be a two-letter US state, territory or Canadian province code.")
        return value


class ZipField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not ZIP_RE.match(value):
            raise serializers.ValidationError("Must be a US ZIP code (12345 or 12345-6789) or a Canadian postal code.")
        return value.upper()


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_null=True, **kwargs)


def optional_text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_null=True, **kwargs)


def documented(
    name: str, **fields: serializers.Field[Any, Any, Any, Any]
) -> type[serializers.Serializer[dict[str, Any]]]:
    """A response shape for the schema only, made from its fields: a class body cannot declare a field
    named ``data`` (it would hide ``Serializer.data``), and the documented bodies have one."""
    return type(name, (serializers.Serializer,), fields)
