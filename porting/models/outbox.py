"""The outbox (DESIGN §9): one row per side effect, written in the transaction of the change that
causes it, so a committed change never loses its effect.

A row is ``pending`` until a worker claims it (a conditional update that sets ``claim`` and
``locked_until``), runs its handler and marks it ``done``; a failed attempt schedules the next
one (``due_at``) until the kind's retry schedule runs out and the row is ``dead``. Only
``porting.outbox`` writes these fields (it is the one owner of this small machine).
"""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from porting.fields import EncryptedTextField, TypeIDField
from porting.models.orders import PortOrder


class OutboxStatus(models.TextChoices):
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class OutboxMessage(models.Model):
    """A side effect to perform after commit: what (``kind``), on what (``target_id``), and its attempts."""

    id = TypeIDField(prefix="obx")
    kind = models.CharField(max_length=40)
    queue = models.CharField(max_length=16)
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="outbox_messages", null=True,
                              blank=True)
    target_id = models.CharField(max_length=64, help_text="The id the handler loads (an order, a request, an event).")
    payload = models.JSONField(default=dict, blank=True, help_text="Non-secret parameters of the effect.")
    # A secret the effect needs once (the raw signing token of an email): encrypted, purged when done.
    secret = EncryptedTextField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    attempt_log = models.JSONField(default=list, blank=True,
                                   help_text="One entry per attempt: started, finished, error excerpt.")
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "outbox message"
        indexes = [
            models.Index(fields=["status", "due_at"], name="outbox_due"),
            models.Index(fields=["order", "id"], name="outbox_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} ({self.status})"

    @property
    def next_attempt_at(self) -> dt.datetime | None:
        """When the next attempt is due, or None once the row has ended."""
        return self.due_at if self.status == OutboxStatus.PENDING else None
