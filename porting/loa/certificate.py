"""The signing record printed on the LOA's last page, built from the order and how it was approved."""
from __future__ import annotations

from dataclasses import dataclass

from porting.formatting import utc_timestamp
from porting.models import ApprovalRequest, Event, PortOrder


@dataclass(frozen=True)
class Certificate:
    """The signing record printed on the final page."""

    signer_name: str
    signer_email: str | None
    ip: str | None
    user_agent: str | None
    consent_version: str | None
    method: str
    sent_at: str | None
    viewed_at: str | None
    signed_at: str | None


def certificate_for(order: PortOrder, *, signed: ApprovalRequest | None, approved_event: Event | None) -> Certificate:
    """The record of the order's current approval: by the signing page (``signed``) or by the API."""
    if signed is not None:
        return Certificate(
            signer_name=order.approval_signature, signer_email=signed.email, ip=order.approval_ip,
            user_agent=order.approval_user_agent or None, consent_version=signed.consent_version,
            method=f"Signed on the Portico signing page (link {signed.pk})",
            sent_at=utc_timestamp(signed.created_at), viewed_at=utc_timestamp(signed.viewed_at),
            signed_at=utc_timestamp(order.approved_at),
        )
    if approved_event is not None:
        method = f"API approval recorded by {approved_event.actor_type} {approved_event.actor_id}".strip()
    else:
        method = "API approval"
    return Certificate(
        signer_name=order.approval_signature, signer_email=None, ip=order.approval_ip,
        user_agent=order.approval_user_agent or None, consent_version=None, method=method,
        sent_at=None, viewed_at=None, signed_at=utc_timestamp(order.approved_at),
    )
