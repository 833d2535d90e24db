"""The admin site: the porting desk's dashboard on the index page."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


class PorticoAdminSite(admin.AdminSite):
    site_header = "Portico porting desk"
    site_title = "Portico porting desk"
    index_title = "Porting desk"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        from porting.desk import dashboard

        extra_context = extra_context or {}
        if request.user.has_perm("porting.view_portorder"):
            extra_context["dashboard"] = dashboard()
        return super().index(request, extra_context)


class PorticoAdminConfig(AdminConfig):
    """The Django admin with the porting desk's dashboard on its index."""

    default_site = "porting.admin_site.PorticoAdminSite"
