"""Emails: the signing link (HTML and plain text) and the decline notice. Links come from SITE_URL."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from porting.models import ApprovalRequest


def signing_url(token: str) -> str:
    return f"{settings.SITE_URL}/sign/{token}/"


def approval_request_email(*, request_id: str, token: str) -> None:
    request = ApprovalRequest.objects.select_related("order").prefetch_related("order__numbers").get(pk=request_id)
    context = {"request": request, "order": request.order, "numbers": list(request.order.numbers.all()),
               "url": signing_url(token), "operator": settings.PORTING_OPERATOR_NAME}
    message = EmailMultiAlternatives(
        subject=f"Please approve moving your phone numbers to {settings.PORTING_OPERATOR_NAME}",
        body=render_to_string("emails/approval_request.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{request.name} <{request.email}>" if request.name else request.email],
    )
    message.attach_alternative(render_to_string("emails/approval_request.html", context), "text/html")
    message.send()


def approval_declined_email(*, request_id: str) -> None:
    request = ApprovalRequest.objects.select_related("order", "order__account__platform").get(pk=request_id)
    to = request.requester_email or request.order.account.platform.notification_email
    if not to:
        return  # the decline is in the order's events; nobody asked to be emailed
    context = {"request": request, "order": request.order}
    EmailMultiAlternatives(
        subject=f"Port order {request.order.pk}: the customer declined to sign",
        body=render_to_string("emails/approval_declined.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    ).send()
