"""Who acted, and the audit trail: every state change writes one event in the same transaction,
under the order's row lock."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from porting import outbox
from porting.audit_chain import GENESIS, event_hash
from porting.effects import Effect
from porting.errors import InvalidState
from porting.fields import new_typeid
from porting.models import ENDED_STATUSES, ActorType, Event, PortOrder
from porting.notifications.emails import status_email_audiences
from porting.services.webhooks import webhook_deliveries_create


@dataclass(frozen=True)
class Actor:
    """Who did something: an API key, the customer, a staff user, the carrier or the system."""

    type: str
    id: str = ""


SYSTEM = Actor(ActorType.SYSTEM)


def record_event(
    order: PortOrder, type_: str, actor: Actor, *, from_status: str = "", to_status: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one audit event and, in the same transaction, the outbox rows of the emails it causes
    (the caller holds the transaction)."""
    # The order's row lock orders its events and their sequence (most callers hold it already: then this
    # round trip waits for nobody).
    PortOrder.objects.select_for_update().filter(pk=order.pk).values_list("pk").first()
    last = Event.objects.filter(order=order).order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = Event(
        id=new_typeid("evt"),
        order=order,
        type=type_,
        from_status=from_status,
        to_status=to_status,
        actor_type=actor.type,
        actor_id=actor.id,
        # Stored as the database returns it, so the hash written is the hash recomputed later.
        data=json.loads(json.dumps(data or {})),
        sequence=sequence,
        created_at=timezone.now(),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(prev_hash, event)
    event.save(force_insert=True)
    for audience in status_email_audiences(type_, event.data):
        outbox.put(Effect.STATUS_EMAIL, target_id=event.pk, order=order, payload={"audience": audience})
    webhook_deliveries_create(event, order)
    return event


def lock_order(order: PortOrder) -> PortOrder:
    """A fresh copy of the order, row-locked for the rest of the transaction."""
    locked: PortOrder = PortOrder.objects.select_for_update().prefetch_related("numbers").get(pk=order.pk)
    return locked


def refetch_order(order: PortOrder) -> PortOrder:
    fresh: PortOrder = PortOrder.objects.prefetch_related("numbers").get(pk=order.pk)
    return fresh


def save_order(order: PortOrder) -> None:
    """Save under optimistic locking: losing a race to another change is a 409, not a 500."""
    try:
        order.save()
    except ConcurrentTransition:
        raise InvalidState("The port order was changed by another request at the same time; fetch it and retry.")


def run_transition(
    order: PortOrder, name: str, actor: Actor, event_type: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    """Call the order's transition ``name`` (409 if it may not), save, and write its event."""
    method = getattr(order, name)
    if not can_proceed(method):
        raise InvalidState(f"Cannot {name.replace('_', ' ')} a port order in status '{order.status}'.")
    from_status = order.status
    method(**kwargs)
    order.updated_at = timezone.now()
    save_order(order)
    if order.status in ENDED_STATUSES:  # its numbers may go into a new order now
        order.numbers.update(is_open=False)
    record_event(order, event_type, actor, from_status=from_status, to_status=order.status, data=data)
