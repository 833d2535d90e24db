"""Tenancy: platforms (API customers), their accounts (end customers) and API keys."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField


class Platform(models.Model):
    """An API customer: owns API keys and accounts."""

    id = TypeIDField(prefix="plat")
    name = models.CharField(max_length=200)
    notification_email = models.EmailField(
        blank=True, help_text="Told when a customer declines an approval request the platform sent."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A platform's end customer; port orders belong to one account."""

    id = TypeIDField(prefix="acct")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="accounts")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class ApiKey(models.Model):
    """A platform's secret key. Only an HMAC of the key and a display prefix are stored."""

    id = TypeIDField(prefix="key")
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200, blank=True)
    livemode = models.BooleanField(default=False)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, to tell keys apart.")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({'live' if self.livemode else 'test'})"
