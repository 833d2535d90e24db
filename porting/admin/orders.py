"""The porting desk's queue and order page (the PortOrder admin).

Orders are never edited here: changes are desk actions (``order_views.py``) that call the same
services as the API.
"""
from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from porting.admin.filters import LosingCarrierFilter, NeedsActionFilter
from porting.admin.order_views import OrderDeskViews
from porting.admin.site import desk_site
from porting.fields import UNREADABLE_TEXT, is_unreadable
from porting.formatting import PIN_MASK, hhmm, mask_account_number
from porting.models import PortOrder, PortOrderNumber, PortStatus
from porting.rejections import how_to_fix

STATUS_COLOURS = {
    "draft": "#6e7781", "approved": "#0969da", "submitted": "#8250df", "foc": "#1a7f37",
    "exception": "#cf222e", "complete": "#116329", "cancelled": "#57606a",
}
PHONE_SEARCH_RE = re.compile(r"^[\d\s().+-]+$")


def status_badge(status: str) -> SafeString:
    return format_html(
        '<span class="portico-badge" style="background:{}">{}</span>', STATUS_COLOURS.get(status, "#6e7781"), status
    )


class NumberInline(admin.TabularInline[PortOrderNumber, PortOrder]):
    model = PortOrderNumber
    extra = 0
    can_delete = False
    readonly_fields = ["phone_number", "number_type", "losing_carrier_name", "losing_carrier_spid", "is_wireless"]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: PortOrder | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PortOrder | None = None) -> bool:
        return False


@admin.register(PortOrder, site=desk_site)
class PortOrderAdmin(OrderDeskViews):
    list_display = [
        "id", "account_name", "status_badge", "number_count", "btn", "business_name", "losing_carrier",
        "requested_foc_date", "foc", "submitted_at", "updated_at", "livemode",
    ]
    list_filter = ["status", NeedsActionFilter, "livemode", LosingCarrierFilter, "account__platform", "account"]
    search_fields = ["id"]  # shows the search box; get_search_results does the real work
    search_help_text = "Order id, a phone number or part of one, business name, BTN, or customer reference."
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-id"]
    inlines = [NumberInline]
    change_form_template = "admin/porting/portorder/change_form.html"
    readonly_fields = [
        "id", "account", "livemode", "status_badge", "created_at", "updated_at", "submitted_at", "completed_at",
        "cancelled_at", "btn", "business_name", "approver_name", "masked_account_number", "masked_pin",
        "address", "requested_foc_date", "requested_foc_time", "foc_date", "foc_time", "approval_signature",
        "approval_ip", "approval_user_agent", "approved_at", "rejection", "carrier_polled_at", "losing_carrier_hint",
        "customer_reference", "description",
    ]
    fieldsets = [
        ("Order", {"fields": ["id", "account", "livemode", "status_badge", "created_at", "updated_at",
                              "submitted_at", "completed_at", "cancelled_at", "carrier_polled_at",
                              "losing_carrier_hint", "customer_reference", "description"]}),
        ("Subscriber", {"fields": ["btn", "business_name", "approver_name", "masked_account_number", "masked_pin",
                                   "address"]}),
        ("Port date", {"fields": ["requested_foc_date", "requested_foc_time", "foc_date", "foc_time"]}),
        ("Approval", {"fields": ["approval_signature", "approval_ip", "approval_user_agent", "approved_at"]}),
        ("Rejection", {"fields": ["rejection"]}),
    ]

    class Media:
        css = {"all": ["css/desk.css"]}

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> PortOrder | None:
        if "\x00" in object_id:  # PostgreSQL refuses NUL in text: such an id names no order
            return None
        return super().get_object(request, object_id, from_field)

    # --- the queue ---------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[PortOrder]:
        numbers = PortOrderNumber.objects.filter(order=OuterRef("pk"))
        return (
            super().get_queryset(request)
            .select_related("account", "account__platform")
            .annotate(
                _number_count=Subquery(numbers.order_by().values("order").annotate(n=Count("pk")).values("n")[:1]),
                _losing_carrier=Subquery(numbers.order_by("position").values("losing_carrier_name")[:1]),
            )
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[PortOrder], search_term: str
    ) -> tuple[QuerySet[PortOrder], bool]:
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
        return queryset.filter(Q(business_name__icontains=term) | Q(btn__contains=term)
                               | Q(customer_reference=term)), False

    @admin.display(description="account", ordering="account__name")
    def account_name(self, order: PortOrder) -> str:
        return order.account.name

    @admin.display(description="status", ordering="status")
    def status_badge(self, order: PortOrder) -> SafeString:
        return status_badge(order.status)

    @admin.display(description="numbers")
    def number_count(self, order: PortOrder) -> int:
        count: int | None = getattr(order, "_number_count", None)
        return count or order.numbers.count()

    @admin.display(description="losing carrier")
    def losing_carrier(self, order: PortOrder) -> str:
        name: str | None = getattr(order, "_losing_carrier", None)
        return name or "—"

    @admin.display(description="FOC", ordering="foc_date")
    def foc(self, order: PortOrder) -> str:
        if not order.foc_date:
            return "—"
        return f"{order.foc_date:%Y-%m-%d}" + (f" {hhmm(order.foc_time)} ET" if order.foc_time else "")

    # --- the order page ----------------------------------------------------
    @admin.display(description="account number")
    def masked_account_number(self, order: PortOrder) -> str:
        if not order.account_number:
            return "—"
        if is_unreadable(order.account_number):  # no FIELD_ENCRYPTION_KEYS key decrypts it
            return UNREADABLE_TEXT
        return mask_account_number(order.account_number)

    @admin.display(description="PIN")
    def masked_pin(self, order: PortOrder) -> str:
        if is_unreadable(order.pin):
            return UNREADABLE_TEXT
        return PIN_MASK if order.pin else "—"

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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # no free edits: changes are transitions (buttons above the form)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
