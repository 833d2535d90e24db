"""What the losing carrier answers: FOC, rejection, completion; polling it, and handing it orders.

The same services serve the sandbox carrier's polls, the test helpers and the porting desk.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from porting import outbox
from porting.carriers import CarrierError, CarrierUpdate, carrier_for_mode
from porting.effects import refresh_fanout
from porting.errors import ValidationFailed, field_error
from porting.formatting import hhmm
from porting.models import AT_CARRIER_STATUSES, ActorType, PortOrder, PortStatus
from porting.rejections import REJECTION_CATALOGUE
from porting.services.audit import Actor, lock_order, refetch_order, run_transition
from porting.services.loa import port_order_generate_loa, port_order_has_current_loa

logger = logging.getLogger(__name__)


def port_order_record_foc(
    *, order: PortOrder, actor: Actor, date: dt.date | None = None, time: dt.time | None = None
) -> PortOrder:
    """The carrier confirmed the port date (FOC); defaults to the requested date and time."""
    with transaction.atomic():
        order = lock_order(order)
        date = date or order.requested_foc_date
        time = time if time is not None else order.requested_foc_time
        if date is None:
            raise ValidationFailed("An FOC date is required.", errors=[field_error("/date", "This field is required.")])
        run_transition(order, "confirm_foc", actor, "port_order.foc",
                       data={"date": date.isoformat(), "time": hhmm(time)}, date=date, time=time)
    return refetch_order(order)


def port_order_record_rejection(*, order: PortOrder, actor: Actor, code: str, message: str = "") -> PortOrder:
    """The carrier rejected the order; it waits in ``exception`` for a fix and a resubmission."""
    if code not in REJECTION_CATALOGUE:
        raise ValidationFailed(
            f"Unknown rejection code {code!r}.",
            errors=[field_error("/code", "Must be one of: " + ", ".join(REJECTION_CATALOGUE) + ".")],
        )
    message = message or REJECTION_CATALOGUE[code].reason
    with transaction.atomic():
        order = lock_order(order)
        run_transition(order, "reject", actor, "port_order.exception", data={"code": code, "message": message},
                       code=code, message=message, at=timezone.now())
    return refetch_order(order)


def port_order_complete(*, order: PortOrder, actor: Actor) -> PortOrder:
    """The numbers moved: the order is complete and its secrets are purged."""
    with transaction.atomic():
        order = lock_order(order)
        run_transition(order, "complete", actor, "port_order.completed", at=timezone.now())
    return refetch_order(order)


def _apply_carrier_update(order: PortOrder, update: CarrierUpdate, actor: Actor) -> PortOrder:
    if update.kind == "foc":
        return port_order_record_foc(order=order, actor=actor, date=update.foc_date, time=update.foc_time)
    if update.kind == "exception":
        return port_order_record_rejection(order=order, actor=actor, code=update.code, message=update.message)
    if update.kind == "complete":
        return port_order_complete(order=order, actor=actor)
    raise ValueError(f"unknown carrier update {update.kind!r}")


def port_order_refresh(*, order: PortOrder, force: bool = False) -> PortOrder:
    """Ask the carrier about an order it holds, at most once per refresh interval.

    The carrier is called outside any transaction; its answer is applied under the row lock and
    only if the order is still in the state that was polled. A carrier failure is logged and the
    order returned as it was: reading an order never fails because a carrier is down.
    """
    if order.status not in AT_CARRIER_STATUSES:
        return order
    carrier = carrier_for_mode(order.livemode)
    interval = carrier.refresh_seconds if carrier.refresh_seconds is not None else settings.PORTING_REFRESH_SECONDS
    now = timezone.now()
    if not force and order.carrier_polled_at and (now - order.carrier_polled_at).total_seconds() < interval:
        return order
    polled_status = order.status
    try:
        update = carrier.poll(order)
    except CarrierError as exc:
        logger.warning("carrier %s poll failed for %s: %s", carrier.name, order.pk, exc.message)
        update = None
    PortOrder.objects.filter(pk=order.pk).update(carrier_polled_at=now)
    if update is None:
        return order
    with transaction.atomic():
        current = lock_order(order)
        if current.status != polled_status:
            return refetch_order(current)
        return _apply_carrier_update(current, update, Actor(ActorType.CARRIER, carrier.name))


def port_orders_refresh(*, order_ids: list[str]) -> int:
    """Poll the carriers for these orders (one batch); returns how many were polled."""
    orders = PortOrder.objects.filter(pk__in=order_ids, status__in=AT_CARRIER_STATUSES).prefetch_related("numbers")
    count = 0
    for order in orders:
        port_order_refresh(order=order)
        count += 1
    return count


def port_orders_refresh_open(*, batch_size: int | None = None) -> int:
    """Poll every order the carriers hold, least recently polled first; returns how many orders.

    With a broker the polls are fanned out as one task per batch (the ``carrier`` queue's workers
    poll in parallel); without one they run here, batch by batch.
    """
    batch_size = batch_size or settings.PORTING_REFRESH_BATCH_SIZE
    ids = list(
        PortOrder.objects.filter(status__in=AT_CARRIER_STATUSES)
        .order_by("carrier_polled_at", "id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        if outbox.embedded():
            port_orders_refresh(order_ids=batch)
        else:
            refresh_fanout()(batch)
    return len(ids)


def port_order_send_to_carrier(*, order_id: str) -> None:
    """After commit (the outbox): hand a submitted order to its carrier, with its signed LOA.

    The LOA is rendered first if it is still missing, so no order reaches a carrier without it.
    A transient carrier error raises (the outbox retries); a permanent one becomes an exception.
    Idempotent: an order no longer ``submitted`` is not sent.
    """
    order = PortOrder.objects.prefetch_related("numbers").get(pk=order_id)
    if order.status != PortStatus.SUBMITTED:
        return
    if not port_order_has_current_loa(order=order) and port_order_generate_loa(order_id=order.pk) is None:
        raise RuntimeError(f"the signed LOA of {order.pk} could not be rendered; not sending it to the carrier")
    carrier = carrier_for_mode(order.livemode)
    try:
        carrier.submit(order)
    except CarrierError as exc:
        if not exc.permanent:
            raise
        port_order_record_rejection(order=order, actor=Actor(ActorType.CARRIER, carrier.name), code="other",
                                    message=exc.message)


def port_order_cancel_at_carrier(*, order_id: str) -> None:
    """After commit (the outbox): tell the carrier a submitted order was cancelled. Errors raise: retried."""
    order = PortOrder.objects.prefetch_related("numbers").get(pk=order_id)
    if order.status != PortStatus.CANCELLED:
        return
    carrier_for_mode(order.livemode).cancel(order)
