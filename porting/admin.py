"""The porting desk in the Django admin: the queue, the order page, transitions, keys and tenants.

Every change goes through ``porting.services`` (the same rules, events and side effects as the
API); the order's fields are never edited directly.
"""
from __future__ import annotations

import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django_fsm import can_proceed

from porting import services
from porting.api.representations import mask_account_number
from porting.desk import NEEDS_ACTION, needs_action_q
from porting.errors import PortingError
from porting.forms import DESK_FORMS, ApprovalRequestForm, CommentForm
from porting.loa import pdf_response, render_loa_pdf
from porting.models import Account, ApiKey, Comment, Event, Platform, PortOrder, PortOrderNumber, PortStatus
from porting.rejections import how_to_fix

STATUS_COLOURS = {
    "draft": "#6e7781", "approved": "#0969da", "submitted": "#8250df", "foc": "#1a7f37",
    "exception": "#cf222e", "complete": "#116329", "cancelled": "#57606a",
}
ACTION_LABELS = {
    "submit": "Submit to carrier", "foc": "Record FOC", "reject": "Record rejection",
    "complete": "Complete", "cancel": "Cancel order",
}
ACTION_TRANSITIONS = {"submit": "submit", "foc": "confirm_foc", "reject": "reject", "complete": "complete",
                      "cancel": "cancel"}
PHONE_SEARCH_RE = re.compile(r"^[\d\s().+-]+$")


def status_badge(status: str) -> str:
    return format_html(
        '<span class="portico-badge" style="background:{}">{}</span>', STATUS_COLOURS.get(status, "#6e7781"), status
    )


class NeedsActionFilter(admin.SimpleListFilter):
    title = "needs action"
    parameter_name = "needs_action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", "Any reason"), *NEEDS_ACTION.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "any":
            return queryset.filter(needs_action_q())
        if value in NEEDS_ACTION:
            return queryset.filter(needs_action_q(value))
        return queryset


class LosingCarrierFilter(admin.SimpleListFilter):
    title = "losing carrier"
    parameter_name = "losing_carrier"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        names = (
            PortOrderNumber.objects.exclude(losing_carrier_name="").order_by("losing_carrier_name")
            .values_list("losing_carrier_name", flat=True).distinct()
        )
        return [(n, n) for n in names] + [("unknown", "Unknown (desk to record)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        name = "" if value == "unknown" else value
        orders = PortOrderNumber.objects.filter(losing_carrier_name=name).order_by().values("order_id")
        return queryset.filter(pk__in=Subquery(orders))


class NumberInline(admin.TabularInline):
    model = PortOrderNumber
    extra = 0
    can_delete = False
    readonly_fields = ["phone_number", "number_type", "losing_carrier_name", "losing_carrier_spid", "is_wireless"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PortOrder)
class PortOrderAdmin(admin.ModelAdmin):
    list_display = [
        "id", "account_name", "status_badge", "number_count", "btn", "business_name", "losing_carrier",
        "requested_foc_date", "foc", "submitted_at", "updated_at", "livemode",
    ]
    list_filter = ["status", NeedsActionFilter, "livemode", LosingCarrierFilter, "account__platform", "account"]
    search_fields = ["id"]  # shows the search box; get_search_results does the real work
    search_help_text = "Order id, a phone number or part of one, business name, or BTN."
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-id"]
    inlines = [NumberInline]
    change_form_template = "admin/porting/portorder/change_form.html"
    readonly_fields = [
        "id", "account", "livemode", "status_badge", "created_at", "updated_at", "submitted_at", "completed_at",
        "cancelled_at", "btn", "business_name", "approver_name", "masked_account_number", "masked_pin",
        "address", "requested_foc_date", "requested_foc_time", "foc_date", "foc_time", "approval_signature",
        "approval_ip", "approval_user_agent", "approved_at", "rejection", "carrier_polled_at",
    ]
    fieldsets = [
        ("Order", {"fields": ["id", "account", "livemode", "status_badge", "created_at", "updated_at",
                              "submitted_at", "completed_at", "cancelled_at", "carrier_polled_at"]}),
        ("Subscriber", {"fields": ["btn", "business_name", "approver_name", "masked_account_number", "masked_pin",
                                   "address"]}),
        ("Port date", {"fields": ["requested_foc_date", "requested_foc_time", "foc_date", "foc_time"]}),
        ("Approval", {"fields": ["approval_signature", "approval_ip", "approval_user_agent", "approved_at"]}),
        ("Rejection", {"fields": ["rejection"]}),
    ]

    class Media:
        css = {"all": ["css/desk.css"]}

    # --- the queue ---------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        numbers = PortOrderNumber.objects.filter(order=OuterRef("pk"))
        return (
            super().get_queryset(request)
            .select_related("account", "account__platform")
            .annotate(
                _number_count=Subquery(numbers.order_by().values("order").annotate(n=Count("pk")).values("n")[:1]),
                _losing_carrier=Subquery(numbers.order_by("position").values("losing_carrier_name")[:1]),
            )
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.lower().startswith("port_"):
            return queryset.filter(pk__startswith=term.lower()), False
        if PHONE_SEARCH_RE.match(term):
            digits = re.sub(r"\D", "", term)
            if len(digits) >= 3:
                on_order = PortOrderNumber.objects.filter(phone_number__contains=digits).order_by().values("order_id")
                return queryset.filter(Q(pk__in=Subquery(on_order)) | Q(btn__contains=digits)), False
        return queryset.filter(Q(business_name__icontains=term) | Q(btn__contains=term)), False

    @admin.display(description="account", ordering="account__name")
    def account_name(self, order: PortOrder) -> str:
        return order.account.name

    @admin.display(description="status", ordering="status")
    def status_badge(self, order: PortOrder) -> str:
        return status_badge(order.status)

    @admin.display(description="numbers")
    def number_count(self, order: PortOrder) -> int:
        return getattr(order, "_number_count", None) or order.numbers.count()

    @admin.display(description="losing carrier")
    def losing_carrier(self, order: PortOrder) -> str:
        name = getattr(order, "_losing_carrier", None)
        return name or "—"

    @admin.display(description="FOC", ordering="foc_date")
    def foc(self, order: PortOrder) -> str:
        if not order.foc_date:
            return "—"
        return f"{order.foc_date:%Y-%m-%d}" + (f" {order.foc_time:%H:%M} ET" if order.foc_time else "")

    # --- the order page ----------------------------------------------------
    @admin.display(description="account number")
    def masked_account_number(self, order: PortOrder) -> str:
        if not order.account_number:
            return "—"
        return mask_account_number(order.account_number)

    @admin.display(description="PIN")
    def masked_pin(self, order: PortOrder) -> str:
        return "****" if order.pin else "—"

    @admin.display(description="service address")
    def address(self, order: PortOrder) -> str:
        parts = [f"{order.address_house_number} {order.address_street_name}".strip(), order.address_city,
                 f"{order.address_state} {order.address_zip}".strip()]
        return ", ".join(p for p in parts if p) or "—"

    @admin.display(description="rejection")
    def rejection(self, order: PortOrder) -> str:
        if order.status != PortStatus.EXCEPTION or not order.rejection_code:
            return "—"
        return format_html("<strong>{}</strong>: {}<br><em>How to fix:</em> {}", order.rejection_code,
                           order.rejection_message, how_to_fix(order.rejection_code))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are created through the API

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # no free edits: changes are transitions (buttons below the form)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def allowed_actions(self, request: HttpRequest, order: PortOrder) -> list[tuple[str, str]]:
        if not request.user.has_perm(services.WORK_PERMISSION):
            return []
        return [(name, ACTION_LABELS[name]) for name, transition in ACTION_TRANSITIONS.items()
                if can_proceed(getattr(order, transition))]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None):
        order = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if order is not None:
            events = list(order.events.order_by("-pk"))
            comments = {c.pk: c for c in order.comments.select_related("author")}
            extra_context.update({
                "desk_actions": self.allowed_actions(request, order),
                "timeline": [(e, comments.get(e.data.get("comment_id"))) for e in events],
                "can_work": request.user.has_perm(services.WORK_PERMISSION),
                "can_reveal": request.user.has_perm(services.REVEAL_PERMISSION) and (order.pin or order.account_number),
                "comment_form": CommentForm(),
                "has_loa": order.loas.filter(superseded_at__isnull=True).exists(),
                "approval_requests": [(a, services.approval_request_effective_status(a))
                                      for a in order.approval_requests.order_by("-pk")],
                "can_send_approval": request.user.has_perm(services.WORK_PERMISSION)
                and order.status == PortStatus.DRAFT,
            })
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/desk/<str:action>/", wrap(self.desk_action_view), name="porting_portorder_desk"),
            path("<path:object_id>/comment/", wrap(self.comment_view), name="porting_portorder_comment"),
            path("<path:object_id>/reveal/", wrap(self.reveal_view), name="porting_portorder_reveal"),
            path("<path:object_id>/loa/", wrap(self.loa_view), name="porting_portorder_loa"),
            path("<path:object_id>/approval-request/", wrap(self.approval_request_view),
                 name="porting_portorder_approval_request"),
            path("<path:object_id>/loa-preview/", wrap(self.loa_preview_view), name="porting_portorder_loa_preview"),
            *super().get_urls(),
        ]

    def _order_or_404(self, request: HttpRequest, object_id: str) -> PortOrder:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(PortOrder.objects.prefetch_related("numbers"), pk=unquote(object_id))

    def _back(self, order: PortOrder) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:porting_portorder_change", args=[order.pk]))

    def desk_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        if not request.user.has_perm(services.WORK_PERMISSION):
            raise PermissionDenied
        if action not in ACTION_LABELS:
            messages.error(request, f"Unknown action {action!r}.")
            return self._back(order)
        form_class = DESK_FORMS.get(action)
        form = form_class(request.POST or None) if form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                services.port_order_desk_action(order=order, user=request.user, action=action,
                                                data=form.cleaned_data if form else {})
            except PortingError as exc:
                messages.error(request, f"{ACTION_LABELS[action]} was not done: {exc.detail}")
                return self._back(order)
            messages.success(request, f"{ACTION_LABELS[action]}: done.")
            return self._back(order)
        if form is None:  # submit and complete need no form: show a confirmation
            form_class = None
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "order": order, "form": form,
            "action": action, "action_label": ACTION_LABELS[action], "title": f"{ACTION_LABELS[action]}: {order.pk}",
            "allowed": action in dict(self.allowed_actions(request, order)),
        }
        return TemplateResponse(request, "admin/porting/portorder/desk_action.html", context,
                                status=400 if request.method == "POST" else 200)

    def comment_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_or_404(request, object_id)
        if request.method != "POST":
            return self._back(order)
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The note is empty or too long.")
            return self._back(order)
        services.port_order_comment(order=order, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Note added.")
        return self._back(order)

    def approval_request_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Send (or resend: the earlier link dies) the customer a signing link."""
        order = self._order_or_404(request, object_id)
        if not request.user.has_perm(services.WORK_PERMISSION):
            raise PermissionDenied
        last = order.approval_requests.order_by("-pk").first()
        form = ApprovalRequestForm(request.POST or None,
                                   initial={"email": last.email, "name": last.name} if last else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.approval_request_create(
                    order=order, email=form.cleaned_data["email"], name=form.cleaned_data["name"],
                    actor=services.staff_actor(request.user), requester_email=request.user.email or "",
                )
            except PortingError as exc:
                messages.error(request, f"The approval request was not sent: {exc.detail}")
                return self._back(order)
            messages.success(request, f"Approval request sent to {form.cleaned_data['email']}.")
            return self._back(order)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "order": order, "form": form,
            "action": "approval-request", "action_label": "Send approval request", "allowed": True,
            "title": f"Send approval request: {order.pk}",
        }
        return TemplateResponse(request, "admin/porting/portorder/desk_action.html", context,
                                status=400 if request.method == "POST" else 200)

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


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "created_at"]
    search_fields = ["name", "id"]
    readonly_fields = ["id", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # platforms own orders and keys: revoke keys instead


@admin.register(Account)
class AccountAdmin(PlatformAdmin):
    list_display = ["name", "id", "platform", "created_at"]
    list_select_related = ["platform"]
    list_filter = ["platform"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["platform"]
    list_filter = ["livemode", "platform"]
    actions = ["revoke_keys"]
    fields = ["platform", "name", "livemode"]

    def _superuser(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # keys are revoked, never deleted (the audit trail names them)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return ["platform", "livemode", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["platform", "name", "livemode"]
        return ["prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: object, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw = services.api_key_create(platform=obj.platform, livemode=obj.livemode, name=obj.name)
        obj.pk, obj.prefix, obj.secret_hash, obj.created_at = key.pk, key.prefix, key.secret_hash, key.created_at
        obj._state.adding = False
        request._portico_new_key = raw

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> HttpResponse:
        raw = getattr(request, "_portico_new_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "key": obj, "raw_key": raw,
                   "title": "API key created"}
        response = TemplateResponse(request, "admin/porting/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(key=key)
            count += 1
        self.message_user(request, f"Revoked {count} key(s). Requests with them now fail with 401.")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "type", "from_status", "to_status", "actor_type", "actor_id", "created_at"]
    list_filter = ["type", "actor_type"]
    search_fields = ["order__id"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # events are never edited

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "author", "created_at"]
    list_select_related = ["author"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on the order page

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
