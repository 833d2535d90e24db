"""Side effects that follow a committed state change, named by a typed key.

Services say *what* must happen after commit (``after_commit(Effect.CARRIER_SUBMIT, order_id)``);
the task layer registers *how* (its Celery task's ``delay``) when it is imported. This keeps the
layers pointing down (services never import tasks) without finding tasks by string name.
"""
from __future__ import annotations

import enum
from collections.abc import Callable

from django.db import transaction


class Effect(enum.StrEnum):
    CARRIER_SUBMIT = "carrier_submit"
    CARRIER_CANCEL = "carrier_cancel"
    LOA_RENDER = "loa_render"
    APPROVAL_REQUEST_EMAIL = "approval_request_email"
    APPROVAL_DECLINED_EMAIL = "approval_declined_email"


Runner = Callable[..., object]
_runners: dict[Effect, Runner] = {}


def register(effect: Effect, runner: Runner) -> None:
    """Called by ``porting.tasks`` at import: ``runner(*args)`` starts the effect (a task's ``delay``)."""
    _runners[effect] = runner


def after_commit(effect: Effect, *args: str) -> None:
    """Start ``effect`` with ``args`` (ids) once the current transaction commits."""
    runner = _runners.get(effect)
    if runner is None:
        raise RuntimeError(f"no runner registered for {effect}: is porting.tasks imported (PortingConfig.ready)?")
    transaction.on_commit(lambda: runner(*args))
