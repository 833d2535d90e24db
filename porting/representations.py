"""The documented JSON shapes (DESIGN §4-5), built directly from models for speed."""
from __future__ import annotations

import datetime as dt
from typing import Any

from porting.carriers import NumberLookup
from porting.documents import order_requirements
from porting.fields import UNREADABLE_TEXT, is_unreadable
from porting.formatting import PIN_MASK, hhmm, iso_date, mask_account_number, or_none, utc_timestamp
from porting.models import (
    ApprovalRequest,
    Comment,
    Document,
    Event,
    PortOrder,
    PortStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from porting.rejections import how_to_fix


def _secrets(order: PortOrder) -> tuple[str | None, str | None]:
    """PIN and account number: in full while draft, masked afterwards, gone once purged; "unreadable"
    when no FIELD_ENCRYPTION_KEYS key decrypts them (the word itself, never a mask of it)."""
    account_number, pin = order.account_number, order.pin
    if order.status != PortStatus.DRAFT:
        account_number = mask_account_number(account_number) if account_number else None
        pin = PIN_MASK if pin else None
    return (UNREADABLE_TEXT if is_unreadable(order.account_number) else account_number,
            UNREADABLE_TEXT if is_unreadable(order.pin) else pin)


def port_order_json(order: PortOrder) -> dict[str, Any]:
    numbers = list(order.numbers.all())
    account_number, pin = _secrets(order)
    approval = None
    if order.approved_at:
        approval = {
            "signature": order.approval_signature,
            "ip": order.approval_ip,
            "timestamp": utc_timestamp(order.approved_at),
        }
    rejection = None
    if order.status == PortStatus.EXCEPTION and order.rejection_code:
        rejection = {
            "code": order.rejection_code,
            "message": order.rejection_message,
            "how_to_fix": how_to_fix(order.rejection_code),
        }
    foc = {"date": order.foc_date.isoformat(), "time": hhmm(order.foc_time)} if order.foc_date else None
    return {
        "id": order.pk,
        "object": "port_order",
        "status": order.status,
        "livemode": order.livemode,
        "account": order.account_id,
        "details": {
            "phone_numbers": [n.phone_number for n in numbers],
            "subscriber": {
                "btn": or_none(order.btn),
                "business_name": or_none(order.business_name),
                "approver_name": or_none(order.approver_name),
                "account_number": account_number,
                "pin": pin,
                "address": {
                    "house_number": or_none(order.address_house_number),
                    "street_name": or_none(order.address_street_name),
                    "city": or_none(order.address_city),
                    "state": or_none(order.address_state),
                    "zip": or_none(order.address_zip),
                },
            },
            "requested_foc_date": iso_date(order.requested_foc_date),
            "requested_foc_time": hhmm(order.requested_foc_time),
            "losing_carrier_name": or_none(order.losing_carrier_hint),
            "approval": approval,
            "rejection": rejection,
            "foc": foc,
        },
        "numbers": [
            {
                "phone_number": n.phone_number,
                "losing_carrier_name": or_none(n.losing_carrier_name),
                "losing_carrier_spid": or_none(n.losing_carrier_spid),
                "is_wireless": n.is_wireless,
                "number_type": n.number_type,
            }
            for n in numbers
        ],
        # The supporting documents its carrier needs before submit (porting.documents); [] when none.
        "requirements": [{"type": r.type, "status": r.status} for r in order_requirements(order)],
        "action_required": order.action_required,
        "customer_reference": or_none(order.customer_reference),
        "description": or_none(order.description),
        "submitted_at": utc_timestamp(order.submitted_at),
        "completed_at": utc_timestamp(order.completed_at),
        "cancelled_at": utc_timestamp(order.cancelled_at),
        "created_at": utc_timestamp(order.created_at),
        "updated_at": utc_timestamp(order.updated_at),
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "object": "event",
        "type": event.type,
        "from_status": or_none(event.from_status),
        "to_status": or_none(event.to_status),
        "actor": {"type": event.actor_type, "id": or_none(event.actor_id)},
        "data": event.data,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "created_at": utc_timestamp(event.created_at),
    }


def feed_event_json(event: Event) -> dict[str, Any]:
    """An event of the platform-wide feed: the same object, with its order and account."""
    return {**event_json(event), "order_id": event.order_id, "account_id": event.order.account_id}


def portable_json(r: NumberLookup) -> dict[str, Any]:
    return {
        "phone_number": r.phone_number,
        "losing_carrier_name": or_none(r.losing_carrier_name),
        "losing_carrier_spid": or_none(r.losing_carrier_spid),
        "is_wireless": r.is_wireless,
        "account_number_required": r.account_number_required,
        "number_type": r.number_type,
        # The manual carrier (live keys) has no number database: the porting desk confirms the carrier.
        "losing_carrier_to_be_confirmed": not r.losing_carrier_spid,
    }


def non_portable_json(r: NumberLookup) -> dict[str, Any]:
    return {
        "phone_number": r.phone_number,
        "rate_center": or_none(r.rate_center),
        "city": or_none(r.city),
        "state": or_none(r.state),
        "reason": r.reason,
    }


def approval_request_json(request: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "object": "approval_request",
        "email": request.email,
        "name": or_none(request.name),
        "status": request.status_at(),
        "expires_at": utc_timestamp(request.expires_at),
        "created_at": utc_timestamp(request.created_at),
        "viewed_at": utc_timestamp(request.viewed_at),
        "signed_at": utc_timestamp(request.signed_at),
        "declined_at": utc_timestamp(request.declined_at),
        "decline_reason": or_none(request.decline_reason),
    }


def webhook_endpoint_json(endpoint: WebhookEndpoint, *, secret: str | None = None) -> dict[str, Any]:
    """An endpoint; ``secret`` only in the answer that creates or rotates it (shown once)."""
    data: dict[str, Any] = {
        "id": endpoint.pk,
        "object": "webhook_endpoint",
        "url": endpoint.url,
        "description": or_none(endpoint.description),
        "enabled_events": endpoint.enabled_events or ["*"],
        "account": endpoint.account_id,
        "livemode": endpoint.livemode,
        "disabled": endpoint.disabled_at is not None,
        "disabled_reason": or_none(endpoint.disabled_reason),
        "created_at": utc_timestamp(endpoint.created_at),
        "updated_at": utc_timestamp(endpoint.updated_at),
    }
    if secret is not None:
        data["secret"] = secret
    return data


def webhook_delivery_json(delivery: WebhookDelivery, next_attempt_at: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "object": "webhook_delivery",
        "endpoint": delivery.endpoint_id,
        "event": delivery.event_id_sent,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": utc_timestamp(next_attempt_at) if delivery.status == "pending" else None,
        "created_at": utc_timestamp(delivery.created_at),
        "finished_at": utc_timestamp(delivery.finished_at),
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "object": "comment",
        "body": comment.body,
        "author": {"type": comment.author_type, "name": comment.author_name},
        "action_required": comment.action_required,
        "created_at": utc_timestamp(comment.created_at),
    }


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "object": "document",
        "type": document.type,
        "filename": document.filename,
        "description": or_none(document.description),
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "created_at": utc_timestamp(document.created_at),
    }
