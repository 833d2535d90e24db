"""The porting desk's admin site, with its dashboard on the index page.

One explicit site (``desk_site``, mounted at /admin/ by portal/urls.py) rather than Django's
default site: the desk's model admins register on it by name, and so do auth's users and groups.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django.template.response import TemplateResponse

from porting.selectors import dashboard


class PorticoAdminSite(admin.AdminSite):
    site_header = "Portico porting desk"
    site_title = "Portico porting desk"
    index_title = "Porting desk"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        extra_context = extra_context or {}
        if request.user.has_perm("porting.view_portorder"):
            extra_context["dashboard"] = dashboard()
        return super().index(request, extra_context)


desk_site = PorticoAdminSite(name="admin")
desk_site.register(User, UserAdmin)
desk_site.register(Group, GroupAdmin)
