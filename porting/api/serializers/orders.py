"""Port orders: the request shapes (type and format only; business rules live in the domain) and the
documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.documents import RequirementOut
from porting.api.serializers.fields import (
    DistinctPhoneNumbersField,
    E164Field,
    HHMMField,
    IPField,
    PatternField,
    StateField,
    StrictCharField,
    StrictDateField,
    StrictSerializer,
    ZipField,
    documented,
    optional_text,
    typeid_cursor_field,
)
from porting.models import PortStatus

DESCRIPTION_MAX = 1000


class AddressSerializer(StrictSerializer):
    house_number = optional_text(20)
    street_name = optional_text(100)
    city = optional_text(64)
    state = StateField(max_length=2, required=False, allow_null=True)
    zip = ZipField(max_length=10, required=False, allow_null=True)


class SubscriberSerializer(StrictSerializer):
    btn = E164Field(required=False, allow_null=True, help_text="Billing telephone number, E.164.")
    business_name = optional_text(255)
    approver_name = optional_text(
        100, help_text="The person authorized to approve the port; the signature must match it."
    )
    account_number = optional_text(64, help_text="Account number at the losing carrier; required for wireless numbers.")
    pin = optional_text(20, help_text="PIN or passcode at the losing carrier; required for wireless numbers.")
    address = AddressSerializer(required=False, help_text="Service address as on the losing carrier's records.")


class PortOrderWriteSerializer(StrictSerializer):
    phone_numbers = DistinctPhoneNumbersField(
        min_length=1, max_length=1000,
        help_text="E.164 numbers, 1 to 1,000, all of one losing carrier and number type.",
    )
    subscriber = SubscriberSerializer(required=False)
    requested_foc_date = StrictDateField(
        required=False, allow_null=True,
        help_text="YYYY-MM-DD, 5 business days to 30 calendar days from today (Eastern).",
    )
    requested_foc_time = HHMMField(
        required=False, allow_null=True,
        help_text="HH:MM Eastern, 08:00 to 20:00, or the losing carrier's narrower window (see allowed-foc-windows).",
    )
    losing_carrier_name = optional_text(
        100, help_text="Your word on the losing carrier, where eligibility could not name it (live orders on the "
                       "manual carrier): shown to the porting desk, which confirms the carrier on the numbers.",
    )
    customer_reference = optional_text(255, help_text="Your own reference for the order (filter the list by it).")
    description = optional_text(DESCRIPTION_MAX, help_text="Free text for your records; not on the LOA.")


class PortOrderCreateSerializer(PortOrderWriteSerializer):
    pass


class PortOrderUpdateSerializer(PortOrderWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone_numbers"].required = False


class ApproveSerializer(StrictSerializer):
    signature = StrictCharField(max_length=100, help_text="The approver's full name, typed.")
    ip = IPField(help_text="The IP address the customer approved from.")
    user_agent = StrictCharField(max_length=1000, required=False, allow_blank=True)


class CancelSerializer(StrictSerializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True)


class ListQuerySerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=PortStatus.values, required=False)
    phone_number = PatternField(  # porting.selectors checks the same
        r"\A\+?[0-9]{1,15}\Z", "Digits only, optionally starting with +.", required=False,
        help_text="E.164, or a part of a number (digits, optionally after +).",
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
    cursor = typeid_cursor_field("port")
    customer_reference = StrictCharField(max_length=255, required=False, help_text="Exactly this reference.")
    created_after = serializers.DateTimeField(
        required=False, help_text="Orders created after this moment (ISO 8601, e.g. 2026-12-01T00:00:00Z).")
    created_before = serializers.DateTimeField(required=False, help_text="Orders created before this moment.")


# --- documented responses ---------------------------------------------------------
class AddressOut(serializers.Serializer[dict[str, Any]]):
    house_number = serializers.CharField(allow_null=True)
    street_name = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    zip = serializers.CharField(allow_null=True)


class SubscriberOut(serializers.Serializer[dict[str, Any]]):
    btn = serializers.CharField(allow_null=True)
    business_name = serializers.CharField(allow_null=True)
    approver_name = serializers.CharField(allow_null=True)
    account_number = serializers.CharField(allow_null=True, help_text="In full while draft; last 4 after.")
    pin = serializers.CharField(allow_null=True, help_text="In full while draft; '****' after.")
    address = AddressOut()


class ApprovalOut(serializers.Serializer[dict[str, Any]]):
    signature = serializers.CharField()
    ip = serializers.CharField()
    timestamp = serializers.CharField()


class RejectionOut(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    message = serializers.CharField()
    how_to_fix = serializers.CharField()


class FocOut(serializers.Serializer[dict[str, Any]]):
    date = serializers.CharField()
    time = serializers.CharField(allow_null=True)


class DetailsOut(serializers.Serializer[dict[str, Any]]):
    phone_numbers = serializers.ListField(child=serializers.CharField())
    subscriber = SubscriberOut()
    requested_foc_date = serializers.CharField(allow_null=True)
    requested_foc_time = serializers.CharField(allow_null=True)
    losing_carrier_name = serializers.CharField(
        allow_null=True, help_text="The losing carrier as you named it (a hint for the desk); the confirmed "
                                   "carrier is on each of numbers[].")
    approval = ApprovalOut(allow_null=True)
    rejection = RejectionOut(allow_null=True)
    foc = FocOut(allow_null=True)


class NumberOut(serializers.Serializer[dict[str, Any]]):
    phone_number = serializers.CharField()
    losing_carrier_name = serializers.CharField(allow_null=True)
    losing_carrier_spid = serializers.CharField(allow_null=True)
    is_wireless = serializers.BooleanField(allow_null=True)
    number_type = serializers.ChoiceField(choices=["local", "toll_free"])


class PortOrderOut(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    object = serializers.CharField()
    status = serializers.ChoiceField(choices=PortStatus.values)
    livemode = serializers.BooleanField()
    account = serializers.CharField()
    details = DetailsOut()
    numbers = NumberOut(many=True)
    requirements = RequirementOut(
        many=True, help_text="Supporting documents the losing carrier needs before submit (POST …/documents); "
                             "submit answers 422 documents_required while one is missing. Empty when none.")
    action_required = serializers.BooleanField(
        help_text="The porting desk asked you for something in a comment; false once you comment or update.")
    customer_reference = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    submitted_at = serializers.CharField(allow_null=True)
    completed_at = serializers.CharField(allow_null=True)
    cancelled_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


PortOrderListOut = documented(
    "PortOrderListOut",
    data=PortOrderOut(many=True),
    has_more=serializers.BooleanField(),
    next_cursor=serializers.CharField(allow_null=True),
)
