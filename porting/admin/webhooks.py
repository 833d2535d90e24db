"""Webhook endpoints on the desk: superusers see each platform's endpoints and disable or enable them.
Secrets are never shown here (the API shows them once)."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from porting import services
from porting.admin.site import desk_site
from porting.models import WebhookDelivery, WebhookEndpoint


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class DeliveryInline(admin.TabularInline[WebhookDelivery, WebhookEndpoint]):
    model = WebhookDelivery
    fields = ("created_at", "event_type", "event_id_sent", "status", "attempt_count", "last_answer")
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    max_num = 0
    show_change_link = False
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return super().get_queryset(request).order_by("-id")

    @admin.display(description="attempts")
    def attempt_count(self, delivery: WebhookDelivery) -> int:
        return len(delivery.attempts)

    @admin.display(description="last answer")
    def last_answer(self, delivery: WebhookDelivery) -> str:
        if not delivery.attempts:
            return "—"
        last = delivery.attempts[-1]
        return str(last.get("status_code") or last.get("error") or "—")[:120]


@admin.register(WebhookEndpoint, site=desk_site)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ("url", "platform", "account", "livemode", "enabled", "disabled_reason", "failing_since",
                    "created_at")
    list_select_related = ("platform", "account")
    list_filter = ("livemode", "platform")
    search_fields = ("url", "id", "description")
    fields = ("id", "platform", "account", "livemode", "url", "description", "enabled_events", "disabled_at",
              "disabled_reason", "failing_since", "created_at", "updated_at", "deleted_at")
    readonly_fields = fields
    inlines = (DeliveryInline,)
    actions = ("disable_endpoints", "enable_endpoints")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # platforms add endpoints over the API, which shows the secret once

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(boolean=True, description="enabled")
    def enabled(self, endpoint: WebhookEndpoint) -> bool:
        return endpoint.disabled_at is None

    @admin.action(description="Disable selected endpoints")
    def disable_endpoints(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset.filter(disabled_at__isnull=True):
            services.webhook_endpoint_set_disabled(endpoint=endpoint, disabled=True,
                                                   reason=f"disabled on the desk by {request.user.get_username()}")
        self.message_user(request, "Disabled. Events keep being recorded; recover them after enabling.")

    @admin.action(description="Enable selected endpoints")
    def enable_endpoints(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset.filter(disabled_at__isnull=False, deleted_at__isnull=True):
            services.webhook_endpoint_set_disabled(endpoint=endpoint, disabled=False, reason="")
        self.message_user(request, "Enabled.")
