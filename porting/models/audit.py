"""The audit trail: one event per state change or notable action, never edited or deleted."""
from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField
from porting.models.orders import PortOrder


class ActorType(models.TextChoices):
    API_KEY = "api_key"
    CUSTOMER = "customer"
    STAFF = "staff"
    CARRIER = "carrier"
    SYSTEM = "system"


# Written to the desk's timeline but never shown outside it (API, feed, webhooks).
DESK_ONLY_EVENT_TYPES = ("port_order.secrets_revealed",)


class Event(models.Model):
    """One entry of an order's audit trail. Never edited or deleted."""

    id = TypeIDField(prefix="evt")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=64)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # 1, 2, … per order, in the order the events were written (a webhook consumer orders by it).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The hash chain (porting.audit_chain): the previous event's hash, and SHA-256 of this one with it.
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "id"], name="event_order_feed")]
        constraints = [models.UniqueConstraint(fields=["order", "sequence"], name="event_order_sequence")]

    def __str__(self) -> str:
        return f"{self.type} on {self.order_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("events are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("events are never deleted")
