#!/usr/bin/env python
"""Webhook delivery benchmark (run by hand, not in CI): `make bench-webhooks` or `.venv/bin/python bench/webhooks.py`.

Issue #10 item 9. Runs real Celery workers against PostgreSQL (a database of its own, created and
dropped here) and Redis (a db number of its own, flushed before and after), two local receivers
(bench/webhook_receiver.py: asyncio, 204 to every POST, each receipt's webhook-id and arrival time
kept in memory) and two webhook endpoints of one platform pointing at them (created with
services.webhook_endpoint_create, PORTING_WEBHOOK_ALLOW_PRIVATE_URLS=true in every process's env).
It measures, in one run:

  1. throughput: EVENTS events, each fanned out to both endpoints (2 x EVENTS deliveries), against the
     floor: plain HTTP POSTs of the same 2 x EVENTS bodies to the same receivers from the same number
     of processes and threads (bench/webhook_floor.py: http.client, a new connection per POST like
     post_json; no database, broker or signature).
     The events are real: porting.services.audit.record_event("port_order.updated") on ORDERS
     existing test-mode orders (1 to 5 numbers each), PER_TRANSACTION events per transaction, so the
     fan-out (webhook_deliveries_create: the body, a delivery and an outbox row per endpoint) happens
     in the transaction and the publish on commit. While they are written the workers do not consume
     the `webhooks` queue (cancel_consumer), so the 2 x EVENTS messages wait in Redis; then
     add_consumer, and the delivery time runs from that call to the last receipt at the receivers. The
     floor's runs from the line that starts its (already loaded) processes to the last receipt. So both
     sides drain the same backlog and neither waits for a producer; the producer's own cost (the
     fan-out, paid inside the caller's transaction) is reported separately.
     Target: deliveries/s >= 0.5 x the floor's.
  2. commit-to-receipt latency at RATE events/s for LATENCY_SECONDS, one event per transaction (like
     requests in several web processes: PRODUCERS processes, `bench/webhooks.py --produce`, event i due at
     start + i / RATE, so one slow transaction does not hold the next), consumers running: receipt time at the receiver - the event's created_at (set
     just before the fan-out, a few ms before the commit). Target: p95 < 2 s, at the rate asked: the
     rate the producers reached is a check of its own.
  3. where a delivery's time goes: with no worker running, outbox.run on PROFILE_EVENTS x 2 delivery
     rows in this process against the same receivers, each SQL statement timed (statements per
     delivery, time per statement), Python CPU per delivery; then a cProfile of as many more, and one
     of the producer writing their events (the fan-out).

Workers: two processes of `celery -A portal worker -Q webhooks -P threads -c CONCURRENCY` (deliveries
wait on the network and the database: threads, and one database connection per thread; BENCH_POOL=prefork
runs prefork -c CONCURRENCY, and the floor then uses 2 x CONCURRENCY single-threaded processes). The
floor: 2 processes x CONCURRENCY threads. Rounds of 1 alternate which side goes first and the median of
their ratios is reported. The machine is usually shared and noisy, so each side's CPU time per delivery is
measured too (workers, the bench database's PostgreSQL backends, the receivers; the floor's processes),
and the sessions opened on the database while the workers drain the backlog are counted: Celery's Django
fixup closes the connection around every task unless CELERY_DB_REUSE_MAX (portal/settings.py) is set.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portico_bench_webhooks),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_EVENTS (10000), BENCH_ORDERS (1000), BENCH_ROUNDS (1),
BENCH_POOL (threads), BENCH_CONCURRENCY (8), BENCH_RATE (50), BENCH_LATENCY_SECONDS (20), BENCH_LATENCY_PRODUCERS (4),
BENCH_PROFILE_EVENTS (250), BENCH_TIMEOUT (the longest any one wait may take, 600 s), BENCH_KEEP_DB=1
keeps the database afterwards.
"""
from __future__ import annotations

import json
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import CpuMeter, admin_execute, stop_session  # noqa: E402 - after the path is set

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portico_bench_webhooks")
DB_NAME = DATABASE_URL.rsplit("/", 1)[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
POOL = os.environ.get("BENCH_POOL", "threads")
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "20"))
PRODUCERS = int(os.environ.get("BENCH_LATENCY_PRODUCERS", "4"))
PROFILE_EVENTS = int(os.environ.get("BENCH_PROFILE_EVENTS", "250"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"
PER_TRANSACTION = 100  # throughput setup: events recorded per transaction
WARMUP_EVENTS = 200
ENDPOINTS = 2
QUEUE = "webhooks"
ENV = {
    "DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": REDIS_URL, "BENCH_REDIS_URL": REDIS_URL,
    "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
    "PORTING_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
}


def clear_deliveries() -> None:
    from django.db import connection

    from porting.models import OutboxMessage, WebhookDelivery

    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{WebhookDelivery._meta.db_table}", "{OutboxMessage._meta.db_table}" CASCADE')


# --- receivers -----------------------------------------------------------------------------------
class Receivers:
    """ENDPOINTS receivers (bench/webhook_receiver.py), each a process in a session of its own."""

    def __init__(self, log_dir: Path) -> None:
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        for i in range(1, ENDPOINTS + 1):
            port_file = log_dir / f"receiver{i}.port"
            with open(log_dir / f"receiver{i}.log", "wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "bench.webhook_receiver", str(port_file)], cwd=ROOT,
                    env={**os.environ, **ENV}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
            deadline = time.monotonic() + 20
            while not port_file.exists():
                if time.monotonic() > deadline or self.procs[-1].poll() is not None:
                    raise SystemExit(f"receiver {i} did not start; see {log_dir}")
                time.sleep(0.05)
            self.ports.append(int(port_file.read_text()))

    @property
    def sessions(self) -> set[int]:
        return {p.pid for p in self.procs}

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}/hooks/{i}" for i, port in enumerate(self.ports, 1)]

    def _call(self, port: int, path: str, method: str = "GET") -> str:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()

    def reset(self) -> None:
        for port in self.ports:
            self._call(port, "/_reset", "POST")

    def stats(self) -> dict:
        """Receipts, distinct webhook-ids (summed over the receivers), first and last receipt time."""
        rows = [self._call(port, "/_stats").split() for port in self.ports]
        return {"receipts": sum(int(r[0]) for r in rows), "distinct": sum(int(r[1]) for r in rows),
                "first": min((float(r[2]) for r in rows if int(r[0])), default=0.0),
                "last": max(float(r[3]) for r in rows)}

    def receipts(self) -> list[list[tuple[str, float]]]:
        """Per receiver: (webhook-id, arrival time) of each POST, in arrival order."""
        out = []
        for port in self.ports:
            lines = self._call(port, "/_receipts").splitlines()
            out.append([(wid, float(t)) for wid, t in (line.split() for line in lines)])
        return out

    def wait_for(self, distinct: int, meter: CpuMeter | None = None) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            stats = self.stats()
            if stats["distinct"] >= distinct or time.monotonic() > deadline:
                return stats
            if meter is not None:
                meter.poll()
            time.sleep(0.1)

    def stop(self) -> None:
        for p in self.procs:
            stop_session(p, grace=5)


# --- workers -------------------------------------------------------------------------------------
class Workers:
    """Two `celery -A portal worker -Q webhooks` processes, each in a session of its own."""

    def __init__(self, pool_args: list[str], log_dir: Path) -> None:
        self.names = [f"bench{i}-webhooks@{socket.gethostname()}" for i in (1, 2)]
        self.procs: list[subprocess.Popen] = []
        self.logs = [log_dir / f"worker{i}.log" for i in (1, 2)]
        for name, log in zip(self.names, self.logs, strict=True):
            with open(log, "wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", QUEUE, "-n", name,
                     "-l", "warning", *pool_args],
                    cwd=ROOT, env={**os.environ, **ENV}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                ))

    @property
    def sessions(self) -> set[int]:
        return {p.pid for p in self.procs}

    def wait_ready(self, app) -> None:  # noqa: ANN001
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                raise SystemExit(f"a worker exited at start; see {self.logs}")
            replies = app.control.ping(timeout=1.0) or []
            if set(self.names) <= {name for reply in replies for name in reply}:
                return
        raise SystemExit(f"workers not ready after 60 s; see {self.logs}")

    def consume(self, app, on: bool) -> float:  # noqa: ANN001
        """Start or stop consuming the webhooks queue in both workers; returns the time of the call."""
        at = time.time()
        call = app.control.add_consumer if on else app.control.cancel_consumer
        replies = call(QUEUE, destination=self.names, reply=True, timeout=5) or []
        answered = {name for reply in replies for name in reply}
        if answered != set(self.names):
            raise SystemExit(f"{'add' if on else 'cancel'}_consumer: only {sorted(answered)} answered")
        return at

    def reuse_max(self, app) -> str:  # noqa: ANN001
        """CELERY_DB_REUSE_MAX as each worker's app sees it (what Celery's Django fixup reads)."""
        confs = app.control.inspect(destination=self.names, timeout=3).conf(with_defaults=True) or {}
        return ", ".join(f"{name.split('@')[0]}={conf.get('CELERY_DB_REUSE_MAX', conf.get('db_reuse_max'))}"
                         for name, conf in sorted(confs.items())) or "no answer"

    def stop(self) -> None:
        for p in self.procs:
            stop_session(p)


def purge(app, redis_client) -> None:  # noqa: ANN001
    """After a wait that hit its bound: drop what is still queued, so it does not run in the next measurement."""
    purged = redis_client.delete(QUEUE)
    print(f"    (bound of {TIMEOUT:g} s reached: dropped the queue ({purged}))", flush=True)
    time.sleep(3)


class Statements:
    """A Django execute wrapper: counts and times each statement by its shape (kind and table)."""

    SHAPE = re.compile(r'^(?:(UPDATE) "?(\w+)"? SET "?(\w+)|(INSERT) INTO "?(\w+)|(SELECT) .*? FROM "?(\w+)"?)', re.S)

    def __init__(self) -> None:
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    @classmethod
    def shape(cls, sql: str) -> str:
        m = cls.SHAPE.match(sql)
        if not m:
            return sql[:50]
        if m[1]:
            key = f"UPDATE {m[2]} SET {m[3]} …" + (" RETURNING" if "RETURNING" in sql else "")
        elif m[4]:
            key = f"INSERT INTO {m[5]}"
        else:
            key = f"SELECT FROM {m[7]}" + (" JOIN" if " JOIN " in sql else "") + (" (aggregate)" if "MAX(" in sql else "")
        return key + (" FOR UPDATE" if "FOR UPDATE" in sql else "")

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = self.stats[self.shape(sql)]
            entry[0] += 1
            entry[1] += time.perf_counter() - begun

    def count(self) -> int:
        return int(sum(c for c, _ in self.stats.values()))

    def seconds(self) -> float:
        return sum(t for _, t in self.stats.values())


# --- producing events ----------------------------------------------------------------------------
def load_orders(account) -> list:  # noqa: ANN001
    """ORDERS submitted test-mode orders with 1 to 5 numbers each, bulk-loaded like bench/outbox.py's."""
    from django.utils import timezone

    from porting.fields import new_typeid
    from porting.models import PortOrder, PortOrderNumber, PortStatus

    now = timezone.now()
    orders = [
        PortOrder(id=new_typeid("port"), account=account, livemode=False, status=PortStatus.SUBMITTED,
                  submitted_at=now, btn=f"+1202{i % 8000000 + 2000000:07d}", business_name=f"Business {i}",
                  approver_name="Jane Smith", address_house_number="123", address_street_name="Main St",
                  address_city="Washington", address_state="DC", address_zip="20001",
                  account_number="123456789", pin="1234")
        for i in range(ORDERS)
    ]
    PortOrder.objects.bulk_create(orders)
    PortOrderNumber.objects.bulk_create(
        PortOrderNumber(order=o, position=k, phone_number=f"+1303{(i * 5 + k) % 8000000 + 2000000:07d}",
                        losing_carrier_name="Lumen", losing_carrier_spid="9102", is_wireless=False)
        for i, o in enumerate(orders) for k in range(i % 5 + 1)
    )
    return list(PortOrder.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk"))


class Producer:
    """record_event("port_order.updated") on the orders, round robin, as a service does inside its transaction."""

    def __init__(self, orders: list) -> None:
        from porting.models import ActorType
        from porting.services import Actor

        self.orders = orders
        self.actor = Actor(ActorType.API_KEY, "key_bench")
        self.next = 0

    def event(self, index: int | None = None):  # noqa: ANN201
        """One event on the next order (or on order ``index``), in the caller's transaction."""
        from porting.services.audit import record_event

        if index is None:
            index, self.next = self.next, self.next + 1
        order = self.orders[index % len(self.orders)]
        return record_event(order, "port_order.updated", self.actor, data={"changed": ["business_name"]})

    def batch(self, n: int) -> dict:
        """n events, PER_TRANSACTION per transaction; the statements they cost and this process's CPU."""
        from django.db import connection, transaction

        statements = Statements()
        cpu, started = time.process_time(), time.time()
        with connection.execute_wrapper(statements):
            for start in range(0, n, PER_TRANSACTION):
                with transaction.atomic():
                    for _ in range(start, min(start + PER_TRANSACTION, n)):
                        self.event()
        return {"seconds": time.time() - started, "cpu": time.process_time() - cpu, "statements": statements}


# --- 1. throughput -------------------------------------------------------------------------------
def delivery_round(app, redis_client, workers: Workers, receivers: Receivers, producer: Producer) -> dict:  # noqa: ANN001
    from django.db.models import Count, Max, Q

    from porting.models import OutboxMessage, OutboxStatus, WebhookDelivery, WebhookDeliveryStatus

    expected = EVENTS * ENDPOINTS
    clear_deliveries()
    receivers.reset()
    workers.consume(app, on=False)
    produced = producer.batch(EVENTS)
    queued = redis_client.llen(QUEUE)
    meter = CpuMeter({"workers": workers.sessions, "receivers": receivers.sessions}, DB_NAME)
    meter.start()
    started = workers.consume(app, on=True)
    stats = receivers.wait_for(expected, meter)
    cpu = meter.stop()
    deadline = time.monotonic() + TIMEOUT  # the last outcomes are written just after the last receipts
    while (OutboxMessage.objects.filter(status=OutboxStatus.DONE).count() < expected
           and time.monotonic() < deadline):
        time.sleep(0.2)
    rows = OutboxMessage.objects.aggregate(
        done=Count("pk", filter=Q(status=OutboxStatus.DONE)), last=Max("done_at"),
        failed=Count("pk", filter=~Q(last_error="")), extra=Count("pk", filter=Q(attempts__gt=1)))
    succeeded = WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.SUCCEEDED).count()
    if stats["distinct"] < expected or rows["done"] < expected:
        purge(app, redis_client)
    bodies = list(WebhookDelivery.objects.order_by("pk").values_list("endpoint__url", "event_id_sent", "body"))
    return {"n": stats["distinct"], "receipts": stats["receipts"], "seconds": stats["last"] - started,
            "rate": stats["distinct"] / (stats["last"] - started), "first_receipt": stats["first"] - started,
            "queued": queued, "produced": produced, "done": rows["done"], "succeeded": succeeded,
            "failed": rows["failed"], "extra_attempts": rows["extra"],
            "done_seconds": rows["last"].timestamp() - started if rows["last"] else float("nan"),
            "cpu": cpu, "bodies": bodies}


def floor_round(receivers: Receivers, bodies: list, log_dir: Path) -> dict:
    processes, threads = (2 * CONCURRENCY, 1) if POOL == "prefork" else (2, CONCURRENCY)
    receivers.reset()
    procs = []
    try:
        for i in range(processes):
            path = log_dir / f"floor{i + 1}.jsonl"
            path.write_text("".join(json.dumps(item) + "\n" for item in bodies[i::processes]))
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "bench.webhook_floor", str(path), str(threads)], cwd=ROOT,
                env={**os.environ, **ENV}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, start_new_session=True))
        for p in procs:
            ready, _, _ = select.select([p.stdout], [], [], 60)
            if not ready or p.stdout.readline().strip() != "ready":
                raise SystemExit("a floor process did not start")
        meter = CpuMeter({"floor": {p.pid for p in procs}, "receivers": receivers.sessions}, DB_NAME)
        meter.start()
        started = time.time()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        deadline = time.monotonic() + TIMEOUT
        for p in procs:
            while p.poll() is None and time.monotonic() < deadline:
                meter.poll()
                time.sleep(0.1)
            out, _ = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
            results.append(json.loads(out.strip().splitlines()[-1]))
        cpu = meter.stop()
        cpu["floor"] = sum(r["cpu"] for r in results)  # reported by each process: it may exit between samples
    finally:
        for p in procs:
            stop_session(p, grace=5)
        for path in log_dir.glob("floor*.jsonl"):
            path.unlink()
    stats = receivers.stats()
    return {"n": stats["distinct"], "receipts": stats["receipts"], "seconds": stats["last"] - started,
            "rate": stats["distinct"] / (stats["last"] - started), "first_receipt": stats["first"] - started,
            "errors": sum(r["errors"] for r in results), "first_error": next((r["first_error"] for r in results
                                                                              if r["first_error"]), ""),
            "cpu": cpu, "processes": processes, "threads": threads}


# --- 2. latency ----------------------------------------------------------------------------------
def produce_main(k: int, total: int) -> None:
    """A latency producer (`bench/webhooks.py --produce K TOTAL`, started by latency_run with the bench's env):
    events k, k + PRODUCERS, … of TOTAL, event i due at start + i / RATE (start read from stdin), one per
    transaction; prints one JSON list of [event id, created_at, commit returned, lateness] per event."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.db import transaction

    from porting.models import PortOrder

    producer = Producer(list(PortOrder.objects.order_by("pk")))
    with transaction.atomic():
        producer.event(k)  # warm-up (imports, connections, the broker's); not measured
    print("ready", flush=True)
    started = float(sys.stdin.readline())
    interval = 1 / RATE
    results = []
    for i in range(k, total, PRODUCERS):
        wait = started + i * interval - time.time()
        if wait > 0:
            time.sleep(wait)
        with transaction.atomic():
            event = producer.event(i)
        results.append([event.pk, event.created_at.timestamp(), time.time(), max(0.0, -wait)])
    print(json.dumps(results), flush=True)


def latency_run(app, redis_client, receivers: Receivers, log_dir: Path) -> dict:  # noqa: ANN001
    """RATE events/s for LATENCY_SECONDS, event i due at start + i / RATE, one per transaction, written by
    PRODUCERS processes (event i by process i % PRODUCERS), like requests in several web processes."""
    total = int(RATE * LATENCY_SECONDS)
    receivers.reset()
    procs = []
    try:
        for k in range(PRODUCERS):
            with open(log_dir / f"producer{k + 1}.log", "wb") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, str(Path(__file__).resolve()), "--produce", str(k), str(total)], cwd=ROOT,
                    env={**os.environ, **ENV}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                    start_new_session=True))
        for p in procs:
            ready, _, _ = select.select([p.stdout], [], [], 60)
            if not ready or p.stdout.readline().strip() != "ready":
                raise SystemExit(f"a latency producer did not start; see {log_dir}")
        receivers.wait_for(PRODUCERS * ENDPOINTS)  # their warm-up events
        time.sleep(1)
        clear_deliveries()
        receivers.reset()
        started = time.time() + 0.5
        for p in procs:
            p.stdin.write(f"{started!r}\n")
            p.stdin.flush()
        done = []
        for p in procs:
            out, _ = p.communicate(timeout=LATENCY_SECONDS + TIMEOUT)
            done += [tuple(r) for r in json.loads(out.strip().splitlines()[-1])] if p.returncode == 0 else []
    finally:
        for p in procs:
            stop_session(p, grace=5)
    produced = max(r[2] for r in done) - started if done else float("nan")
    created = {pk: at for pk, at, _, _ in done}
    receivers.wait_for(len(done) * ENDPOINTS)
    latencies = []
    seen: set[tuple[int, str]] = set()
    for r, receipts in enumerate(receivers.receipts()):
        for wid, at in receipts:
            if (r, wid) not in seen and wid in created:
                seen.add((r, wid))
                latencies.append(at - created[wid])
    latencies.sort()
    expected = total * ENDPOINTS
    missing = expected - len(latencies)
    if missing:
        purge(app, redis_client)
    latencies += [float("inf")] * missing
    return {"n": expected, "missing": missing, "rate": len(done) / produced, "events": len(done),
            "worst_lag": max(r[3] for r in done), "late": sum(1 for r in done if r[3] > 0.1) / len(done),
            "p50": latencies[len(latencies) // 2], "p95": latencies[min(expected - 1, int(expected * 0.95))],
            "p99": latencies[min(expected - 1, int(expected * 0.99))], "max": latencies[-1],
            "in_transaction": statistics.median(r[2] - r[1] for r in done)}


# --- 3. where a delivery's time goes ------------------------------------------------------------
def profile_run(redis_client, producer: Producer) -> dict:  # noqa: ANN001
    """With no worker running: fan out PROFILE_EVENTS events, then perform their deliveries here with outbox.run."""
    import cProfile
    import pstats

    from django.db import connection

    from porting import outbox
    from porting.models import OutboxMessage

    def rows(profiler: cProfile.Profile | None = None) -> list[str]:
        clear_deliveries()
        if profiler:
            profiler.enable()
        producer.batch(PROFILE_EVENTS)
        if profiler:
            profiler.disable()
        redis_client.delete(QUEUE)  # nobody consumes them: this process runs the rows
        return list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))

    ids = rows()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for _ in range(500):
            cursor.execute("SELECT 1")
        select_one = (time.perf_counter() - started) / 500
    statements = Statements()
    outcomes: dict[str, int] = defaultdict(int)
    with connection.execute_wrapper(statements):
        started, cpu = time.perf_counter(), time.process_time()
        for pk in ids:
            outcomes[outbox.run(pk)] += 1
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    n = len(ids)

    fanout = cProfile.Profile()
    ids = rows(fanout)
    profiler = cProfile.Profile()
    profiler.enable()
    for pk in ids:
        outbox.run(pk)
    profiler.disable()
    clear_deliveries()
    stats = pstats.Stats(profiler)
    total = sum(tt for (_, _, tt, _, _) in stats.stats.values())

    def cumulative(path_end: str, name: str, of: pstats.Stats = stats) -> float:
        return sum(ct for (file, _, func), (_, _, _, ct, _) in of.stats.items()  # type: ignore[attr-defined]
                   if func == name and file.replace(os.sep, "/").endswith(path_end))

    fanout_stats = pstats.Stats(fanout)
    fanout_parts = [
        ("record_event (all of it)", "porting/services/audit.py", "record_event"),
        ("  webhook_deliveries_create (the fan-out)", "porting/services/webhooks.py", "webhook_deliveries_create"),
        ("    _subscribed (endpoints query)", "porting/services/webhooks.py", "_subscribed"),
        ("    event_body (JSON; the order and its numbers are queried just before)",
         "porting/notifications/webhooks.py", "event_body"),
        ("      port_order_json", "porting/representations.py", "port_order_json"),
        ("    _deliver_later (x2: INSERT delivery, outbox.put, UPDATE delivery)", "porting/services/webhooks.py",
         "_deliver_later"),
        ("      outbox.put (INSERT outbox row)", "porting/outbox.py", "put"),
        ("  decrypting encrypted fields (order's PIN, account number)", "porting/fields.py", "from_db_value"),
        ("  all SQL: execute + fetch (psycopg)", "django/db/backends/utils.py", "_execute"),
        ("outbox.dispatch on commit (publish to Redis, x2)", "porting/outbox.py", "dispatch"),
    ]
    fanout_breakdown = [(label, cumulative(path, name, fanout_stats) / PROFILE_EVENTS)
                        for label, path, name in fanout_parts]

    parts = [
        ("outbox.run (all of it)", "porting/outbox.py", "run"),
        ("  claim (UPDATE … RETURNING)", "porting/outbox.py", "_claim"),
        ("  webhook_deliver (the handler)", "porting/services/webhooks.py", "webhook_deliver"),
        ("    post_json (the HTTP POST)", "porting/notifications/webhooks.py", "post_json"),
        ("      resolve_safely (URL check, getaddrinfo)", "porting/notifications/webhooks.py", "resolve_safely"),
        ("    signed_headers (HMAC)", "porting/notifications/webhooks.py", "signed_headers"),
        ("    _record (attempts UPDATE)", "porting/services/webhooks.py", "_record"),
        ("    _end (SELECT … FOR UPDATE, UPDATE, COMMIT)", "porting/services/webhooks.py", "_end"),
        ("    decrypting the endpoint's secret", "porting/fields.py", "from_db_value"),
        ("  _ended (outbox row done: UPDATE)", "porting/outbox.py", "_ended"),
        ("  all SQL: execute + fetch (psycopg)", "django/db/backends/utils.py", "_execute"),
    ]
    breakdown = [(label, cumulative(path, name) / len(ids)) for label, path, name in parts]
    top = sorted(((tt, f"{Path(file).name}:{line} {func}") for (file, line, func), (_, _, tt, _, _)
                  in stats.stats.items()), reverse=True)[:8]
    return {"n": n, "per_delivery": wall / n, "cpu": cpu / n, "sql": statements.seconds() / n,
            "statements": {k: (c / n, t / c) for k, (c, t) in statements.stats.items()}, "outcomes": dict(outcomes),
            "select_one": select_one, "profiled": len(ids), "profiled_total": total / len(ids),
            "breakdown": breakdown, "fanout": fanout_breakdown, "top": [(tt / len(ids), name) for tt, name in top]}


# --- main ----------------------------------------------------------------------------------------
def main() -> None:
    import redis

    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    redis_client = redis.Redis.from_url(REDIS_URL)
    redis_client.flushdb()
    load_before = os.getloadavg()
    print(f"Creating {DATABASE_URL}, Redis {REDIS_URL} …", flush=True)
    admin_execute(DATABASE_URL, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_execute(DATABASE_URL, f'CREATE DATABASE "{DB_NAME}"')
    log_dir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    workers: Workers | None = None
    receivers: Receivers | None = None
    pool_args = ["-P", "threads", "-c", str(CONCURRENCY)] if POOL == "threads" else ["-c", str(CONCURRENCY)]
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from portal.celery import app
        from porting.models import Account, Platform
        from porting.services import webhook_endpoint_create

        call_command("migrate", verbosity=0)
        platform = Platform.objects.create(name="bench")
        account = Account.objects.create(platform=platform, name="bench")
        print(f"Loading {ORDERS} orders; starting {ENDPOINTS} receivers …", flush=True)
        producer = Producer(load_orders(account))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        receivers = Receivers(log_dir)
        for url in receivers.urls():
            webhook_endpoint_create(platform_id=platform.pk, livemode=False, url=url, description="bench",
                                    enabled_events=["port_order.*"])

        print(f"Starting 2 workers -Q {QUEUE} {' '.join(pool_args)} …", flush=True)
        workers = Workers(pool_args, log_dir)
        workers.wait_ready(app)
        reuse = workers.reuse_max(app)
        clear_deliveries()
        producer.batch(WARMUP_EVENTS)  # warm-up: every worker thread opens its connection, imports, caches
        warm = receivers.wait_for(WARMUP_EVENTS * ENDPOINTS)
        if warm["distinct"] < WARMUP_EVENTS * ENDPOINTS:
            raise SystemExit(f"warm-up: only {warm['distinct']} deliveries received; see {log_dir}")
        time.sleep(1)
        rounds = []
        bodies: list = []
        for number in range(ROUNDS):
            print(f"  throughput round {number + 1} / {ROUNDS}: {EVENTS} events, {EVENTS * ENDPOINTS} deliveries",
                  flush=True)
            if number % 2 == 0:  # round 1 goes first: the floor posts exactly the bodies just delivered
                delivery = delivery_round(app, redis_client, workers, receivers, producer)
                bodies = delivery.pop("bodies")
                floor = floor_round(receivers, bodies, log_dir)
            else:  # the floor first, with the previous round's bodies (same orders, same sizes)
                floor = floor_round(receivers, bodies, log_dir)
                delivery = delivery_round(app, redis_client, workers, receivers, producer)
                bodies = delivery.pop("bodies")
            rounds.append({"delivery": delivery, "floor": floor})
        print(f"  latency at {RATE:g} events/s for {LATENCY_SECONDS:g} s", flush=True)
        latency = latency_run(app, redis_client, receivers, log_dir)
        workers.stop()
        workers = None
        print("  profile of outbox.run on webhook deliveries in this process (no workers)", flush=True)
        profile = profile_run(redis_client, producer)
        cpu_count = os.cpu_count()
        allow_private = settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS
    finally:
        if workers is not None:
            workers.stop()
        if receivers is not None:
            receivers.stop()
        from django.db import connections

        connections.close_all()
        redis_client.flushdb()
        if not KEEP_DB:
            admin_execute(DATABASE_URL, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    deliveries = EVENTS * ENDPOINTS
    first = rounds[0]["delivery"]
    produced = first["produced"]
    body_sizes = [len(b) for _, _, b in bodies]
    floor_shape = f"{rounds[0]['floor']['processes']} processes x {rounds[0]['floor']['threads']} threads"
    print(f"\nsetup: {ORDERS} test-mode orders (1-5 numbers), 2 endpoints (port_order.*) on 2 local receivers; "
          f"bodies {statistics.mean(body_sizes):.0f} B on average (max {max(body_sizes)}); PORTING_WEBHOOK_ALLOW_"
          f"PRIVATE_URLS={allow_private}; CELERY_DB_REUSE_MAX in the workers: {reuse}")
    print(f"producer (this process), round 1: {EVENTS} events in transactions of {PER_TRANSACTION} in "
          f"{produced['seconds']:.1f} s ({EVENTS / produced['seconds']:.0f} events/s, "
          f"{deliveries / produced['seconds']:.0f} deliveries fanned out/s); per event: "
          f"{produced['cpu'] / EVENTS * 1000:.2f} ms CPU, {produced['statements'].count() / EVENTS:.1f} statements "
          f"({produced['statements'].seconds() / EVENTS * 1000:.2f} ms waiting on SQL); messages queued: {first['queued']}")
    for statement, (count, seconds) in sorted(produced["statements"].stats.items(), key=lambda kv: -kv[1][0]):
        print(f"  {count / EVENTS:4.1f} x {seconds / count * 1000:6.3f} ms  {statement}")

    print(f"\nthroughput, {deliveries} deliveries each ({EVENTS} events x {ENDPOINTS} endpoints)"
          f"{'':4}{'deliveries/s':>12} {'seconds':>8} {'1st rcpt s':>10}   CPU ms per delivery: "
          f"{'client':>7} {'postgres':>8} {'receiver':>8} {'total':>6}   new PG sessions")
    for number, r in enumerate(rounds, 1):
        for side, label in (("floor", f"floor: plain POSTs, {floor_shape}"),
                            ("delivery", f"outbox deliveries, 2 workers {' '.join(pool_args)}")):
            x = r[side]
            client = x["cpu"].get("workers", x["cpu"].get("floor", 0.0))
            cpu = [v / max(x["n"], 1) * 1000 for v in (client, x["cpu"]["postgres"], x["cpu"]["receivers"])]
            print(f"  round {number}: {label:58} {x['rate']:12.1f} {x['seconds']:8.2f} {x['first_receipt']:10.2f}"
                  f"   {'':20}{cpu[0]:7.2f} {cpu[1]:8.2f} {cpu[2]:8.2f} {sum(cpu):6.2f}   {x['cpu']['sessions']:>15}")
    print("  (client: the floor's processes or the workers' processes; postgres: the bench database's backends)")
    problems = []
    for number, r in enumerate(rounds, 1):
        d, f = r["delivery"], r["floor"]
        if d["n"] < deliveries or d["done"] < deliveries or d["succeeded"] < deliveries:
            problems.append(f"round {number}: received {d['n']}, outbox done {d['done']}, succeeded {d['succeeded']}")
        if d["failed"] or d["extra_attempts"]:
            problems.append(f"round {number}: {d['failed']} rows with an error, {d['extra_attempts']} retried")
        if f["n"] < deliveries or f["errors"]:
            problems.append(f"round {number} floor: received {f['n']}, errors {f['errors']} {f['first_error']}")
        print(f"  round {number}: deliveries received {d['receipts']} ({d['n']} distinct per endpoint), outbox rows "
              f"done {d['done']} (last done_at {d['done_seconds']:.2f} s), deliveries succeeded {d['succeeded']}, "
              f"rows with an error {d['failed']}, retried {d['extra_attempts']}; floor received {f['receipts']}, "
              f"errors {f['errors']}")
    ratios = [r["delivery"]["rate"] / r["floor"]["rate"] for r in rounds]
    print("per-round deliveries / floor, per second:", " ".join(f"{x:.3f}" for x in ratios))

    drain = statistics.median(r["delivery"]["rate"] for r in rounds)
    print(f"\nlatency at {RATE:g} events/s for {LATENCY_SECONDS:g} s, one event per transaction, {PRODUCERS} producer "
          f"processes: {latency['events']} of {latency['n'] // ENDPOINTS} events, {latency['n']} deliveries, events produced at {latency['rate']:.1f}/s (worst lag "
          f"{latency['worst_lag'] * 1000:.0f} ms, {latency['late'] * 100:.0f} % more than 100 ms late), not received: "
          f"{latency['missing']}; created_at to commit returned (median): {latency['in_transaction'] * 1000:.1f} ms"
          f"\n"
          f"  ({RATE * ENDPOINTS:g} deliveries/s asked = {RATE * ENDPOINTS / drain:.0%} of the drain's deliveries/s "
          "above, while the producers' fan-out competes for the same CPUs)\n"
          f"  created_at to receipt: p50 {latency['p50'] * 1000:.0f} ms, p95 {latency['p95'] * 1000:.0f} ms, "
          f"p99 {latency['p99'] * 1000:.0f} ms, max {latency['max'] * 1000:.0f} ms")

    p = profile
    print(f"\noutbox.run of a webhook delivery in this process, no workers running, {p['n']} deliveries "
          f"({', '.join(f'{k} {v}' for k, v in p['outcomes'].items())}): {p['per_delivery'] * 1000:.2f} ms each "
          f"(Python CPU {p['cpu'] * 1000:.2f} ms), of which waiting on SQL {p['sql'] * 1000:.2f} ms in "
          f"{sum(c for c, _ in p['statements'].values()):.1f} statements, plus the BEGIN and COMMIT of _end's transaction; "
          f"4 of them commit a write (claim, attempts, status, done), each waiting for the WAL flush; "
          f"a bare SELECT 1 round trip: {p['select_one'] * 1000:.3f} ms")
    for statement, (count, each) in p["statements"].items():
        print(f"  {count:4.1f} x {each * 1000:6.3f} ms  {statement}")
    worker_cpu = statistics.median(r["delivery"]["cpu"]["workers"] / max(r["delivery"]["n"], 1) for r in rounds)
    print(f"the workers spent {worker_cpu * 1000:.2f} ms CPU per delivery in the throughput drain (median of rounds), "
          f"outbox.run {p['cpu'] * 1000:.2f} ms here: the difference is Celery's share (message, ack, pool) when the "
          "machine's load was the same in both phases")
    print(f"cProfile of {p['profiled']} more (times inflated by the profiler: {p['profiled_total'] * 1000:.2f} ms per "
          "delivery in all), cumulative ms per delivery:")
    for label, seconds in p["breakdown"]:
        print(f"  {seconds * 1000:6.3f}  {label}")
    print(f"cProfile of the producer writing {PROFILE_EVENTS} events ({PER_TRANSACTION} per transaction), "
          "cumulative ms per event:")
    for label, seconds in p["fanout"]:
        print(f"  {seconds * 1000:6.3f}  {label}")
    print("  top functions by own time, ms per delivery (outbox.run):")
    for seconds, name in p["top"]:
        print(f"  {seconds * 1000:6.3f}  {name}")

    checks = [
        (f"deliveries / floor (per second, median of {len(ratios)})", statistics.median(ratios), ">= 0.5",
         statistics.median(ratios) >= 0.5 and not problems),
        (f"commit-to-receipt p95 at {RATE:g} events/s (s)", latency["p95"], "< 2",
         latency["p95"] < 2 and not latency["missing"]),
        ("  events/s the producers reached (of the rate)", latency["rate"], f">= {RATE * 0.95:g}",
         latency["rate"] >= RATE * 0.95 and latency["events"] * ENDPOINTS == latency["n"]),
        ("new PG sessions per delivery (DB_REUSE_MAX)",
         max(r["delivery"]["cpu"]["sessions"] for r in rounds) / deliveries, "< 0.01",
         max(r["delivery"]["cpu"]["sessions"] for r in rounds) / deliveries < 0.01),
    ]
    print(f"\n{'check':48} {'value':>8}  target   result")
    for name, value, target, ok in checks:
        print(f"{name:48} {value:8.3f}  {target:7}  {'ok' if ok else 'MISSED'}")
    for problem in problems:
        print(f"  problem: {problem}")
    print(f"\nload average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {cpu_count} CPUs")
    errors = [log.name for log in sorted(log_dir.glob("*.log")) if "Traceback" in log.read_text(errors="replace")]
    print(f"worker and receiver logs: {log_dir}" + (f" (tracebacks in {', '.join(errors)})" if errors else ""))
    sys.exit(0 if all(ok for *_, ok in checks) else 1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--produce"]:
        produce_main(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
