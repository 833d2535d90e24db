"""The eligibility check: its request and documented response."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import PhoneNumberStringField, StrictSerializer


class EligibilityRequestSerializer(StrictSerializer):
    phone_numbers = serializers.ListField(child=PhoneNumberStringField(max_length=32), min_length=1, max_length=1000)


class PortableNumberOut(serializers.Serializer[dict[str, Any]]):
    phone_number = serializers.CharField()
    losing_carrier_name = serializers.CharField(allow_null=True)
    losing_carrier_spid = serializers.CharField(allow_null=True)
    is_wireless = serializers.BooleanField(allow_null=True)
    account_number_required = serializers.BooleanField(
        help_text="Wireless numbers need the account number and PIN; false while the carrier is to be confirmed.")
    losing_carrier_to_be_confirmed = serializers.BooleanField(
        help_text="True for live numbers whose losing carrier the porting desk confirms after the order is "
                  "created (no number database for live orders); the order cannot be approved until it has.")
    number_type = serializers.CharField()


class NonPortableNumberOut(serializers.Serializer[dict[str, Any]]):
    phone_number = serializers.CharField()
    rate_center = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class EligibilityOut(serializers.Serializer[dict[str, Any]]):
    portable_numbers = PortableNumberOut(many=True)
    non_portable_numbers = NonPortableNumberOut(many=True)
