"""Platforms, accounts and API keys on the desk: superusers manage them; keys are revoked, never deleted."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from porting import services
from porting.admin.site import desk_site
from porting.models import Account, ApiKey, Platform


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class SuperuserManagedAdmin(admin.ModelAdmin[Any]):
    """Tenants: everyone on the desk may read them, superusers add and change them, nobody deletes
    them (they own orders and keys: revoke keys instead)."""

    search_fields = ["name", "id"]
    readonly_fields = ["id", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Platform, site=desk_site)
class PlatformAdmin(SuperuserManagedAdmin):
    list_display = ["name", "id", "created_at"]


@admin.register(Account, site=desk_site)
class AccountAdmin(SuperuserManagedAdmin):
    list_display = ["name", "id", "platform", "created_at"]
    list_select_related = ["platform"]
    list_filter = ["platform"]


@admin.register(ApiKey, site=desk_site)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["platform"]
    list_filter = ["livemode", "platform"]
    actions = ["revoke_keys"]
    fields = ["platform", "name", "livemode"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys are revoked, never deleted (the audit trail names them)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return ["platform", "livemode", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("platform", "name", "livemode")
        return ("prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm[ApiKey], change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw = services.api_key_create(platform=obj.platform, livemode=obj.livemode, name=obj.name)
        obj.pk, obj.prefix, obj.secret_hash, obj.created_at = key.pk, key.prefix, key.secret_hash, key.created_at
        obj._state.adding = False
        request._portico_new_key = raw  # type: ignore[attr-defined]  # handed to response_add below

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
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(key=key)
            count += 1
        self.message_user(request, f"Revoked {count} key(s). Requests with them now fail with 401.")
