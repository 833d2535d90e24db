"""State changes of signing links shared by the order services and the approval-request services:
their events, and revoking the open ones when the order changes."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from porting import outbox
from porting.effects import Effect
from porting.models import OPEN_APPROVAL_STATUSES, ApprovalRequest, PortOrder
from porting.services.audit import Actor, record_event


def approval_request_event(request: ApprovalRequest, kind: str, actor: Actor, **data: Any) -> None:
    record_event(request.order, f"approval_request.{kind}", actor, data={"approval_request_id": request.pk, **data})


def approval_requests_revoke_open(order: PortOrder, actor: Actor, reason: str, keep: str | None = None) -> None:
    """Kill the order's open signing links (but ``keep``); the caller holds the order's lock."""
    now = timezone.now()
    open_requests = order.approval_requests.select_for_update().filter(status__in=OPEN_APPROVAL_STATUSES)
    revoked = []
    for request in open_requests.exclude(pk=keep or ""):
        request.revoke(at=now, reason=reason)
        request.save(update_fields=["status", "revoked_at", "revoke_reason"])
        approval_request_event(request, "revoked", actor, reason=reason)
        revoked.append(request.pk)
    if revoked:  # a link that died before its email went out is never sent
        outbox.purge_secrets(Effect.APPROVAL_REQUEST_EMAIL, target_ids=revoked)
