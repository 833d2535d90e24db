"""The outbox (DESIGN §9): put a side effect in the caller's transaction, hand it to a worker after
commit, claim it atomically, run it once, retry it on its kind's schedule, end it ``done`` or ``dead``.

- ``put`` writes the row inside the service's transaction and enqueues it after commit. A broker
  that is down at that moment only delays it: the sweep enqueues due rows nobody holds.
- ``run`` claims a row with one conditional UPDATE (pending, due, no live lease), so parallel or
  duplicate deliveries of one row run its handler once; a worker killed mid-task leaves a lease
  that expires, and the sweep hands the row to another worker.
- Without ``CELERY_BROKER_URL`` (the embedded demo) a row's first attempt runs in-process right
  after commit, and a daemon thread of the serving process sweeps due retries.

This module is the only writer of an outbox row's status (house rule 1 for this machine).
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from porting.effects import QUEUE_OF, Effect, GiveUp, RetryLater, dispatcher, handler_for
from porting.formatting import utc_timestamp
from porting.models import OutboxMessage, OutboxStatus, PortOrder

logger = logging.getLogger(__name__)

MINUTE, HOUR = 60, 3600
# Seconds to wait after attempt N fails (N = 1, 2, …); past the end of its list a row is dead.
# Carrier and email: five quick retries within ~9 minutes, then back off to hours (about 2 days in all).
# LOA: seconds first (a render fails for a local reason), then minutes and hours.
# Webhooks (DESIGN §10): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
_QUICK_THEN_HOURS = (15, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR, 24 * HOUR)
RETRY_SCHEDULES: dict[str, tuple[int, ...]] = {
    "carrier": _QUICK_THEN_HOURS,
    "email": _QUICK_THEN_HOURS,
    "loa": (2, 5, 15, 30, MINUTE, 5 * MINUTE, 30 * MINUTE, HOUR, 4 * HOUR, 12 * HOUR),
    "webhooks": (5, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR),
}
# Retries due within this many seconds ride on the broker with a countdown; later ones wait for the sweep.
COUNTDOWN_LIMIT = 5 * MINUTE
ERROR_EXCERPT = 500


def is_last_attempt(message: OutboxMessage) -> bool:
    """Whether the attempt now running is the last its queue's schedule allows (a handler may then give up
    in its own way, e.g. mark a webhook delivery failed)."""
    return message.attempts > len(RETRY_SCHEDULES[message.queue])


def retry_delay(queue: str, failed_attempts: int) -> float | None:
    """Seconds until the next attempt after ``failed_attempts`` failures (±10 % jitter), or None: dead."""
    schedule = RETRY_SCHEDULES[queue]
    if failed_attempts > len(schedule):
        return None
    return schedule[failed_attempts - 1] * random.uniform(0.9, 1.1)


def embedded() -> bool:
    """No broker configured: effects run in this process."""
    return not settings.CELERY_BROKER_URL


# --- put: inside the service's transaction -------------------------------------------------------
def put(
    effect: Effect, *, target_id: str, order: PortOrder | None = None, payload: dict[str, Any] | None = None,
    secret: str | None = None,
) -> OutboxMessage:
    """Write the effect's row in the current transaction; it is enqueued once the transaction commits."""
    message = OutboxMessage.objects.create(
        kind=effect, queue=QUEUE_OF[effect], order=order, target_id=target_id, payload=payload or {},
        secret=secret, enqueued_at=timezone.now(),
    )
    transaction.on_commit(lambda: dispatch(message.pk, message.queue))
    return message


# After a failed publish this process stops trying the broker for a moment: a broker that does not
# answer costs each attempt the connection timeout, and one request may write several rows.
BROKER_BACKOFF_SECONDS = 2.0
_broker_down_until = 0.0


def dispatch(message_id: str, queue: str, countdown: float | None = None) -> None:
    """Hand a row to a worker. Never raises: a row that could not be handed over waits for the sweep."""
    global _broker_down_until
    try:
        if embedded():
            if countdown is None:
                run(message_id)  # one attempt inline; the embedded sweeper does the retries
            return
        if time.monotonic() < _broker_down_until:
            raise ConnectionError("the broker failed moments ago; leaving this row to the sweep")
        try:
            dispatcher()(message_id, queue, countdown)
        except Exception:
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
            raise
    except Exception:
        logger.warning("outbox: could not hand %s to a worker; the sweep will", message_id, exc_info=True)
        try:
            OutboxMessage.objects.filter(pk=message_id).update(enqueued_at=None)
        except Exception:
            logger.warning("outbox: could not mark %s for the sweep", message_id, exc_info=True)


# --- run: claim, perform, finish ---------------------------------------------------------------
def _claimable(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, due_at__lte=now) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))


# The claim: one conditional UPDATE that returns the claimed row (PostgreSQL and SQLite >= 3.35 both
# have RETURNING; Django's update() does not return rows, and a second SELECT cost ~1 ms per effect in
# bench/outbox.py).
_CLAIM_SQL = (
    "UPDATE porting_outboxmessage SET claim = %s, locked_until = %s, attempts = attempts + 1 "
    "WHERE id = %s AND status = %s AND due_at <= %s AND (locked_until IS NULL OR locked_until <= %s) "
    "RETURNING *"
)


@contextmanager
def _bookkeeping() -> Iterator[None]:
    """A transaction for the outbox's own bookkeeping (claim, done, retry) whose commit does not wait for
    PostgreSQL's WAL flush (``synchronous_commit`` off for this transaction only).

    Measured in bench/outbox.py: the two flushes were ~4.5 ms of an ~8.5 ms effect. What it risks: if
    PostgreSQL itself crashes, the last fraction of a second of claims and "done" marks may be lost, so
    those effects run again (handlers are idempotent; delivery is at least once). The row itself is
    written by the service's own, synchronous transaction: a committed change never loses its effect.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
        yield


def _claim(message_id: str, *, claim: str, now: dt.datetime, until: dt.datetime) -> OutboxMessage | None:
    at = connection.ops.adapt_datetimefield_value
    with _bookkeeping():
        rows = list(OutboxMessage.objects.raw(
            _CLAIM_SQL, [claim, at(until), message_id, OutboxStatus.PENDING.value, at(now), at(now)]
        ))
    return rows[0] if rows else None


def run(message_id: str) -> str:
    """Claim the row and perform its effect once. Returns ``done``, ``retry``, ``dead`` or ``skipped``
    (another worker holds it, it is not due, or it has ended)."""
    now = timezone.now()
    claim = secrets.token_hex(8)
    lease = dt.timedelta(seconds=settings.PORTING_OUTBOX_LEASE_SECONDS)
    message = _claim(message_id, claim=claim, now=now, until=now + lease)
    if message is None:
        return "skipped"
    started = timezone.now()
    try:
        handler_for(message.kind)(message)
    except GiveUp as exc:
        error = f"{exc}"[:ERROR_EXCERPT]
        logger.error("outbox: %s %s gave up: %s", message.kind, message.pk, error)
        _ended(message, claim, started, OutboxStatus.DEAD, error=error, secret_purged=False)
        return "dead"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_EXCERPT]
        logger.warning("outbox: %s %s attempt %s failed: %s", message.kind, message.pk, message.attempts, error)
        return _failed(message, claim, started, error, exc.seconds if isinstance(exc, RetryLater) else None)
    _ended(message, claim, started, OutboxStatus.DONE, error="", secret_purged=True)
    return "done"


def _log_entry(message: OutboxMessage, started: dt.datetime, error: str) -> list[dict[str, Any]]:
    entry = {"attempt": message.attempts, "started_at": utc_timestamp(started),
             "finished_at": utc_timestamp(timezone.now()), "error": error}
    return [*message.attempt_log, entry]


def _ended(message: OutboxMessage, claim: str, started: dt.datetime, status: str, *, error: str,
           secret_purged: bool) -> None:
    fields: dict[str, Any] = {
        "status": status, "claim": "", "locked_until": None, "last_error": error,
        "attempt_log": _log_entry(message, started, error), "done_at": timezone.now(),
    }
    if secret_purged:
        fields["secret"] = None
    with _bookkeeping():
        OutboxMessage.objects.filter(pk=message.pk, claim=claim).update(**fields)


def _failed(message: OutboxMessage, claim: str, started: dt.datetime, error: str,
            asked_delay: float | None = None) -> str:
    delay = retry_delay(message.queue, message.attempts)
    if delay is not None and asked_delay is not None:
        delay = min(asked_delay, HOUR)  # the target's Retry-After, capped at an hour
    if delay is None:
        logger.error("outbox: %s %s is dead after %s attempts: %s", message.kind, message.pk, message.attempts, error)
        _ended(message, claim, started, OutboxStatus.DEAD, error=error, secret_purged=False)
        return "dead"
    due = timezone.now() + dt.timedelta(seconds=delay)
    by_broker = delay <= COUNTDOWN_LIMIT and not embedded()
    with _bookkeeping():
        OutboxMessage.objects.filter(pk=message.pk, claim=claim).update(
            claim="", locked_until=None, last_error=error, attempt_log=_log_entry(message, started, error), due_at=due,
            enqueued_at=due if by_broker else None,
        )
    if by_broker:
        dispatch(message.pk, message.queue, countdown=delay)
    return "retry"


def purge_secrets(effect: Effect, *, target_ids: list[str]) -> None:
    """Delete secrets no longer needed: a signing link that died before (or after) its email went out.
    A row whose secret is gone sends nothing."""
    OutboxMessage.objects.filter(kind=effect, target_id__in=target_ids, secret__isnull=False).update(secret=None)


# --- the sweep: due rows that no worker holds ---------------------------------------------------
def due_messages(now: dt.datetime | None = None) -> QuerySet[OutboxMessage]:
    now = now or timezone.now()
    return OutboxMessage.objects.filter(_claimable(now)).order_by("due_at")


def sweep(*, limit: int = 1000) -> int:
    """Enqueue due rows that nobody holds and that were not handed to the broker recently; returns how many.

    A row handed over less than ``PORTING_OUTBOX_REDELIVER_SECONDS`` ago is probably waiting in a
    queue; after that it counts as lost (broker down at commit, message dropped) and goes again.
    Duplicates are harmless: the claim lets one of them run.
    """
    if embedded():
        return run_due_inline(limit=limit)
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.PORTING_OUTBOX_REDELIVER_SECONDS)
    due = due_messages(now).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
    rows = list(due.values_list("pk", "queue")[:limit])
    if not rows:
        return 0
    OutboxMessage.objects.filter(pk__in=[pk for pk, _ in rows]).update(enqueued_at=now)
    for pk, queue in rows:
        dispatch(pk, queue)
    return len(rows)


def run_due_inline(*, limit: int = 100) -> int:
    """The embedded sweep: run due rows in this process; returns how many were attempted."""
    ids = list(due_messages().values_list("pk", flat=True)[:limit])
    for pk in ids:
        run(pk)
    return len(ids)


def retry_now(message: OutboxMessage) -> bool:
    """Make a waiting or dead row due now (the desk's "retry now"); a dead row gets one more attempt."""
    now = timezone.now()
    changed = OutboxMessage.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        pk=message.pk, status__in=[OutboxStatus.PENDING, OutboxStatus.DEAD],
    ).update(status=OutboxStatus.PENDING, due_at=now, enqueued_at=now, done_at=None)
    if changed:
        transaction.on_commit(lambda: dispatch(message.pk, message.queue))
    return bool(changed)


# --- the embedded sweeper thread ----------------------------------------------------------------
_sweeper_lock = threading.Lock()
_sweeper: threading.Thread | None = None


def _sweep_forever() -> None:
    while True:
        time.sleep(settings.PORTING_OUTBOX_SWEEP_SECONDS)
        try:
            run_due_inline()
        except Exception:
            logger.warning("outbox: the embedded sweep failed; trying again later", exc_info=True)
        finally:
            close_old_connections()


def start_embedded_sweeper(**_: Any) -> None:
    """Start (once per process) the thread that retries due effects when there is no broker and no beat.

    Connected to ``request_started``, so it runs in serving processes only (not in migrate or tests).
    """
    global _sweeper
    if _sweeper is not None or not embedded() or not settings.PORTING_OUTBOX_EMBEDDED_SWEEPER:
        return
    with _sweeper_lock:
        if _sweeper is None:
            _sweeper = threading.Thread(target=_sweep_forever, name="outbox-sweeper", daemon=True)
            _sweeper.start()
