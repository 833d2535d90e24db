"""Staff admin (minimal until the porting-desk issue): read access to orders, keys and tenants."""
from __future__ import annotations

from django.contrib import admin

from porting.models import Account, ApiKey, Event, Platform, PortOrder, PortOrderNumber


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "created_at"]
    search_fields = ["name", "id"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "platform", "created_at"]
    list_select_related = ["platform"]
    search_fields = ["name", "id"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "platform", "livemode", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["platform"]
    readonly_fields = ["prefix", "livemode", "platform", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001 - keys are created with create_api_key
        return False


class NumberInline(admin.TabularInline):
    model = PortOrderNumber
    extra = 0
    can_delete = False
    readonly_fields = ["phone_number", "number_type", "losing_carrier_name", "losing_carrier_spid", "is_wireless"]
    fields = readonly_fields


@admin.register(PortOrder)
class PortOrderAdmin(admin.ModelAdmin):
    list_display = ["id", "account", "status", "business_name", "requested_foc_date", "livemode", "updated_at"]
    list_filter = ["status", "livemode"]
    list_select_related = ["account"]
    search_fields = ["id", "business_name", "btn", "numbers__phone_number"]
    inlines = [NumberInline]
    exclude = ["account_number", "pin"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - changes go through services
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "type", "from_status", "to_status", "actor_type", "created_at"]
    list_filter = ["type", "actor_type"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - events are never edited
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
