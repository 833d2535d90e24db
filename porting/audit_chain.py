"""The audit trail's hash chain (DESIGN §5, §11): each event's ``hash`` is the SHA-256 of the canonical
JSON of the previous event's hash and the event itself, per order, in ``sequence`` order. Editing,
removing or reordering an event breaks the chain from there on; ``verify_chain`` says where.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

# The previous hash of an order's first event.
GENESIS = "0" * 64


class ChainedEvent(Protocol):
    """What the chain covers of an event (a row of ``porting.models.Event``, or one in a migration)."""

    pk: Any
    order_id: Any
    type: str
    from_status: str
    to_status: str
    actor_type: str
    actor_id: str
    data: Any
    created_at: dt.datetime
    sequence: int
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string for one value, whatever order a database returns."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def timestamp(moment: dt.datetime) -> str:
    """UTC to the microsecond, as both databases store it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, event: ChainedEvent) -> str:
    payload = {
        "prev_hash": prev_hash,
        "id": str(event.pk),
        "order": str(event.order_id),
        "type": event.type,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": {"type": event.actor_type, "id": event.actor_id},
        "data": event.data,
        "created_at": timestamp(event.created_at),
        "sequence": event.sequence,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking one order's chain."""

    valid: bool
    events: int
    head: str
    broken_at: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.valid:
            return {"valid": True, "events": self.events, "head": self.head}
        return {"valid": False, "events": self.events, "broken_at": self.broken_at, "reason": self.reason}


def verify_chain(events: Iterable[ChainedEvent]) -> ChainCheck:
    """Check an order's events, given in ``sequence`` order: numbered 1, 2, 3 … without a gap, each
    pointing at the previous hash, each hash recomputed from its content."""
    prev, count = GENESIS, 0
    for count, event in enumerate(events, start=1):
        if event.sequence != count:
            return ChainCheck(False, count - 1, prev, str(event.pk),
                              f"sequence {event.sequence} where {count} was expected (an event is missing or moved)")
        if event.prev_hash != prev:
            return ChainCheck(False, count - 1, prev, str(event.pk),
                              "prev_hash does not match the previous event's hash")
        if event_hash(prev, event) != event.hash:
            return ChainCheck(False, count - 1, prev, str(event.pk),
                              "hash does not match the event's content (it was changed after it was written)")
        prev = event.hash
    return ChainCheck(True, count, prev)
