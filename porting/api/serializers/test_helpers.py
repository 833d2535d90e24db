"""Sandbox test helpers: what the carrier would answer."""
from __future__ import annotations

from rest_framework import serializers

from porting.api.serializers.fields import HHMMField, StrictSerializer
from porting.rejections import REJECTION_CODES


class TestFocSerializer(StrictSerializer):
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    time = HHMMField(required=False)


class TestRejectSerializer(StrictSerializer):
    code = serializers.ChoiceField(choices=REJECTION_CODES)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)
