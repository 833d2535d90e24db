"""E-signature: the emailed approval requests (a django-fsm-2 machine) and the signed LOA documents."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from porting.fields import TypeIDField
from porting.models.audit import ActorType
from porting.models.orders import PortOrder


class ApprovalRequestStatus(models.TextChoices):
    SENT = "sent"
    VIEWED = "viewed"
    SIGNED = "signed"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


OPEN_APPROVAL_STATUSES = [ApprovalRequestStatus.SENT, ApprovalRequestStatus.VIEWED]


class ApprovalRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """An emailed link asking the customer to review and sign the order. Only the token's hash is stored.

    Its status is a django-fsm-2 machine: ``sent`` → ``viewed`` (first view) → ``signed`` or
    ``declined``; an open link is ``expired`` by the periodic sweep or ``revoked`` when the order
    changes. Transitions only change fields; ``porting.services`` calls them and writes the events.
    """

    id = TypeIDField(prefix="apr")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="approval_requests")
    email = models.EmailField()
    name = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = FSMField(max_length=16, choices=ApprovalRequestStatus.choices, default=ApprovalRequestStatus.SENT,
                      protected=True)
    requested_by_type = models.CharField(max_length=16, choices=ActorType.choices)
    requested_by_id = models.CharField(max_length=100, blank=True)
    requester_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    viewed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    revoke_reason = models.CharField(max_length=200, blank=True)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer_user_agent = models.TextField(blank=True)
    consent_version = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.pk} to {self.email}"

    def status_at(self, now: dt.datetime | None = None) -> str:
        """The status a reader sees: an open link past its expiry reads ``expired`` even before the
        periodic sweep writes the ``expire`` transition (opening a link never writes it)."""
        if self.status in OPEN_APPROVAL_STATUSES and (now or timezone.now()) >= self.expires_at:
            return ApprovalRequestStatus.EXPIRED
        status: str = self.status
        return status

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.status_at(now) in OPEN_APPROVAL_STATUSES

    # --- transitions: field changes only ---------------------------------
    @transition(field=status, source=ApprovalRequestStatus.SENT, target=ApprovalRequestStatus.VIEWED)
    def view(self, *, at: dt.datetime) -> None:
        self.viewed_at = at

    @transition(field=status, source=OPEN_APPROVAL_STATUSES, target=ApprovalRequestStatus.SIGNED)
    def sign(self, *, at: dt.datetime, ip: str, user_agent: str, consent_version: str) -> None:
        self.signed_at = at
        self.signer_ip = ip
        self.signer_user_agent = user_agent
        self.consent_version = consent_version

    @transition(field=status, source=OPEN_APPROVAL_STATUSES, target=ApprovalRequestStatus.DECLINED)
    def decline(self, *, at: dt.datetime, reason: str) -> None:
        self.declined_at = at
        self.decline_reason = reason

    @transition(field=status, source=OPEN_APPROVAL_STATUSES, target=ApprovalRequestStatus.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=status, source=OPEN_APPROVAL_STATUSES, target=ApprovalRequestStatus.REVOKED)
    def revoke(self, *, at: dt.datetime, reason: str) -> None:
        self.revoked_at = at
        self.revoke_reason = reason


class LoaDocument(models.Model):
    """A signed Letter of Authorization as rendered at approval. Immutable; superseded when the
    approval is cleared (it stays, for the audit trail)."""

    id = TypeIDField(prefix="loa")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="loas")
    pdf = models.BinaryField()
    # SHA-256 of the stored (sealed) PDF; /verify/ looks a file or a pasted hash up by it.
    sha256 = models.CharField(max_length=64, db_index=True)
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of what was authorized (canonical JSON).")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "LOA document"

    def __str__(self) -> str:
        return f"LOA {self.pk} for {self.order_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("LOA documents are immutable; supersede them instead")
        super().save(*args, **kwargs)
