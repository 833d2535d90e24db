"""Sandbox test helpers: what the carrier would answer."""
from __future__ import annotations

from rest_framework import serializers

from porting.api.serializers.fields import HHMMField, StrictCharField, StrictDateField, StrictSerializer
from porting.rejections import REJECTION_CODES


class TestFocSerializer(StrictSerializer):
    date = StrictDateField(required=False)
    time = HHMMField(required=False)


class TestRejectSerializer(StrictSerializer):
    code = serializers.ChoiceField(choices=REJECTION_CODES)
    message = StrictCharField(max_length=500, required=False, allow_blank=True)
