"""The porting app."""
from __future__ import annotations

from django.apps import AppConfig


class PortingConfig(AppConfig):
    name = "porting"
    verbose_name = "Number porting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from porting import tasks  # noqa: F401 - registers the Celery tasks as the runners of the effects
        from porting.permissions import ensure_desk_groups

        # After auth's own handler has created the permissions (it runs first: auth is listed earlier).
        post_migrate.connect(ensure_desk_groups, dispatch_uid="porting.ensure_desk_groups")
