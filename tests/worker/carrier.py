"""The live-mode carrier of the worker tests, loaded by dotted path in the web and worker processes.

The test steers it across processes through files in ``PORTICO_WORKER_CARRIER_DIR``, one pair per order:

- ``<order id>.plan.json`` (written by the test before it submits): what ``submit`` does.
  ``{"sleep_first": s}`` sleeps ``s`` seconds in the first attempt (to be killed there),
  ``{"transient": k}`` fails the first ``k`` attempts with a retryable error,
  ``{"permanent": true}`` fails with a permanent one. No file: the carrier accepts the order.
- ``<order id>.log`` (appended by the carrier): one line per step, ``<step> <pid> <unix time>``, where
  step is ``submit_started``, ``submit_completed``, ``submit_failed`` or ``cancel_completed``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

from porting.carriers import CarrierError, NumberLookup
from porting.carriers.manual import ManualCarrier
from porting.models import PortOrder
from porting.phone import ParsedNumber


def _directory() -> Path:
    return Path(os.environ["PORTICO_WORKER_CARRIER_DIR"])


def record(order_id: str, step: str) -> None:
    """Append one line; a single short write with O_APPEND is atomic between processes."""
    with open(_directory() / f"{order_id}.log", "a") as log:
        log.write(f"{step} {os.getpid()} {time.time():.3f}\n")


def steps(order_id: str) -> list[tuple[str, int, float]]:
    path = _directory() / f"{order_id}.log"
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [(step, int(pid), float(at)) for step, pid, at in lines]


class ScriptedCarrier(ManualCarrier):
    """The manual carrier's polls; a lookup that knows the losing carrier (so live orders need no desk
    confirmation before approval); a submit that does what the order's plan says, and says so."""

    name = "scripted"

    def lookup(self, numbers: list[ParsedNumber]) -> list[NumberLookup]:
        return [dataclasses.replace(r, losing_carrier_name="Verizon Wireless", losing_carrier_spid="6006",
                                    is_wireless=True) if r.portable else r
                for r in super().lookup(numbers)]

    def submit(self, order: PortOrder) -> None:
        plan_path = _directory() / f"{order.pk}.plan.json"
        plan = json.loads(plan_path.read_text()) if plan_path.exists() else {}
        earlier = sum(1 for step, _, _ in steps(order.pk) if step == "submit_started")
        record(order.pk, "submit_started")
        if earlier == 0 and plan.get("sleep_first"):
            time.sleep(plan["sleep_first"])
        if plan.get("permanent"):
            record(order.pk, "submit_failed")
            raise CarrierError("the losing carrier refuses orders for this account", permanent=True)
        if earlier < plan.get("transient", 0):
            record(order.pk, "submit_failed")
            raise CarrierError("carrier API answered 503 Service Unavailable")
        record(order.pk, "submit_completed")

    def cancel(self, order: PortOrder) -> None:
        record(order.pk, "cancel_completed")
