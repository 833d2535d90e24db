"""Idempotency keys (DESIGN §5): the first response to a POST, kept 24 hours per API key and key."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from porting.fields import EncryptedTextField
from porting.models.tenancy import ApiKey


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one API key: the request's fingerprint and, once answered, the answer."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    # Encrypted like the PIN: a first answer may hold a secret (a webhook secret, a draft's PIN).
    response_body = EncryptedTextField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_per_api_key")]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expiry")]

    def __str__(self) -> str:
        return f"{self.key} ({self.api_key_id})"
