"""The documented JSON shapes (DESIGN §4-5), built directly from models for speed."""
from __future__ import annotations

import datetime as dt

from porting.carriers import NumberLookup
from porting.models import Event, PortOrder, PortStatus
from porting.rejections import how_to_fix


def timestamp(value: dt.datetime | None) -> str | None:
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _or_none(value: str) -> str | None:
    return value or None


def mask_account_number(value: str) -> str:
    return "•••••" + value[-4:]


def _secrets(order: PortOrder) -> tuple[str | None, str | None]:
    """PIN and account number: in full while draft, masked afterwards, gone once purged."""
    account_number, pin = order.account_number, order.pin
    if order.status == PortStatus.DRAFT:
        return account_number, pin
    return (mask_account_number(account_number) if account_number else None), ("****" if pin else None)


def port_order_json(order: PortOrder) -> dict:
    numbers = list(order.numbers.all())
    account_number, pin = _secrets(order)
    approval = None
    if order.approved_at:
        approval = {
            "signature": order.approval_signature,
            "ip": order.approval_ip,
            "timestamp": timestamp(order.approved_at),
        }
    rejection = None
    if order.status == PortStatus.EXCEPTION and order.rejection_code:
        rejection = {
            "code": order.rejection_code,
            "message": order.rejection_message,
            "how_to_fix": how_to_fix(order.rejection_code),
        }
    foc = {"date": order.foc_date.isoformat(), "time": _hhmm(order.foc_time)} if order.foc_date else None
    return {
        "id": order.pk,
        "object": "port_order",
        "status": order.status,
        "livemode": order.livemode,
        "account": order.account_id,
        "details": {
            "phone_numbers": [n.phone_number for n in numbers],
            "subscriber": {
                "btn": _or_none(order.btn),
                "business_name": _or_none(order.business_name),
                "approver_name": _or_none(order.approver_name),
                "account_number": account_number,
                "pin": pin,
                "address": {
                    "house_number": _or_none(order.address_house_number),
                    "street_name": _or_none(order.address_street_name),
                    "city": _or_none(order.address_city),
                    "state": _or_none(order.address_state),
                    "zip": _or_none(order.address_zip),
                },
            },
            "requested_foc_date": order.requested_foc_date.isoformat() if order.requested_foc_date else None,
            "requested_foc_time": _hhmm(order.requested_foc_time),
            "approval": approval,
            "rejection": rejection,
            "foc": foc,
        },
        "numbers": [
            {
                "phone_number": n.phone_number,
                "losing_carrier_name": _or_none(n.losing_carrier_name),
                "losing_carrier_spid": _or_none(n.losing_carrier_spid),
                "is_wireless": n.is_wireless,
                "number_type": n.number_type,
            }
            for n in numbers
        ],
        "submitted_at": timestamp(order.submitted_at),
        "completed_at": timestamp(order.completed_at),
        "cancelled_at": timestamp(order.cancelled_at),
        "created_at": timestamp(order.created_at),
        "updated_at": timestamp(order.updated_at),
    }


def event_json(event: Event) -> dict:
    return {
        "id": event.pk,
        "object": "event",
        "type": event.type,
        "from_status": _or_none(event.from_status),
        "to_status": _or_none(event.to_status),
        "actor": {"type": event.actor_type, "id": _or_none(event.actor_id)},
        "data": event.data,
        "created_at": timestamp(event.created_at),
    }


def portable_json(r: NumberLookup) -> dict:
    return {
        "phone_number": r.phone_number,
        "losing_carrier_name": _or_none(r.losing_carrier_name),
        "losing_carrier_spid": _or_none(r.losing_carrier_spid),
        "is_wireless": r.is_wireless,
        "account_number_required": r.account_number_required,
        "number_type": r.number_type,
    }


def non_portable_json(r: NumberLookup) -> dict:
    return {
        "phone_number": r.phone_number,
        "rate_center": _or_none(r.rate_center),
        "city": _or_none(r.city),
        "state": _or_none(r.state),
        "reason": r.reason,
    }


def approval_request_json(request) -> dict:  # noqa: ANN001 - an ApprovalRequest
    from porting.services import approval_request_effective_status

    return {
        "id": request.pk,
        "object": "approval_request",
        "email": request.email,
        "name": _or_none(request.name),
        "status": approval_request_effective_status(request),
        "expires_at": timestamp(request.expires_at),
        "created_at": timestamp(request.created_at),
        "viewed_at": timestamp(request.viewed_at),
        "signed_at": timestamp(request.signed_at),
        "declined_at": timestamp(request.declined_at),
        "decline_reason": _or_none(request.decline_reason),
    }
