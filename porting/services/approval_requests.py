"""Approval requests: the emailed signing link, from sending to signing, declining or expiry.

The link's status is the django-fsm-2 machine on ``ApprovalRequest`` (view, sign, decline,
expire, revoke); these functions are the only callers of its transitions.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from porting import outbox
from porting.effects import Effect
from porting.errors import InvalidState, ValidationFailed, field_error
from porting.models import (
    OPEN_APPROVAL_STATUSES,
    ActorType,
    ApprovalRequest,
    ApprovalRequestStatus,
    PortOrder,
    PortStatus,
)
from porting.services.audit import SYSTEM, Actor, lock_order
from porting.services.esign import approval_request_event, approval_requests_revoke_open
from porting.services.orders import port_order_approve, require_approvable
from porting.tokens import new_signing_token, token_digest

ESIGN_CONSENT_VERSION = "esign-consent-2026-11"
DECLINE_REASON_MAX = 2000


def _lock_request(request_id: str, order_id: str) -> ApprovalRequest:
    """A fresh copy of the request, row-locked with its order for the rest of the transaction.

    The order first, then the request: the order services (update, approve, cancel) lock in that order
    when they revoke open links, so a customer signing while the order is cancelled waits instead of
    deadlocking. The caller re-checks the fresh copy's state: a parallel sign or decline may have won.
    """
    PortOrder.objects.select_for_update().filter(pk=order_id).values_list("pk").first()
    locked: ApprovalRequest = ApprovalRequest.objects.select_for_update().select_related("order").get(pk=request_id)
    return locked


def approval_request_create(
    *, order: PortOrder, email: str, name: str = "", actor: Actor, requester_email: str = ""
) -> tuple[ApprovalRequest, str]:
    """Email the customer a signing link for a complete draft; earlier open links die. Returns the token once."""
    with transaction.atomic():
        order = lock_order(order)
        require_approvable(order, "sent for approval")
        approval_requests_revoke_open(order, actor, "a new approval request was sent")
        token = new_signing_token()
        request = ApprovalRequest.objects.create(
            order=order, email=email, name=name, token_hash=token_digest(token),
            requested_by_type=actor.type, requested_by_id=actor.id, requester_email=requester_email,
            expires_at=timezone.now() + dt.timedelta(seconds=settings.PORTING_SIGNING_LINK_TTL),
        )
        approval_request_event(request, "sent", actor, email=email, expires_at=request.expires_at.isoformat())
        # The raw token rides only on its outbox row, encrypted, until the email is sent.
        outbox.put(Effect.APPROVAL_REQUEST_EMAIL, target_id=request.pk, order=order, secret=token)
    return request, token


def approval_requests_expire_due() -> int:
    """Expire open requests past their expiry, each with its event; returns how many."""
    due = ApprovalRequest.objects.filter(status__in=OPEN_APPROVAL_STATUSES, expires_at__lte=timezone.now())
    count = 0
    for request_id, order_id in due.values_list("pk", "order_id"):
        with transaction.atomic():
            request = _lock_request(request_id, order_id)
            if not can_proceed(request.expire):
                continue  # signed, declined or revoked meanwhile
            request.expire()
            request.save(update_fields=["status"])
            approval_request_event(request, "expired", SYSTEM)
            outbox.purge_secrets(Effect.APPROVAL_REQUEST_EMAIL, target_ids=[request.pk])
            count += 1
    return count


def approval_request_viewed(*, request: ApprovalRequest, ip: str | None, user_agent: str) -> None:
    """Record the first view (GET changes nothing else: mail scanners follow links)."""
    if request.viewed_at is not None or not can_proceed(request.view):
        return
    with transaction.atomic():
        request = _lock_request(request.pk, request.order_id)
        if request.viewed_at is not None or not can_proceed(request.view):
            return
        request.view(at=timezone.now())
        request.save(update_fields=["status", "viewed_at"])
        approval_request_event(request, "viewed", Actor(ActorType.CUSTOMER, request.email), ip=ip,
                               user_agent=user_agent)


def approval_request_sign(
    *, request: ApprovalRequest, signature: str, consent: bool, ip: str, user_agent: str
) -> PortOrder:
    """The customer signs on the page: ESIGN consent, the approver's name, then the same approve service."""
    if not consent:
        raise ValidationFailed("Consent to sign electronically is required.", code="consent_required",
                               errors=[field_error("/consent", "Tick the box to consent to sign electronically.")])
    actor = Actor(ActorType.CUSTOMER, request.email)
    with transaction.atomic():
        request = _lock_request(request.pk, request.order_id)
        if not request.is_open():
            raise InvalidState("This signing link can no longer be used.")
        order = port_order_approve(order=request.order, signature=signature, ip=ip, user_agent=user_agent,
                                   actor=actor, approval_request=request)
        request.sign(at=timezone.now(), ip=ip, user_agent=user_agent, consent_version=ESIGN_CONSENT_VERSION)
        request.save(update_fields=["status", "signed_at", "signer_ip", "signer_user_agent", "consent_version"])
        approval_request_event(request, "signed", actor, ip=ip, user_agent=user_agent,
                               consent_version=ESIGN_CONSENT_VERSION)
    return order


def approval_request_decline(*, request: ApprovalRequest, reason: str, ip: str | None, user_agent: str) -> None:
    """The customer says "this isn't right": the order stays a draft and the requester is told."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Tell us what is not right.", errors=[field_error("/reason", "This field is required.")])
    reason = reason[:DECLINE_REASON_MAX]
    with transaction.atomic():
        request = _lock_request(request.pk, request.order_id)
        if not request.is_open():
            raise InvalidState("This signing link can no longer be used.")
        request.decline(at=timezone.now(), reason=reason)
        request.save(update_fields=["status", "declined_at", "decline_reason"])
        # The event's outbox row emails the requester and the platform (porting.notifications).
        approval_request_event(request, "declined", Actor(ActorType.CUSTOMER, request.email), reason=reason,
                               ip=ip, user_agent=user_agent)


def approval_request_signed_copy_available(*, request: ApprovalRequest, now: dt.datetime | None = None) -> bool:
    """Whether a signed link still shows its receipt and serves the signed LOA without a login.

    For ``PORTING_SIGNED_LOA_LINK_TTL`` seconds after signing (a link in an email is read by whoever
    gets the mailbox later), and only while the order is not cancelled and its approval is still the one
    this link signed: an update that clears it, or a later approval by other means, ends it too.
    """
    if request.status != ApprovalRequestStatus.SIGNED or request.signed_at is None:
        return False
    if (now or timezone.now()) >= request.signed_at + dt.timedelta(seconds=settings.PORTING_SIGNED_LOA_LINK_TTL):
        return False
    order = request.order
    # approve() stamps approved_at just before sign() stamps signed_at, in one transaction.
    return order.status != PortStatus.CANCELLED and order.approved_at is not None \
        and order.approved_at <= request.signed_at
