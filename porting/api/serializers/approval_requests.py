"""Approval requests (signing links): the request and documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import StrictCharField, StrictSerializer, documented


class ApprovalRequestCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254, help_text="Where the signing link is sent.")
    name = StrictCharField(max_length=100, required=False, allow_blank=True, help_text="The signer's name.")


class ApprovalRequestOut(serializers.Serializer[dict[str, Any]]):
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


ApprovalRequestListOut = documented("ApprovalRequestListOut", data=ApprovalRequestOut(many=True))
