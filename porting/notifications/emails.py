"""Emails: the signing link, and the status emails (FOC, rejection, completion, cancellation, a
declined approval request). Each function loads by id and sends one message; the outbox calls it
and retries it. Links come from SITE_URL; addresses are built with ``formataddr`` so a name with a
comma, quotes, non-ASCII letters or a line break is sent intact and never adds a header."""
from __future__ import annotations

import dataclasses
from email.mime.image import MIMEImage
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from porting.branding import Branding, branding_for
from porting.formatting import iso_date
from porting.models import ApprovalRequest, ApprovalRequestStatus, Event, PortOrder, WebhookEndpoint
from porting.rejections import REJECTION_CATALOGUE

FIRST_NUMBERS = 10
LOGO_CID = "platform-logo@portico"


class _EmailWithInlineLogo(EmailMultiAlternatives):
    """multipart/related rather than multipart/mixed: the HTML and the logo image it shows by Content-ID."""

    mixed_subtype = "related"


def signing_url(token: str) -> str:
    return f"{settings.SITE_URL}/sign/{token}/"


def address(name: str, email: str) -> str:
    """``Name <email>`` safe for a header: white space (line breaks included) folded to single spaces,
    the name quoted or encoded as needed, and an international domain (``jane@bücher.example``, which
    the API accepts) written in its ASCII form, which ``formataddr`` requires (the local part is ASCII:
    the API's validator allows nothing else)."""
    local, _, domain = email.rpartition("@")
    return formataddr((" ".join(name.split()), f"{local}@{domain.encode('idna').decode('ascii')}"))


def _send(subject: str, template: str, context: dict[str, Any], to: list[str],
          branding: Branding | None = None) -> None:
    """Send the text and HTML bodies of ``template``. A branded email carries "<operator>, on behalf of
    <platform>"; a PNG logo rides along as an inline part the HTML shows by its Content-ID (no URL to fetch,
    nothing for a mail program to block). An SVG logo is left out: most mail programs do not show SVG."""
    logo = branding.logo if branding is not None and branding.logo is not None and branding.logo.is_png else None
    context = {**context, "branding": branding, "logo_src": f"cid:{LOGO_CID}" if logo is not None else None}
    message = (EmailMultiAlternatives if logo is None else _EmailWithInlineLogo)(
        subject=" ".join(subject.split()), body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    if logo is not None:
        image = MIMEImage(logo.content, "png")
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename="logo.png")
        message.attach(image)
    message.send()


def approval_request_email(*, request_id: str, token: str) -> None:
    """The signing link. A link that died before the email could go out is not sent."""
    request = ApprovalRequest.objects.select_related("order__account__platform").prefetch_related(
        "order__numbers").get(pk=request_id)
    if not request.is_open():
        return
    context = {"request": request, "order": request.order, "numbers": list(request.order.numbers.all()),
               "url": signing_url(token), "operator": settings.PORTING_OPERATOR_NAME}
    _send(f"Please approve moving your phone numbers to {settings.PORTING_OPERATOR_NAME}", "approval_request",
          context, [address(request.name, request.email)], branding_for(request.order.account.platform))


# --- status emails ---------------------------------------------------------------------------
STATUS_KINDS = {
    "port_order.foc": "foc",
    "port_order.exception": "exception",
    "port_order.completed": "complete",
    "port_order.cancelled": "cancelled",
    "approval_request.declined": "declined",
}
# The customer who signed hears of the port date and of the completion (the signing page promises it).
CUSTOMER_KINDS = {"foc", "complete"}


def _kind(event_type: str, data: dict[str, Any]) -> str | None:
    if event_type == "comment.created":  # the desk's public comments reach the platform; notes stay inside
        author = data.get("author") or {}
        return "comment" if data.get("public") and author.get("type") == "staff" else None
    return STATUS_KINDS.get(event_type)


def status_email_audiences(event_type: str, data: dict[str, Any]) -> list[str]:
    """Who is emailed for an event: ``platform`` (its notification addresses) and ``customer``."""
    kind = _kind(event_type, data)
    if kind is None:
        return []
    return ["platform", "customer"] if kind in CUSTOMER_KINDS else ["platform"]


def _signer(order: PortOrder) -> ApprovalRequest | None:
    return order.approval_requests.filter(status=ApprovalRequestStatus.SIGNED).order_by("-signed_at").first()


def _recipients(order: PortOrder, audience: str, request: ApprovalRequest | None) -> list[str]:
    if audience == "customer":
        signer = _signer(order)
        return [address(signer.name, signer.email)] if signer else []
    addresses = [*([request.requester_email] if request and request.requester_email else []),
                 *order.account.platform.notification_addresses]
    return list(dict.fromkeys(addresses))


def _status_context(event: Event, kind: str, request: ApprovalRequest | None) -> dict[str, Any]:
    order = event.order
    numbers = [n.phone_number for n in order.numbers.all()]
    operator = settings.PORTING_OPERATOR_NAME
    business = order.business_name or "the customer"
    data = event.data
    context: dict[str, Any] = {
        "kind": kind, "order": order, "operator": operator, "count": len(numbers),
        "first_numbers": numbers[:FIRST_NUMBERS], "more": max(0, len(numbers) - FIRST_NUMBERS), "request": request,
    }
    if kind == "foc":
        context.update(foc_date=data.get("date") or iso_date(order.foc_date), foc_time=data.get("time"),
                       headline=f"the port is scheduled for {data.get('date')}",
                       next_step=f"Nothing to do. Keep {business}'s service with the losing carrier active until the "
                                 "port date: the numbers move at the time above.")
    elif kind == "exception":
        code = data.get("code", "other")
        rejection = REJECTION_CATALOGUE.get(code)
        context.update(rejection_code=code, rejection_message=data.get("message", ""),
                       headline="the losing carrier rejected it",
                       next_step=(rejection.how_to_fix + " " if rejection else "")
                       + "Then update the order, have the customer approve it again, and submit it.")
    elif kind == "complete":
        context.update(headline=f"the numbers are now with {operator}",
                       next_step="Test calls to and from the numbers. Cancel any remaining service with the losing "
                                 "carrier yourself: a port does not cancel other services on that account.")
    elif kind == "cancelled":
        context.update(reason=data.get("reason", ""), headline="the order was cancelled",
                       next_step="Nothing will be ported. To port these numbers later, create a new port order.")
    elif kind == "comment":
        action = bool(data.get("action_required"))
        context.update(comment=data.get("body", ""), author=(data.get("author") or {}).get("name", ""),
                       headline="the porting desk asks you for something" if action
                       else "a comment from the porting desk",
                       next_step="Answer with a comment (POST /v1/port-orders/{id}/comments) or update the order."
                       .replace("{id}", order.pk) if action else "Nothing, unless the comment asks for it.")
    else:  # declined
        context.update(headline="the customer declined to sign",
                       next_step="The order is still a draft. Update it and send a new approval request.")
    return context


def status_email(*, event_id: str, audience: str) -> None:
    """One status email for an event of the order, to the platform's addresses or to the customer who signed.

    Nobody to tell (no address on file, nobody signed) is not an error: nothing is sent.
    """
    event = Event.objects.select_related("order__account__platform").get(pk=event_id)
    kind = _kind(event.type, event.data)
    if kind is None:
        return
    request_id = event.data.get("approval_request_id")
    request = ApprovalRequest.objects.filter(pk=request_id).first() if request_id else None
    to = _recipients(event.order, audience, request)
    if not to:
        return
    context = _status_context(event, kind, request)
    order = event.order
    subject = f"Port order {order.pk}: {context['headline']}"
    if order.business_name:
        subject = f"{order.business_name}: {context['headline']} ({order.pk})"
    branding = branding_for(order.account.platform)
    if audience != "customer":  # the platform is not told to ask itself: its support contacts are for customers
        branding = dataclasses.replace(branding, support_email="", support_phone="", support_url="")
    _send(subject, "status", context, to, branding)


def webhook_disabled_email(*, endpoint_id: str) -> None:
    """Tell the platform that one of its webhook endpoints was disabled (410, or 5 days of failures)."""
    endpoint = WebhookEndpoint.objects.select_related("platform").get(pk=endpoint_id)
    to = endpoint.platform.notification_addresses
    if not to:
        return
    context = {"endpoint": endpoint, "operator": settings.PORTING_OPERATOR_NAME}
    _send(f"Webhook endpoint disabled: {endpoint.url}", "webhook_disabled", context, to)


__all__ = ["approval_request_email", "webhook_disabled_email", "signing_url", "status_email", "status_email_audiences"]
