"""The queue's filters: what needs the desk's action, and the losing carrier."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest

from porting.models import PortOrder, PortOrderNumber
from porting.selectors import NEEDS_ACTION, needs_action_q


class NeedsActionFilter(admin.SimpleListFilter):
    title = "needs action"
    parameter_name = "needs_action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return [("any", "Any reason"), *NEEDS_ACTION.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PortOrder]) -> QuerySet[PortOrder]:
        value = self.value()
        if value == "any":
            return queryset.filter(needs_action_q())
        if value in NEEDS_ACTION:
            return queryset.filter(needs_action_q(value))
        return queryset


class LosingCarrierFilter(admin.SimpleListFilter):
    title = "losing carrier"
    parameter_name = "losing_carrier"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        names = (
            PortOrderNumber.objects.exclude(losing_carrier_name="").order_by("losing_carrier_name")
            .values_list("losing_carrier_name", flat=True).distinct()
        )
        return [(n, n) for n in names] + [("unknown", "Unknown (desk to record)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PortOrder]) -> QuerySet[PortOrder]:
        value = self.value()
        if not value:
            return queryset
        name = "" if value == "unknown" else value
        orders = PortOrderNumber.objects.filter(losing_carrier_name=name).order_by().values("order_id")
        return queryset.filter(pk__in=Subquery(orders))
