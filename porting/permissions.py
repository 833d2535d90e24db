"""The porting desk's groups: agents work orders, viewers only read.

A data migration creates them; this post_migrate handler makes sure they exist after every
migrate and flush (as Django does for permissions), adding missing permissions without removing
any an operator granted.
"""
from __future__ import annotations

from typing import Any

# Permissions the desk's services check (Meta.permissions of PortOrder).
WORK_PERMISSION = "porting.work_portorder"
REVEAL_PERMISSION = "porting.reveal_portorder_secrets"

AGENT = "Porting agent"
VIEWER = "Porting viewer"
VIEW = ["view_portorder", "view_portordernumber", "view_event", "view_comment", "view_account", "view_platform"]
WORK = ["work_portorder", "reveal_portorder_secrets", "add_comment"]
GROUPS = {VIEWER: VIEW, AGENT: VIEW + WORK}


def ensure_desk_groups(sender: Any = None, *, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = Permission.objects.using(using).filter(content_type__app_label="porting", codename__in=codenames)
        group.permissions.add(*wanted)
