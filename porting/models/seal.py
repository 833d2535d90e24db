"""The LOA seal (DESIGN §11): every certificate the operator's seal has used, and how each stored LOA was sealed."""
from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from porting.fields import EncryptedTextField, TypeIDField
from porting.models.esign import LoaDocument


class SealKeySource(models.TextChoices):
    # The demo key: a self-signed P-256 certificate made here on first use, its private key encrypted at rest.
    GENERATED = "generated", "Generated here (demo)"
    # PORTING_SEAL_P12: the key stays in the operator's file; only its certificate is recorded here.
    P12 = "p12", "The operator's PKCS#12 file"


class SealKey(models.Model):
    """A certificate that has sealed LOAs here. /verify/ calls a seal "ours" when its certificate is one of these.

    One generated key per operator name, whatever the number of processes asking for it at once (the
    partial unique constraint); a configured P12 is recorded once per certificate (its fingerprint).
    """

    id = TypeIDField(prefix="sealkey")
    source = models.CharField(max_length=16, choices=SealKeySource.choices)
    subject = models.CharField(max_length=200, help_text="The operator name (generated) or the certificate's subject.")
    certificate_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the DER certificate.")
    private_key_pem = EncryptedTextField(null=True, blank=True, help_text="Generated keys only.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject"], condition=models.Q(source="generated"),
                                    name="seal_key_one_generated_per_operator"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.source}, {self.fingerprint[:16]}…)"


class LoaSeal(models.Model):
    """How one stored LOA was sealed, and what /verify/ may say about it (no PIN, account number, IP or email).

    The facts are the LOA's as sealed: a superseded LOA still verifies as what it said. Immutable.
    """

    loa = models.OneToOneField(LoaDocument, on_delete=models.CASCADE, primary_key=True, related_name="seal")
    key = models.ForeignKey(SealKey, on_delete=models.PROTECT, related_name="seals")
    level = models.CharField(max_length=8, help_text="PAdES baseline level: B-T (timestamped) or B-B.")
    operator_name = models.CharField(max_length=200)
    business_name = models.CharField(max_length=255)
    signer_name = models.CharField(max_length=100)
    signed_at = models.DateTimeField()
    number_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "LOA seal"

    def __str__(self) -> str:
        return f"Seal of {self.loa_id} ({self.level})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("LOA seals are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("LOA seals are never deleted")
