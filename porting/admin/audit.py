"""The audit trail and staff notes on the desk: read-only lists."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from porting.admin.site import desk_site
from porting.models import Comment, Event


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows that are written by services only and never edited or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event, site=desk_site)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "type", "from_status", "to_status", "actor_type", "actor_id", "created_at"]
    list_filter = ["type", "actor_type"]
    search_fields = ["order__id"]
    show_full_result_count = False


@admin.register(Comment, site=desk_site)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "author", "created_at"]
    list_select_related = ["author"]
