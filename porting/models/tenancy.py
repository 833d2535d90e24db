"""Tenancy: platforms (API customers), their accounts (end customers) and API keys."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField


def split_addresses(value: str) -> list[str]:
    """The addresses in a comma- or newline-separated list, in order, without blanks or repeats."""
    seen: dict[str, None] = {}
    for part in value.replace("\n", ",").split(","):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def validate_addresses(value: str) -> None:
    for address in split_addresses(value):
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(f"{address!r} is not an email address.")


class Platform(models.Model):
    """An API customer: owns API keys and accounts."""

    id = TypeIDField(prefix="plat")
    name = models.CharField(max_length=200)
    notification_emails = models.TextField(
        blank=True, validators=[validate_addresses],
        help_text="Email addresses told of every status change of the platform's orders (FOC, rejection, "
                  "completion, cancellation, a declined approval request): one per line or comma-separated.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def notification_addresses(self) -> list[str]:
        return split_addresses(self.notification_emails)


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
