"""The signing record printed on the LOA's last page, built from the order and how it was approved."""
from __future__ import annotations

from dataclasses import dataclass

from porting.formatting import utc_timestamp
from porting.models import ActorType, ApprovalRequest, Event, PortOrder


@dataclass(frozen=True)
class Certificate:
    """The signing record printed on the final page. Never the PIN or the account number; the signer's
    email only masked (``j•••@smith.example``)."""

    signer_name: str
    method: str  # how the signer was reached and verified, in one sentence
    ip: str | None
    user_agent: str | None
    consent_version: str | None
    sent_at: str | None
    viewed_at: str | None
    signed_at: str | None
    chain_head: str | None = None  # the audit chain's head at signing: the hash of the approval's event


def mask_email(email: str) -> str:
    """``jane@smith.example`` → ``j•••@smith.example``: enough to recognise, not to write to."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def certificate_for(order: PortOrder, *, signed: ApprovalRequest | None, approved_event: Event | None) -> Certificate:
    """The record of the order's current approval: by the signing page (``signed``) or by the API."""
    chain_head = (approved_event.hash or None) if approved_event is not None else None
    if signed is not None:
        method = (f"Emailed signing link to {mask_email(signed.email)}, opened from IP {order.approval_ip}; "
                  "the signer accepted the electronic-signature consent and typed the approver's name")
        return Certificate(
            signer_name=order.approval_signature, method=method, ip=order.approval_ip,
            user_agent=order.approval_user_agent or None, consent_version=signed.consent_version,
            sent_at=utc_timestamp(signed.created_at), viewed_at=utc_timestamp(signed.viewed_at),
            signed_at=utc_timestamp(order.approved_at), chain_head=chain_head,
        )
    if approved_event is not None and approved_event.actor_type == ActorType.API_KEY:
        method = (f"API key {approved_event.actor_id} on behalf of the customer, who typed the approver's name; "
                  f"the customer's IP {order.approval_ip} as reported by the integrator")
    elif approved_event is not None:
        method = f"Approval recorded by {approved_event.actor_type} {approved_event.actor_id}".strip()
    else:
        method = "API approval"
    return Certificate(
        signer_name=order.approval_signature, method=method, ip=order.approval_ip,
        user_agent=order.approval_user_agent or None, consent_version=None,
        sent_at=None, viewed_at=None, signed_at=utc_timestamp(order.approved_at), chain_head=chain_head,
    )
