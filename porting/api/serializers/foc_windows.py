"""Allowed FOC windows: the documented response shape."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import HHMMField, documented


class FocWindowOut(serializers.Serializer[dict[str, Any]]):
    date = serializers.DateField(help_text="A requestable FOC date (YYYY-MM-DD).")
    start_time = HHMMField(help_text="The earliest requestable time on that date, HH:MM in `timezone`.")
    end_time = HHMMField(help_text="The latest requestable time on that date (included), HH:MM in `timezone`.")
    timezone = serializers.CharField(help_text="The IANA time zone of the times: America/New_York.")


FocWindowListOut = documented("FocWindowListOut", data=FocWindowOut(many=True))
