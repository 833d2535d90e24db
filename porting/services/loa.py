"""The signed Letter of Authorization: rendered once per approval, stored immutably, superseded
when the approval is cleared (it stays, for the audit trail)."""
from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from porting.errors import NotFound
from porting.loa import certificate_for, content_sha256, render_loa_pdf
from porting.models import ApprovalRequestStatus, LoaDocument, PortOrder
from porting.services.audit import SYSTEM, lock_order, record_event


def supersede_loas(order: PortOrder) -> list[str]:
    """Mark the order's current LOA superseded; returns the ids marked. The caller holds the lock."""
    current = list(LoaDocument.objects.filter(order=order, superseded_at__isnull=True).values_list("pk", flat=True))
    LoaDocument.objects.filter(pk__in=current).update(superseded_at=timezone.now())
    return current


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
    """After approval: render the signed LOA once, store it with its SHA-256, write ``loa.generated``."""
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
    pdf = render_loa_pdf(order, certificate=certificate_for(order, signed=signed, approved_event=approved_event))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = lock_order(order)
        if locked.approved_at != order.approved_at:
            return None  # the approval was cleared while rendering; a new approval renders its own
        rendered_meanwhile = existing.first()  # by the LOA's own row or the carrier submit, in parallel
        if rendered_meanwhile is not None:
            return rendered_meanwhile
        loa = LoaDocument.objects.create(order=order, pdf=pdf, sha256=digest, content_sha256=content_sha256(order))
        record_event(order, "loa.generated", SYSTEM,
                     data={"loa_id": loa.pk, "sha256": digest, "content_sha256": loa.content_sha256})
    return loa
