"""The porting app."""
from __future__ import annotations

from django.apps import AppConfig


class PortingConfig(AppConfig):
    name = "porting"
    verbose_name = "Number porting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import request_started
        from django.db.models.signals import post_migrate

        from porting import tasks  # noqa: F401 - registers the handlers of the effects and the broker dispatch
        from porting.checks import field_encryption_keys_check, secret_key_lists_check
        from porting.outbox import start_embedded_sweeper
        from porting.permissions import ensure_desk_groups
        from porting.redaction import install_log_redaction

        install_log_redaction()  # signing-link tokens never reach a log line

        # `check --deploy` warns about unset secret-key lists (DEBUG off); a malformed one is always an error.
        checks.register(secret_key_lists_check, checks.Tags.security, deploy=True)
        checks.register(field_encryption_keys_check, checks.Tags.security)

        # Without a broker, the first request of a serving process starts the thread that retries effects.
        request_started.connect(start_embedded_sweeper, dispatch_uid="porting.outbox_sweeper")

        # After auth's own handler has created the permissions (it runs first: auth is listed earlier).
        post_migrate.connect(ensure_desk_groups, dispatch_uid="porting.ensure_desk_groups")
