"""The customer's signing pages (/sign/<token>/). GET only shows (and records the first view);
POST acts. Plain function views, CSRF-protected.

Every view starts with ``open_link(token)``: the link's approval request if it is usable for
that page, else ``DeadLink``, which ``@signing_page`` renders as the 410 page.

Limits, counted in the shared cache (``CACHE_URL``), so they hold across every process: POSTs per
link (``SIGN_ATTEMPTS``), and dead-link answers (404, 410) per client IP (``DEAD_LINK_HITS``): past
that, every /sign/ page answers 429 to that IP until the window ends, so probing for links learns
nothing, not even which ones are alive.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from porting import ratelimit, selectors, services
from porting.branding import branding_for
from porting.client_ip import client_ip
from porting.documents import missing_document_types, order_requirements, use_document_upload_handler
from porting.errors import PortingError
from porting.loa import authorization_statement, losing_carriers, render_loa_pdf
from porting.models import ApprovalRequest, ApprovalRequestStatus, PortOrder
from porting.responses import pdf_response
from porting.services.approval_requests import approval_request_signed_copy_available
from porting.signing.forms import DeclineForm, DocumentForm, SignForm
from porting.tokens import token_digest

SIGN_ATTEMPTS = 10  # POSTs per link per window
SIGN_WINDOW_SECONDS = 600
DEAD_LINK_HITS = 20  # 404 and 410 answers per client IP per window; then 429 for every /sign/ page
DEAD_LINK_WINDOW_SECONDS = 600
DEAD_LINKS = "sign-dead-links"
DEAD_REASONS: dict[str | None, str] = {
    None: "This signing link is not valid. Check that you copied the whole address from the email.",
    ApprovalRequestStatus.EXPIRED: "This signing link has expired. Ask for a new one.",
    ApprovalRequestStatus.SIGNED: "This order has already been signed with this link.",
    ApprovalRequestStatus.DECLINED: "You told us something was not right, so this link was closed.",
    ApprovalRequestStatus.REVOKED: "This link was replaced or closed because the order changed or was cancelled."
    " If you still need to sign, ask for a new link.",
}


class DeadLink(Exception):
    """The link cannot be used for this page: unknown, or its request is not in the state the page needs.

    ``signed_copy``: the link was signed, but its receipt and signed LOA are no longer served.
    """

    def __init__(self, approval: ApprovalRequest | None, *, signed_copy: bool = False) -> None:
        super().__init__("dead signing link")
        self.approval = approval
        self.signed_copy = signed_copy


def open_link(token: str, *, signed: bool = False) -> ApprovalRequest:
    """The approval request behind ``token`` if it is open (or, with ``signed``, signed and its copy still
    served: ``approval_request_signed_copy_available``); else ``DeadLink``."""
    approval = selectors.approval_request_by_token(token)
    if approval is None:
        raise DeadLink(None)
    usable = approval.status == ApprovalRequestStatus.SIGNED if signed else approval.is_open()
    if not usable:
        raise DeadLink(approval)
    if signed and not approval_request_signed_copy_available(request=approval):
        raise DeadLink(approval, signed_copy=True)
    return approval


View = Callable[[HttpRequest, str], HttpResponse]


def signing_page(view: View) -> View:
    """Render the 410 page when the view's ``open_link`` finds the link dead, and limit dead-link
    answers (404, 410) per client IP: past ``DEAD_LINK_HITS``, every signing page answers 429."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        ip = client_ip(request) or "unknown"
        usage = ratelimit.peek(request, group=DEAD_LINKS, key=ip, limit=DEAD_LINK_HITS, period=DEAD_LINK_WINDOW_SECONDS)
        if usage.exhausted:
            return _too_many(request, usage)
        try:
            response = view(request, token)
        except DeadLink as dead:
            response = _dead_page(request, dead)
        if response.status_code in (404, 410):
            usage = ratelimit.hit(request, group=DEAD_LINKS, key=ip, limit=DEAD_LINK_HITS,
                                  period=DEAD_LINK_WINDOW_SECONDS)
            if usage.limited:
                return _too_many(request, usage)
        return response

    return wrapped


def _dead_page(request: HttpRequest, dead: DeadLink) -> HttpResponse:
    if dead.signed_copy:  # nothing about the order: the link may be in someone else's hands by now
        return render(request, "signing/signed_copy_gone.html", {"operator": settings.PORTING_OPERATOR_NAME},
                      status=410)
    status = dead.approval.status_at() if dead.approval else None
    return render(request, "porting/sign_dead.html",
                  {"reason": DEAD_REASONS.get(status, DEAD_REASONS[None]),
                   "operator": settings.PORTING_OPERATOR_NAME}, status=410)


def _user_agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:1000]


def _rate_limited(request: HttpRequest, token: str) -> ratelimit.Usage | None:
    usage = ratelimit.hit(request, group="sign-attempts", key=token_digest(token), limit=SIGN_ATTEMPTS,
                          period=SIGN_WINDOW_SECONDS)
    return usage if usage.limited else None


def _too_many(request: HttpRequest, usage: ratelimit.Usage) -> HttpResponse:
    retry_after = usage.retry_after  # until the window ends
    response = render(request, "signing/too_many.html",
                      {"minutes": -(-retry_after // 60), "operator": settings.PORTING_OPERATOR_NAME}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _documents_context(order: PortOrder, document_form: DocumentForm | None) -> dict[str, Any]:
    """What the page says about the documents the carrier needs, with the form for a missing one."""
    requirements = order_requirements(order)
    missing = [r.type for r in requirements if not r.provided]
    return {"requirements": requirements,
            "document_form": document_form or (DocumentForm(types=missing) if missing else None),
            "document_max_mb": f"{settings.PORTING_DOCUMENT_MAX_BYTES / 1024 / 1024:g}"}


def _page(request: HttpRequest, approval: ApprovalRequest, token: str, sign_form: SignForm,
          decline_form: DeclineForm, status: int = 200, document_form: DocumentForm | None = None) -> HttpResponse:
    order = approval.order
    context = {
        "approval": approval, "order": order, "numbers": list(order.numbers.all()), "token": token,
        "operator": settings.PORTING_OPERATOR_NAME, "losing_carrier": losing_carriers(order),
        "branding": branding_for(order.account.platform), "statement": authorization_statement(order),
        "consent_version": services.ESIGN_CONSENT_VERSION, "form": sign_form, "decline_form": decline_form,
        **_documents_context(order, document_form),
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
    if limited := _rate_limited(request, token):
        return _too_many(request, limited)
    form = SignForm(request.POST, approver_name=approval.order.approver_name)
    if not form.is_valid():
        return _page(request, approval, token, form, DeclineForm(), status=400)
    ip = client_ip(request) or request.META["REMOTE_ADDR"]
    try:
        services.approval_request_sign(request=approval, signature=form.cleaned_data["signature"],
                                       consent=form.cleaned_data["consent"], ip=ip, user_agent=_user_agent(request))
    except PortingError as exc:
        open_link(token)  # a parallel sign or decline closed the link: the dead-link page, as for a late visitor
        form.add_error(None, exc.detail)
        return _page(request, approval, token, form, DeclineForm(), status=400)
    return redirect("porting:sign-done", token=token)


@require_http_methods(["POST"])
@signing_page
def decline(request: HttpRequest, token: str) -> HttpResponse:
    approval = open_link(token)
    if limited := _rate_limited(request, token):
        return _too_many(request, limited)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, approval, token, SignForm(approver_name=approval.order.approver_name), form, 400)
    try:
        services.approval_request_decline(request=approval, reason=form.cleaned_data["reason"],
                                          ip=client_ip(request), user_agent=_user_agent(request))
    except PortingError as exc:
        open_link(token)  # a parallel sign or decline closed the link: the dead-link page
        form.add_error(None, exc.detail)
        return _page(request, approval, token, SignForm(approver_name=approval.order.approver_name), form, 400)
    return render(request, "porting/sign_declined.html",
                  {"order": approval.order, "operator": settings.PORTING_OPERATOR_NAME,
                   "branding": branding_for(approval.order.account.platform)})


@require_GET
@signing_page
def done(request: HttpRequest, token: str) -> HttpResponse:
    return _done_page(request, open_link(token, signed=True), token)


def _done_page(request: HttpRequest, approval: ApprovalRequest, token: str, *, status: int = 200,
               document_form: DocumentForm | None = None) -> HttpResponse:
    has_loa = approval.order.loas.filter(superseded_at__isnull=True).exists()
    response = render(request, "porting/sign_done.html", {"approval": approval, "order": approval.order,
                                                           "token": token, "has_loa": has_loa,
                                                           "operator": settings.PORTING_OPERATOR_NAME,
                                                           "branding": branding_for(approval.order.account.platform),
                                                           **_documents_context(approval.order, document_form)},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


def _alive_link(token: str) -> tuple[ApprovalRequest, bool]:
    """The link's approval request while the customer may still use it: open (not signed yet), or signed and
    still showing its receipt; and whether it is signed. Else ``DeadLink``."""
    try:
        return open_link(token), False
    except DeadLink:
        return open_link(token, signed=True), True


@csrf_exempt  # CSRF is checked in _attach_document, once the body's upload handler is set (the middleware reads it)
@require_http_methods(["POST"])
@signing_page
def attach_document(request: HttpRequest, token: str) -> HttpResponse:
    """The customer attaches a document the carrier needs (the missing bill), before or after signing, while
    the link is alive: the same checks as the API's upload (type told from the bytes, size, readable PDF)."""
    approval, signed = _alive_link(token)
    if limited := _rate_limited(request, token):
        return _too_many(request, limited)
    use_document_upload_handler(request)
    try:
        return _attach_document(request, token, approval, signed)
    except PortingError as exc:  # refused while the body streamed: too large (413), or more than one file
        form = DocumentForm.refused(exc.detail, types=missing_document_types(approval.order))
        return _document_refused(request, approval, token, signed, form, exc.status)


@csrf_protect
def _attach_document(request: HttpRequest, token: str, approval: ApprovalRequest, signed: bool) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES, types=missing_document_types(approval.order))
    if not form.is_valid():
        return _document_refused(request, approval, token, signed, form, 400)
    try:
        services.approval_request_document_attach(request=approval, file=form.cleaned_data["file"],
                                                  type=form.cleaned_data["type"])
    except PortingError as exc:
        form.add_error("file", exc.detail)
        return _document_refused(request, approval, token, signed, form, exc.status)
    page = reverse("porting:sign-done" if signed else "porting:sign", kwargs={"token": token})
    return redirect(page + "#documents-title")


def _document_refused(request: HttpRequest, approval: ApprovalRequest, token: str, signed: bool,
                      form: DocumentForm, status: int) -> HttpResponse:
    if signed:
        return _done_page(request, approval, token, status=status, document_form=form)
    return _page(request, approval, token, SignForm(approver_name=approval.order.approver_name), DeclineForm(),
                 status=status, document_form=form)


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
        return redirect("porting:sign-done", token=token)  # still rendering: the receipt says so
    response = pdf_response(bytes(loa.pdf), f"loa-{approval.order.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@signing_page
def no_such_page(request: HttpRequest, token: str) -> HttpResponse:
    """Any other address under /sign/ (a mangled link): a 404 that counts as a dead-link hit."""
    return render(request, "porting/sign_dead.html",
                  {"reason": DEAD_REASONS[None], "operator": settings.PORTING_OPERATOR_NAME}, status=404)
