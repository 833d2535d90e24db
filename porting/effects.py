"""Side effects by name: what kinds exist, which queue each runs on, and who performs it.

Services name an effect (``outbox.put(Effect.CARRIER_SUBMIT, …)``); the task layer registers at
import how each is performed (a handler that loads by id and calls a service) and how a row is
handed to the broker. This keeps the layers pointing down: services never import tasks, and
nothing is found by string name.
"""
from __future__ import annotations

import enum
from collections.abc import Callable

from porting.models import OutboxMessage


class Effect(enum.StrEnum):
    CARRIER_SUBMIT = "carrier_submit"
    CARRIER_CANCEL = "carrier_cancel"
    LOA_RENDER = "loa_render"
    APPROVAL_REQUEST_EMAIL = "approval_request_email"
    STATUS_EMAIL = "status_email"
    WEBHOOK_DELIVERY = "webhook_delivery"
    WEBHOOK_DISABLED_EMAIL = "webhook_disabled_email"
    DOCUMENT_FILE_DELETE = "document_file_delete"


# Each queue has its own workers, so a slow email server or webhook receiver never delays a carrier submit.
QUEUE_OF: dict[Effect, str] = {
    Effect.CARRIER_SUBMIT: "carrier",
    Effect.CARRIER_CANCEL: "carrier",
    Effect.LOA_RENDER: "loa",
    Effect.DOCUMENT_FILE_DELETE: "loa",  # file work, like the LOA: a slow store never delays a carrier call
    Effect.APPROVAL_REQUEST_EMAIL: "email",
    Effect.STATUS_EMAIL: "email",
    Effect.WEBHOOK_DELIVERY: "webhooks",
    Effect.WEBHOOK_DISABLED_EMAIL: "email",
}

Handler = Callable[[OutboxMessage], object]


class GiveUp(Exception):
    """Raised by a handler whose effect can never succeed as it stands (retrying cannot help): the row is
    dead at once, its error on the desk, where "Retry now" is there once the cause is fixed."""


class RetryLater(Exception):
    """Raised by a handler whose target asked to be retried after ``seconds`` (an HTTP Retry-After)."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds
# Hands a row to the broker: (message id, queue, countdown seconds or None).
Dispatcher = Callable[[str, str, float | None], object]

# Hands a batch of open orders' carrier polls to the broker.
RefreshFanout = Callable[[list[str]], object]

_handlers: dict[Effect, Handler] = {}
_dispatchers: list[Dispatcher] = []
_refresh_fanouts: list[RefreshFanout] = []


def register_handler(effect: Effect, handler: Handler) -> None:
    """Called by ``porting.tasks`` at import: ``handler(message)`` performs the effect (idempotently)."""
    _handlers[effect] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[Effect(kind)]
    except (KeyError, ValueError):
        raise RuntimeError(f"no handler registered for {kind!r}: is porting.tasks imported (PortingConfig.ready)?")


def register_dispatcher(dispatcher: Dispatcher) -> None:
    """Called by ``porting.tasks`` at import: how a row is enqueued on the broker."""
    _dispatchers[:] = [dispatcher]


def dispatcher() -> Dispatcher:
    if not _dispatchers:
        raise RuntimeError("no outbox dispatcher registered: is porting.tasks imported (PortingConfig.ready)?")
    return _dispatchers[0]


def register_refresh_fanout(fanout: RefreshFanout) -> None:
    """Called by ``porting.tasks`` at import: how a batch of carrier polls is enqueued on the broker."""
    _refresh_fanouts[:] = [fanout]


def refresh_fanout() -> RefreshFanout:
    if not _refresh_fanouts:
        raise RuntimeError("no refresh fan-out registered: is porting.tasks imported (PortingConfig.ready)?")
    return _refresh_fanouts[0]
