"""The order page's desk views: transitions, notes, approval requests, LOA downloads, the reveal.

Each parses the form, calls one service, and goes back to the order with a message.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from porting import selectors, services
from porting.admin.forms import DESK_FORMS, ApprovalRequestForm, CommentForm, LosingCarrierForm
from porting.documents import open_document, order_document, order_documents, order_requirements
from porting.errors import PortingError
from porting.loa import render_loa_pdf
from porting.models import Document, OutboxStatus, PortOrder, PortStatus
from porting.permissions import REVEAL_PERMISSION, WORK_PERMISSION
from porting.responses import pdf_response, stored_file_response


def _staff_user(request: HttpRequest) -> User:
    """The desk's user: admin_view lets only logged-in staff in, so never AnonymousUser."""
    user = request.user
    assert isinstance(user, User), "the admin lets only staff in"
    return user


class OrderDeskViews(admin.ModelAdmin[PortOrder]):
    """The PortOrder admin's own pages besides the list and the read-only change form."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        order = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if order is not None:
            events = list(order.events.order_by("-pk"))
            comments = {c.pk: c for c in order.comments.select_related("author")}
            can_work = request.user.has_perm(WORK_PERMISSION)
            extra_context.update({
                "desk_actions": [(a.name, a.label)
                                 for a in services.desk_actions_allowed(order=order, user=request.user)],
                "timeline": [(e, comments.get(e.data.get("comment_id"))) for e in events],
                "can_work": can_work,
                "can_reveal": request.user.has_perm(REVEAL_PERMISSION) and (order.pin or order.account_number),
                "comment_form": CommentForm(),
                "has_loa": order.loas.filter(superseded_at__isnull=True).exists(),
                "approval_requests": [(a, a.status_at()) for a in order.approval_requests.order_by("-pk")],
                "can_send_approval": can_work and order.awaits_approval(),
                "can_set_losing_carrier": can_work and order.status in (PortStatus.DRAFT, PortStatus.APPROVED),
                "carrier_to_confirm": [n.phone_number for n in order.numbers.all()
                                       if not n.losing_carrier_spid or n.is_wireless is None],
                "documents": list(order_documents(order)),
                "requirements": order_requirements(order),
                "outbox_messages": selectors.outbox_messages_of_order(order),
                "webhook_deliveries": selectors.webhook_deliveries_of_order(order),
            })
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/desk/<str:action>/", wrap(self.desk_action_view), name="porting_portorder_desk"),
            path("<path:object_id>/comment/", wrap(self.comment_view), name="porting_portorder_comment"),
            path("<path:object_id>/reveal/", wrap(self.reveal_view), name="porting_portorder_reveal"),
            path("<path:object_id>/loa/", wrap(self.loa_view), name="porting_portorder_loa"),
            path("<path:object_id>/approval-request/", wrap(self.approval_request_view),
                 name="porting_portorder_approval_request"),
            path("<path:object_id>/losing-carrier/", wrap(self.losing_carrier_view),
                 name="porting_portorder_losing_carrier"),
            path("<path:object_id>/loa-preview/", wrap(self.loa_preview_view), name="porting_portorder_loa_preview"),
            path("<path:object_id>/outbox/<str:message_id>/retry/", wrap(self.outbox_retry_view),
                 name="porting_portorder_outbox_retry"),
            path("<path:object_id>/documents/<str:document_id>/", wrap(self.document_view),
                 name="porting_portorder_document"),
            path("<path:object_id>/documents/<str:document_id>/preview/", wrap(self.document_preview_view),
                 name="porting_portorder_document_preview"),
            *super().get_urls(),
        ]

    def _order_or_404(self, request: HttpRequest, object_id: str) -> PortOrder:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if "\x00" in unquote(object_id):  # PostgreSQL refuses NUL in text: such an id names no order
            raise Http404("No such port order.")
        order: PortOrder = get_object_or_404(PortOrder.objects.prefetch_related("numbers"), pk=unquote(object_id))
        return order

    def _back(self, order: PortOrder) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:porting_portorder_change", args=[order.pk]))

    def _form_page(self, request: HttpRequest, order: PortOrder, form: Form | None, *, action: str, label: str,
                   allowed: bool) -> TemplateResponse:
        """The form (or confirmation) page of an action; a POST that got here had invalid input."""
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "order": order, "form": form,
            "action": action, "action_label": label, "title": f"{label}: {order.pk}", "allowed": allowed,
        }
        return TemplateResponse(request, "admin/porting/portorder/desk_action.html", context,
                                status=400 if request.method == "POST" else 200)

    def desk_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        if not request.user.has_perm(WORK_PERMISSION):
            raise PermissionDenied
        desk_action = services.DESK_ACTIONS.get(action)
        if desk_action is None:
            messages.error(request, f"Unknown action {action!r}.")
            return self._back(order)
        form_class = DESK_FORMS.get(action)
        form = form_class(request.POST or None) if form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                services.port_order_desk_action(order=order, user=request.user, action=action,
                                                data=form.cleaned_data if form else {})
            except PortingError as exc:
                messages.error(request, f"{desk_action.label} was not done: {exc.detail}")
                return self._back(order)
            messages.success(request, f"{desk_action.label}: done.")
            return self._back(order)
        allowed = desk_action in services.desk_actions_allowed(order=order, user=request.user)
        return self._form_page(request, order, form, action=action, label=desk_action.label, allowed=allowed)

    def comment_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        if request.method != "POST":
            return self._back(order)
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Not added: " + " ".join(str(e) for errors in form.errors.values() for e in errors))
            return self._back(order)
        public = form.cleaned_data["visibility"] == "public"
        try:
            services.port_order_comment(order=order, user=_staff_user(request), body=form.cleaned_data["body"],
                                        public=public, action_required=form.cleaned_data["action_required"])
        except PortingError as exc:
            messages.error(request, f"Not added: {exc.detail}")
            return self._back(order)
        messages.success(request, "Public comment added: the integrator sees it." if public else "Note added.")
        return self._back(order)

    def approval_request_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Send (or resend: the earlier link dies) the customer a signing link."""
        order = self._order_or_404(request, object_id)
        if not request.user.has_perm(WORK_PERMISSION):
            raise PermissionDenied
        last = order.approval_requests.order_by("-pk").first()
        form = ApprovalRequestForm(request.POST or None,
                                   initial={"email": last.email, "name": last.name} if last else None)
        if request.method == "POST" and form.is_valid():
            staff = _staff_user(request)
            try:
                services.approval_request_create(
                    order=order, email=form.cleaned_data["email"], name=form.cleaned_data["name"],
                    actor=services.staff_actor(staff), requester_email=staff.email or "",
                )
            except PortingError as exc:
                messages.error(request, f"The approval request was not sent: {exc.detail}")
                return self._back(order)
            messages.success(request, f"Approval request sent to {form.cleaned_data['email']}.")
            return self._back(order)
        return self._form_page(request, order, form, action="approval-request", label="Send approval request",
                               allowed=True)

    def losing_carrier_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm the losing carrier (name, SPID, wireless) of some or all numbers."""
        order = self._order_or_404(request, object_id)
        if not request.user.has_perm(WORK_PERMISSION):
            raise PermissionDenied
        numbers = list(order.numbers.all())
        known = next((n for n in numbers if n.losing_carrier_spid), None)
        wireless = None if known is None else known.is_wireless
        initial = {"name": known.losing_carrier_name if known else order.losing_carrier_hint,
                   "spid": known.losing_carrier_spid if known else "",
                   "is_wireless": "" if wireless is None else ("yes" if wireless else "no")}
        form = LosingCarrierForm(request.POST or None, initial=initial, numbers=[n.phone_number for n in numbers])
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.port_order_desk_losing_carrier(
                    order=order, user=request.user, name=data["name"], spid=data["spid"],
                    is_wireless=data["is_wireless"], phone_numbers=data["phone_numbers"] or None,
                )
            except PortingError as exc:
                messages.error(request, f"The losing carrier was not recorded: {exc.detail}")
                return self._back(order)
            messages.success(request, f"Losing carrier recorded: {data['name']} ({data['spid']}).")
            return self._back(order)
        return self._form_page(request, order, form, action="losing-carrier", label="Confirm losing carrier",
                               allowed=order.status in (PortStatus.DRAFT, PortStatus.APPROVED))

    def outbox_retry_view(self, request: HttpRequest, object_id: str, message_id: str) -> HttpResponse:
        """Retry now: a waiting or dead side effect of the order is attempted again at once."""
        order = self._order_or_404(request, object_id)
        if request.method != "POST":
            return self._back(order)
        try:
            message = services.outbox_message_retry(order=order, message_id=message_id, user=_staff_user(request))
        except PortingError as exc:
            messages.error(request, f"Not retried: {exc.detail}")
            return self._back(order)
        message.refresh_from_db()
        if message.status == OutboxStatus.DONE:
            messages.success(request, f"{message.kind}: done.")
        else:
            messages.warning(request, f"{message.kind}: attempted again; {message.last_error or 'queued'}.")
        return self._back(order)

    def loa_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        try:
            loa = services.port_order_current_loa(order=order)
        except PortingError as exc:
            messages.error(request, exc.detail)
            return self._back(order)
        return pdf_response(bytes(loa.pdf), f"loa-{order.pk}.pdf")

    def loa_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        return pdf_response(render_loa_pdf(order, preview=True), f"loa-preview-{order.pk}.pdf")

    def document_view(self, request: HttpRequest, object_id: str, document_id: str) -> HttpResponseBase:
        """Download a supporting document (staff who may view the order; documents have no public URL)."""
        order = self._order_or_404(request, object_id)
        document = self._document_or_404(order, document_id)
        return stored_file_response(open_document(document), filename=document.filename,
                                    content_type=document.content_type, sha256=document.sha256)

    def document_preview_view(self, request: HttpRequest, object_id: str, document_id: str) -> HttpResponseBase:
        """The same bytes inline, for the order page to show (an image, or the browser's PDF viewer)."""
        order = self._order_or_404(request, object_id)
        document = self._document_or_404(order, document_id)
        response = stored_file_response(open_document(document), filename=document.filename,
                                        content_type=document.content_type, sha256=document.sha256, inline=True)
        response["X-Frame-Options"] = "SAMEORIGIN"  # framed by the order page only
        return response

    def _document_or_404(self, order: PortOrder, document_id: str) -> Document:
        try:
            return order_document(order, document_id)
        except PortingError as exc:
            raise Http404(exc.detail)

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        if request.method != "POST":
            return self._back(order)
        secrets = services.port_order_reveal_secrets(order=order, user=request.user)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "order": order,
                   "secrets": secrets, "title": f"PIN and account number of {order.pk}"}
        response = TemplateResponse(request, "admin/porting/portorder/reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response
