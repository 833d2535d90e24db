"""The audit trail's documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import documented


class ActorOut(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField()
    id = serializers.CharField(allow_null=True)


def event_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """An event's documented fields (new instances each call: a field belongs to one serializer)."""
    return {
        "id": serializers.CharField(),
        "object": serializers.CharField(),
        "type": serializers.CharField(),
        "from_status": serializers.CharField(allow_null=True),
        "to_status": serializers.CharField(allow_null=True),
        "actor": ActorOut(),
        "data": serializers.DictField(),
        "sequence": serializers.IntegerField(help_text="1, 2, … per order, in the order the events happened."),
        "prev_hash": serializers.CharField(help_text="The previous event's hash (64 zeros for the first)."),
        "hash": serializers.CharField(
            help_text="SHA-256 (hex) of the canonical JSON of prev_hash and this event: the audit chain "
                      "(GET /v1/port-orders/{id}/audit checks it)."),
        "created_at": serializers.CharField(),
    }


EventOut = documented("EventOut", **event_fields())
EventListOut = documented("EventListOut", data=EventOut(many=True))


AuditOut = documented(
    "AuditOut",
    valid=serializers.BooleanField(),
    events=serializers.IntegerField(help_text="Events checked (up to the break, when there is one)."),
    head=serializers.CharField(required=False, help_text="The last event's hash, when the chain is valid."),
    broken_at=serializers.CharField(required=False, help_text="The first event that does not check (evt_…)."),
    reason=serializers.CharField(required=False, help_text="Why it does not."),
)
