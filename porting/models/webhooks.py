"""Webhooks (DESIGN §10): a platform's endpoints and the log of each event's delivery to each of them."""
from __future__ import annotations

import datetime as dt
import fnmatch

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from porting.fields import EncryptedTextField, TypeIDField
from porting.models.audit import Event
from porting.models.tenancy import Account, Platform


class WebhookEndpoint(models.Model):
    """Where a platform wants its events pushed. The secret is shown once; rotation keeps the old one
    signing for 24 hours."""

    id = TypeIDField(prefix="we")
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="webhook_endpoints")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True,
                                help_text="Only this account's events (empty: every account of the platform).")
    livemode = models.BooleanField(default=False)
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=500, blank=True)
    enabled_events = models.JSONField(default=list, blank=True,
                                      help_text='Event types or globs ("port_order.*"); empty: every event.')
    secret = EncryptedTextField(editable=False)
    previous_secret = EncryptedTextField(null=True, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True,
                                         help_text="First failed delivery since the last success.")
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return f"{self.url} ({'live' if self.livemode else 'test'})"

    def subscribes_to(self, event_type: str) -> bool:
        return not self.enabled_events or any(fnmatch.fnmatchcase(event_type, p) for p in self.enabled_events)

    def signing_secrets(self) -> list[str]:
        """The current secret, and the previous one while its 24 hours of overlap last."""
        secrets = [self.secret]
        overlap_ends = self.previous_secret_expires_at
        if self.previous_secret and overlap_ends and overlap_ends > timezone.now():
            secrets.append(self.previous_secret)
        return secrets


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookDelivery(FSMModelMixin, models.Model):
    """One event sent to one endpoint: its body (fixed when the event happened), its attempts, its outcome.

    Carried out by an outbox row of the ``webhooks`` queue (``outbox_message``)."""

    id = TypeIDField(prefix="whd")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    event_id_sent = models.CharField(max_length=64, help_text="The webhook-id header: the event id.")
    event_type = models.CharField(max_length=64)
    body = models.TextField()
    status = FSMField(max_length=10, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING,
                      protected=True)
    attempts = models.JSONField(default=list, blank=True,
                                help_text="Each attempt: time, status code or error, duration, response excerpt.")
    outbox_message = models.ForeignKey("porting.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["endpoint", "status", "id"], name="delivery_endpoint_status")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id_sent} to {self.endpoint_id} ({self.status})"

    # --- transitions: field changes only ------------------------------------------------------
    @transition(field=status, source=WebhookDeliveryStatus.PENDING, target=WebhookDeliveryStatus.SUCCEEDED)
    def succeed(self, *, at: dt.datetime) -> None:
        self.finished_at = at

    @transition(field=status, source=WebhookDeliveryStatus.PENDING, target=WebhookDeliveryStatus.FAILED)
    def fail(self, *, at: dt.datetime) -> None:
        self.finished_at = at
