"""The customer's signing pages (/sign/<token>/). GET only shows (and records the first view);
POST acts. Plain function views, CSRF-protected, rate-limited per token.

Every view starts with ``open_link(token)``: the link's approval request if it is usable for
that page, else ``DeadLink``, which ``@signing_page`` renders as the 410 page.
"""
from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from ipware import get_client_ip

from porting import selectors, services
from porting.errors import PortingError
from porting.loa import authorization_statement, losing_carriers, render_loa_pdf
from porting.models import ApprovalRequest, ApprovalRequestStatus
from porting.responses import pdf_response
from porting.signing.forms import DeclineForm, SignForm
from porting.tokens import token_digest

SIGN_ATTEMPTS = 10  # POSTs per token per window
SIGN_WINDOW_SECONDS = 600
DEAD_REASONS: dict[str | None, str] = {
    None: "This signing link is not valid. Check that you copied the whole address from the email.",
    ApprovalRequestStatus.EXPIRED: "This signing link has expired. Ask for a new one.",
    ApprovalRequestStatus.SIGNED: "This order has already been signed with this link.",
    ApprovalRequestStatus.DECLINED: "You told us something was not right, so this link was closed.",
    ApprovalRequestStatus.REVOKED: "This link was replaced or closed because the order changed or was cancelled."
    " If you still need to sign, ask for a new link.",
}


class DeadLink(Exception):
    """The link cannot be used for this page: unknown, or its request is not in the state the page needs."""

    def __init__(self, approval: ApprovalRequest | None) -> None:
        super().__init__("dead signing link")
        self.approval = approval


def open_link(token: str, *, signed: bool = False) -> ApprovalRequest:
    """The approval request behind ``token`` if it is open (or, with ``signed``, signed); else ``DeadLink``."""
    approval = selectors.approval_request_by_token(token)
    if approval is None:
        raise DeadLink(None)
    usable = approval.status == ApprovalRequestStatus.SIGNED if signed else approval.is_open()
    if not usable:
        raise DeadLink(approval)
    return approval


View = Callable[[HttpRequest, str], HttpResponse]


def signing_page(view: View) -> View:
    """Render the 410 page when the view's ``open_link`` finds the link dead."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        try:
            return view(request, token)
        except DeadLink as dead:
            status = dead.approval.status_at() if dead.approval else None
            return render(request, "porting/sign_dead.html",
                          {"reason": DEAD_REASONS.get(status, DEAD_REASONS[None]),
                           "operator": settings.PORTING_OPERATOR_NAME}, status=410)

    return wrapped


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP. With no trusted proxy, REMOTE_ADDR (django-ipware); X-Forwarded-For is ignored.

    Behind PORTING_TRUSTED_PROXY_COUNT = N proxies, each proxy appends the address it saw, so the
    client is the N-th entry from the right; anything left of it came from the client and may be
    forged. (django-ipware's own proxy_count counts hops differently, so the pick is done here.)
    """
    count = settings.PORTING_TRUSTED_PROXY_COUNT
    direct, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    if not count:
        return direct
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return direct
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return direct


def _user_agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:1000]


def _rate_limited(token: str) -> bool:
    key = "sign-attempts:" + token_digest(token)
    cache.add(key, 0, SIGN_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:
        cache.set(key, 1, SIGN_WINDOW_SECONDS)
        attempts = 1
    return attempts > SIGN_ATTEMPTS


def _too_many(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "porting/sign_dead.html", {"reason": reason}, status=429)


def _page(request: HttpRequest, approval: ApprovalRequest, token: str, sign_form: SignForm,
          decline_form: DeclineForm, status: int = 200) -> HttpResponse:
    order = approval.order
    context = {
        "approval": approval, "order": order, "numbers": list(order.numbers.all()), "token": token,
        "operator": settings.PORTING_OPERATOR_NAME, "losing_carrier": losing_carriers(order),
        "statement": authorization_statement(order),
        "consent_version": services.ESIGN_CONSENT_VERSION, "form": sign_form, "decline_form": decline_form,
    }
    response = render(request, "porting/sign.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the URL: never send it to other sites (same-origin keeps the Origin header for CSRF).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
@signing_page
def sign(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token)
    if request.method == "GET":
        services.approval_request_viewed(request=approval, ip=client_ip(request), user_agent=_user_agent(request))
        return _page(request, approval, token, SignForm(approver_name=approval.order.approver_name), DeclineForm())
    if _rate_limited(token):
        return _too_many(request, "Too many attempts. Wait ten minutes and try again.")
    form = SignForm(request.POST, approver_name=approval.order.approver_name)
    if not form.is_valid():
        return _page(request, approval, token, form, DeclineForm(), status=400)
    ip = client_ip(request) or request.META["REMOTE_ADDR"]
    try:
        services.approval_request_sign(request=approval, signature=form.cleaned_data["signature"],
                                       consent=form.cleaned_data["consent"], ip=ip, user_agent=_user_agent(request))
    except PortingError as exc:
        form.add_error(None, exc.detail)
        return _page(request, approval, token, form, DeclineForm(), status=400)
    return redirect("porting:sign-done", token=token)


@require_http_methods(["POST"])
@signing_page
def decline(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token)
    if _rate_limited(token):
        return _too_many(request, "Too many attempts.")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, approval, token, SignForm(approver_name=approval.order.approver_name), form, 400)
    services.approval_request_decline(request=approval, reason=form.cleaned_data["reason"],
                                      ip=client_ip(request), user_agent=_user_agent(request))
    return render(request, "porting/sign_declined.html",
                  {"order": approval.order, "operator": settings.PORTING_OPERATOR_NAME})


@require_GET
@signing_page
def done(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token, signed=True)
    has_loa = approval.order.loas.filter(superseded_at__isnull=True).exists()
    response = render(request, "porting/sign_done.html", {"approval": approval, "order": approval.order,
                                                           "token": token, "has_loa": has_loa,
                                                           "operator": settings.PORTING_OPERATOR_NAME})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@signing_page
def loa_preview(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token)
    return pdf_response(render_loa_pdf(approval.order, preview=True), f"loa-preview-{approval.order.pk}.pdf",
                        inline=True)


@require_GET
@signing_page
def signed_loa(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token, signed=True)
    try:
        loa = services.port_order_current_loa(order=approval.order)
    except PortingError:
        raise DeadLink(approval)
    return pdf_response(bytes(loa.pdf), f"loa-{approval.order.pk}.pdf")
