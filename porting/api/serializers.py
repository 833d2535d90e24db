"""Request shapes (type and format only; business rules live in the domain) and documented responses."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from porting.models import PortStatus
from porting.phone import ADDRESS_STATES, E164_RE
from porting.rejections import REJECTION_CODES

ZIP_RE = re.compile(r"^(\d{5}(-\d{4})?|[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d)$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class StrictSerializer(serializers.Serializer):
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
class HHMMField(serializers.Field):
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


class AddressSerializer(StrictSerializer):
    house_number = _text(20)
    street_name = _text(100)
    city = _text(64)
    state = StateField(max_length=2, required=False, allow_null=True)
    zip = ZipField(max_length=10, required=False, allow_null=True)


class SubscriberSerializer(StrictSerializer):
    btn = E164Field(required=False, allow_null=True, help_text="Billing telephone number, E.164.")
    business_name = _text(255)
    approver_name = _text(100, help_text="The person authorized to approve the port; the signature must match it.")
    account_number = _text(64, help_text="Account number at the losing carrier; required for wireless numbers.")
    pin = _text(20, help_text="PIN or passcode at the losing carrier; required for wireless numbers.")
    address = AddressSerializer(required=False, help_text="Service address as on the losing carrier's records.")


class PortOrderWriteSerializer(StrictSerializer):
    phone_numbers = serializers.ListField(
        child=PhoneNumberStringField(max_length=32), max_length=1000,
        help_text="E.164 numbers, 1 to 1,000, all of one losing carrier and number type.",
    )
    subscriber = SubscriberSerializer(required=False)
    requested_foc_date = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD, 5 business days to 30 calendar days from today (Eastern).",
    )
    requested_foc_time = HHMMField(required=False, allow_null=True, help_text="HH:MM Eastern, 08:00 to 20:00.")


class PortOrderCreateSerializer(PortOrderWriteSerializer):
    pass


class PortOrderUpdateSerializer(PortOrderWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone_numbers"].required = False


class EligibilityRequestSerializer(StrictSerializer):
    phone_numbers = serializers.ListField(
        child=PhoneNumberStringField(max_length=32, allow_blank=True), max_length=1000
    )


class ApproveSerializer(StrictSerializer):
    signature = serializers.CharField(max_length=100, help_text="The approver's full name, typed.")
    ip = IPField(help_text="The IP address the customer approved from.")
    user_agent = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class TestFocSerializer(StrictSerializer):
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    time = HHMMField(required=False)


class TestRejectSerializer(StrictSerializer):
    code = serializers.ChoiceField(choices=REJECTION_CODES)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ListQuerySerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=PortStatus.values, required=False)
    phone_number = serializers.CharField(max_length=16, required=False, help_text="E.164, or a part of a number.")
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
    cursor = serializers.RegexField(
        r"^port_[0-9a-z]{26}$", required=False, help_text="next_cursor of the previous page."
    )


# --- documented responses ---------------------------------------------------------
class AddressOut(serializers.Serializer):
    house_number = serializers.CharField(allow_null=True)
    street_name = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    zip = serializers.CharField(allow_null=True)


class SubscriberOut(serializers.Serializer):
    btn = serializers.CharField(allow_null=True)
    business_name = serializers.CharField(allow_null=True)
    approver_name = serializers.CharField(allow_null=True)
    account_number = serializers.CharField(allow_null=True, help_text="In full while draft; last 4 after.")
    pin = serializers.CharField(allow_null=True, help_text="In full while draft; '****' after.")
    address = AddressOut()


class ApprovalOut(serializers.Serializer):
    signature = serializers.CharField()
    ip = serializers.CharField()
    timestamp = serializers.CharField()


class RejectionOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    how_to_fix = serializers.CharField()


class FocOut(serializers.Serializer):
    date = serializers.CharField()
    time = serializers.CharField(allow_null=True)


class DetailsOut(serializers.Serializer):
    phone_numbers = serializers.ListField(child=serializers.CharField())
    subscriber = SubscriberOut()
    requested_foc_date = serializers.CharField(allow_null=True)
    requested_foc_time = serializers.CharField(allow_null=True)
    approval = ApprovalOut(allow_null=True)
    rejection = RejectionOut(allow_null=True)
    foc = FocOut(allow_null=True)


class NumberOut(serializers.Serializer):
    phone_number = serializers.CharField()
    losing_carrier_name = serializers.CharField(allow_null=True)
    losing_carrier_spid = serializers.CharField(allow_null=True)
    is_wireless = serializers.BooleanField(allow_null=True)
    number_type = serializers.ChoiceField(choices=["local", "toll_free"])


class PortOrderOut(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    status = serializers.ChoiceField(choices=PortStatus.values)
    livemode = serializers.BooleanField()
    account = serializers.CharField()
    details = DetailsOut()
    numbers = NumberOut(many=True)
    submitted_at = serializers.CharField(allow_null=True)
    completed_at = serializers.CharField(allow_null=True)
    cancelled_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class PortOrderListOut(serializers.Serializer):
    data = PortOrderOut(many=True)
    has_more = serializers.BooleanField()
    next_cursor = serializers.CharField(allow_null=True)


class ActorOut(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField(allow_null=True)


class EventOut(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    type = serializers.CharField()
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField(allow_null=True)
    actor = ActorOut()
    data = serializers.DictField()
    created_at = serializers.CharField()


class EventListOut(serializers.Serializer):
    data = EventOut(many=True)


class PortableNumberOut(serializers.Serializer):
    phone_number = serializers.CharField()
    losing_carrier_name = serializers.CharField(allow_null=True)
    losing_carrier_spid = serializers.CharField(allow_null=True)
    is_wireless = serializers.BooleanField(allow_null=True)
    account_number_required = serializers.BooleanField()
    number_type = serializers.CharField()


class NonPortableNumberOut(serializers.Serializer):
    phone_number = serializers.CharField()
    rate_center = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class EligibilityOut(serializers.Serializer):
    portable_numbers = PortableNumberOut(many=True)
    non_portable_numbers = NonPortableNumberOut(many=True)


class ProblemFieldOut(serializers.Serializer):
    pointer = serializers.CharField()
    detail = serializers.CharField()


class ProblemOut(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ProblemFieldOut(many=True)


class ApprovalRequestCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254, help_text="Where the signing link is sent.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="The signer's name.")


class ApprovalRequestOut(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    email = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["sent", "viewed", "signed", "declined", "expired", "revoked"])
    expires_at = serializers.CharField()
    created_at = serializers.CharField()
    viewed_at = serializers.CharField(allow_null=True)
    signed_at = serializers.CharField(allow_null=True)
    declined_at = serializers.CharField(allow_null=True)
    decline_reason = serializers.CharField(allow_null=True)


class ApprovalRequestListOut(serializers.Serializer):
    data = ApprovalRequestOut(many=True)
