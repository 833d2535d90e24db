"""The signed Letter of Authorization: rendered once per approval, sealed with the operator's key,
stored immutably, superseded when the approval is cleared (it stays, for the audit trail)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from porting.errors import NotFound
from porting.loa import certificate_for, content_sha256, render_loa_pdf
from porting.models import ApprovalRequestStatus, LoaDocument, LoaSeal, PortOrder, SealKey, SealKeySource
from porting.services.audit import SYSTEM, lock_order, record_event

if TYPE_CHECKING:
    from porting.loa.seal import SealMaterial

# porting.loa.seal (pyHanko) is imported where an LOA is sealed, not with this module: pyHanko costs
# ~32 MB per process (measured: /tmp RSS probe, `import pyhanko.sign`), and only the processes that
# render LOAs (the loa queue's workers) or check them (/verify/) need it; every web worker imports this.


def supersede_loas(order: PortOrder) -> list[str]:
    """Mark the order's current LOA superseded; returns the ids marked. The caller holds the lock."""
    current = list(LoaDocument.objects.filter(order=order, superseded_at__isnull=True).values_list("pk", flat=True))
    LoaDocument.objects.filter(pk__in=current).update(superseded_at=timezone.now())
    return current


@lru_cache(maxsize=4)
def _p12_seal(path: str, modified_ns: int, password: str | None) -> SealMaterial:
    from porting.loa.seal import seal_from_p12

    return seal_from_p12(Path(path).read_bytes(), password)


def operator_seal() -> tuple[SealMaterial, SealKey]:
    from porting.loa.seal import SealError, generate_seal_key, seal_from_pem

    """The operator's seal and its recorded certificate.

    ``PORTING_SEAL_P12`` (a PKCS#12 file, ``PORTING_SEAL_P12_PASSWORD``) when set: its certificate is
    recorded once. Otherwise the demo key: a self-signed P-256 certificate named after
    ``PORTING_OPERATOR_NAME``, generated on first use and kept, its private key encrypted at rest. Callers
    racing on that first use all get the one key that was stored: the unique constraint on
    (operator, generated) lets one insert win and ``get_or_create`` hands the others its row.
    """
    path = settings.PORTING_SEAL_P12
    if path:
        try:
            material = _p12_seal(path, Path(path).stat().st_mtime_ns, settings.PORTING_SEAL_P12_PASSWORD or None)
        except OSError as exc:
            raise SealError(f"PORTING_SEAL_P12 cannot be read: {exc.strerror}") from exc
        key, _ = SealKey.objects.get_or_create(fingerprint=material.fingerprint, defaults={
            "source": SealKeySource.P12, "subject": material.subject[:200],
            "certificate_pem": material.certificate_pem})
        return material, key
    operator = settings.PORTING_OPERATOR_NAME
    key_row = SealKey.objects.filter(source=SealKeySource.GENERATED, subject=operator).first()
    if key_row is None:
        private_key_pem, certificate_pem = generate_seal_key(operator)
        fresh = seal_from_pem(private_key_pem, certificate_pem)
        key_row, _ = SealKey.objects.get_or_create(source=SealKeySource.GENERATED, subject=operator, defaults={
            "certificate_pem": certificate_pem, "fingerprint": fresh.fingerprint, "private_key_pem": private_key_pem})
    return seal_from_pem(key_row.private_key_pem or "", key_row.certificate_pem), key_row


def port_order_current_loa(*, order: PortOrder) -> LoaDocument:
    """The signed LOA of the order's current approval, or ``not_found``."""
    loa = LoaDocument.objects.filter(order=order, superseded_at__isnull=True).order_by("-pk").first()
    if loa is None:
        raise NotFound(f"Port order {order.pk} has no signed LOA: it is generated when the order is approved.")
    return loa


def _loas_of_current_approval(order: PortOrder) -> QuerySet[LoaDocument]:
    return LoaDocument.objects.filter(order=order, superseded_at__isnull=True, created_at__gte=order.approved_at)


def port_order_has_current_loa(*, order: PortOrder) -> bool:
    """Whether the order's current approval has its signed LOA."""
    return order.approved_at is not None and _loas_of_current_approval(order).exists()


def port_order_generate_loa(*, order_id: str) -> LoaDocument | None:
    """After approval: render the signed LOA once, seal it (B-T with ``PORTING_TSA_URL``, else B-B), store it
    with its SHA-256 and what /verify/ may show of it, write ``loa.generated``.

    A timestamp authority that does not answer fails the attempt: the outbox retries it (never an unsealed LOA).
    """
    order = PortOrder.objects.prefetch_related("numbers").get(pk=order_id)
    if order.approved_at is None:
        return None
    existing = _loas_of_current_approval(order)
    found: LoaDocument | None = existing.first()
    if found is not None:
        return found
    approved_event = order.events.filter(type="port_order.approved").order_by("-pk").first()
    signed = order.approval_requests.filter(status=ApprovalRequestStatus.SIGNED,
                                            signed_at__gte=order.approved_at).order_by("-pk").first()
    material, seal_key = operator_seal()
    certificate = certificate_for(order, signed=signed, approved_event=approved_event)
    rendered = render_loa_pdf(order, certificate=certificate, seal_fingerprint=material.fingerprint)
    from porting.loa.seal import seal_pdf, timestamper_for

    timestamper = timestamper_for(settings.PORTING_TSA_URL) if settings.PORTING_TSA_URL else None
    pdf = seal_pdf(rendered, material, operator_name=settings.PORTING_OPERATOR_NAME, timestamper=timestamper)
    level = "B-T" if timestamper is not None else "B-B"
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = lock_order(order)
        if locked.approved_at != order.approved_at:
            return None  # the approval was cleared while rendering; a new approval renders its own
        rendered_meanwhile = existing.first()  # by the LOA's own row or the carrier submit, in parallel
        if rendered_meanwhile is not None:
            return rendered_meanwhile
        loa = LoaDocument.objects.create(order=order, pdf=pdf, sha256=digest, content_sha256=content_sha256(order))
        LoaSeal.objects.create(
            loa=loa, key=seal_key, level=level, operator_name=settings.PORTING_OPERATOR_NAME,
            business_name=order.business_name, signer_name=order.approval_signature, signed_at=order.approved_at,
            number_count=len(order.numbers.all()),
        )
        record_event(order, "loa.generated", SYSTEM,
                     data={"loa_id": loa.pk, "sha256": digest, "content_sha256": loa.content_sha256,
                           "seal": {"level": level, "certificate_sha256": material.fingerprint}})
    return loa
