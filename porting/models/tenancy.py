"""Tenancy: platforms (API customers), their accounts (end customers) and API keys."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
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
    # Branding (porting.branding): with a display name, the LOA, the signing pages and the emails read
    # "<operator>, on behalf of <display name>", with the logo (PlatformLogo) and these support contacts.
    display_name = models.CharField(
        max_length=100, blank=True,
        help_text="The name the platform's customers know it by. Set, the LOA, the signing page and the emails "
                  "read \"[operator], on behalf of [display name]\", with the logo and the support contacts below. "
                  "Blank: the operator's name alone, as before.",
    )
    support_email = models.EmailField(blank=True, help_text="Where the platform's customers ask for help.")
    support_phone = models.CharField(max_length=32, blank=True, help_text="A support telephone number.")
    support_url = models.URLField(blank=True, max_length=300, validators=[URLValidator(schemes=["https"])],
                                  help_text="A support page (https).")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def notification_addresses(self) -> list[str]:
        return split_addresses(self.notification_emails)


class LogoType(models.TextChoices):
    PNG = "image/png", "PNG"
    SVG = "image/svg+xml", "SVG"


class PlatformLogo(models.Model):
    """A platform's logo, already checked and cleaned (``porting.branding.clean_logo``: a re-encoded PNG, or an
    SVG rebuilt from an allow-list). Its own table, not a column of Platform: the desk's queue, webhook
    deliveries and API keys join the platform on every row and must not haul up to 200 KB each. Kept in the
    database rather than in file storage so that the LOA worker reads it with the order, no storage or HTTP."""

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, primary_key=True, related_name="logo")
    content = models.BinaryField()
    content_type = models.CharField(max_length=20, choices=LogoType.choices)
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_content_type_display()} logo of {self.platform_id}"


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
