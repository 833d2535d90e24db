#!/usr/bin/env python
"""Outbox benchmark (run by hand, not in CI): `make bench-outbox` or `.venv/bin/python bench/outbox.py`.

Runs real Celery workers against PostgreSQL (a database of its own, created and dropped here) and
Redis (a db number of its own, flushed before and after) and measures, in one run:

  1. throughput: EFFECTS side effects through the outbox, next to EFFECTS bare Celery no-op tasks
     (bench/celery_noop.py, counted with a Redis INCR) through the same broker, queue and workers.
     The effect is Effect.CARRIER_CANCEL on a draft order: put (INSERT) in transactions of 100 like a
     service does, enqueued by put's on-commit dispatch; the worker claims the row (UPDATE), reloads
     it, runs the real handler (it loads the order and its numbers, sees it is not cancelled and
     returns) and ends it done (UPDATE). Timed from the first put until the last row's done_at.
     Target: outbox effects/s >= 0.5 of the bare tasks'.
  2. commit-to-done latency at a steady RATE effects/s for LATENCY_SECONDS, one effect per
     transaction (like requests): done_at - created_at of each row (created_at is set by put,
     just before the commit). Target: p95 < 1 s.
  3. one full refresh of ORDERS open live orders (submitted/foc) against a carrier whose poll takes
     0.1 s (bench/slow_carrier.py, PORTING_CARRIER in the workers' env), fanned out by
     port_orders_refresh_open() in batches of PORTING_REFRESH_BATCH_SIZE, until every order's
     carrier_polled_at is set, at each thread-pool concurrency of BENCH_REFRESH_CONCURRENCY.
     Target: < 60 s with two workers at -P threads -c 16.

Workers: two processes of `celery -A portal worker -Q carrier,loa,email,webhooks` (the Procfile's),
`-c 1` (prefork, one child each) for 1 and 2, `-P threads -c N` for 3. Rounds of 1 alternate which side
goes first and the median of their ratios is reported. The machine is usually shared and noisy, so each
side's CPU time per effect is also measured (this process as the producer, the workers' processes, the
bench database's PostgreSQL backends), and outbox.run is profiled statement by statement in-process:
that is where an outbox row's time goes, whatever else the machine is doing. The sessions opened on the
database are counted too: Celery's Django fixup (5.x) closes the database connection before and after
every task unless CELERY_DB_REUSE_MAX is set, and a new PostgreSQL connection costs more than the row's work.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portico_bench_outbox),
BENCH_REDIS_URL (redis://127.0.0.1:6379/13), BENCH_EFFECTS (10000), BENCH_ROUNDS (1), BENCH_RATE (100),
BENCH_LATENCY_SECONDS (20), BENCH_ORDERS (10000), BENCH_REFRESH_CONCURRENCY (8,16,32), BENCH_TIMEOUT (the
longest any one wait may take, 300 s), BENCH_KEEP_DB=1 keeps the database afterwards.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import CpuMeter, admin_execute, stop_session  # noqa: E402 - after the path is set

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portico_bench_outbox")
DB_NAME = DATABASE_URL.rsplit("/", 1)[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
EFFECTS = int(os.environ.get("BENCH_EFFECTS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
RATE = float(os.environ.get("BENCH_RATE", "100"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "20"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
CONCURRENCIES = [int(c) for c in os.environ.get("BENCH_REFRESH_CONCURRENCY", "8,16,32").split(",") if c.strip()]
CHECKED_CONCURRENCY = 16
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "300"))
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"
PER_TRANSACTION = 100  # throughput setup: rows put per transaction
ENV = {
    "DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": REDIS_URL, "BENCH_REDIS_URL": REDIS_URL,
    "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
    "PORTING_CARRIER": "bench.slow_carrier.SlowCarrier", "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
}
QUEUES = "carrier,loa,email,webhooks"


def clear_outbox() -> None:
    from django.db import connection

    from porting.models import OutboxMessage

    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{OutboxMessage._meta.db_table}" CASCADE')


# --- workers -------------------------------------------------------------------------------------
class Workers:
    """Two `celery -A portal worker` processes, each in a session of its own (it and its children stop together)."""

    def __init__(self, label: str, pool_args: list[str], log_dir: Path) -> None:
        self.label = label
        self.names = [f"bench{i}-{label}@%h" for i in (1, 2)]
        self.procs: list[subprocess.Popen] = []
        self.logs = [log_dir / f"worker{i}-{label}.log" for i in (1, 2)]
        env = {**os.environ, **ENV}
        for name, log in zip(self.names, self.logs, strict=True):
            with open(log, "wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", QUEUES, "-n", name,
                     "-l", "warning", "-I", "bench.celery_noop", *pool_args],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                ))

    @property
    def sessions(self) -> set[int]:
        return {p.pid for p in self.procs}

    def wait_ready(self, app) -> None:  # noqa: ANN001
        import socket

        expected = {n.replace("%h", socket.gethostname()) for n in self.names}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                raise SystemExit(f"a worker exited at start; see {self.logs}")
            replies = app.control.ping(timeout=1.0) or []
            if expected <= {name for reply in replies for name in reply}:
                return
        raise SystemExit(f"workers {self.label} not ready after 60 s; see {self.logs}")

    def stop(self) -> None:
        for p in self.procs:
            stop_session(p)


def purge(app) -> None:  # noqa: ANN001
    """After a wait that hit its bound: drop what is still queued, so it does not run in the next measurement."""
    purged = app.control.purge()
    print(f"    (bound of {TIMEOUT:g} s reached: purged {purged} queued message(s))", flush=True)
    time.sleep(3)  # the few messages the workers had prefetched


# --- 1. throughput -------------------------------------------------------------------------------
def bare_round(app, redis_client, meter: CpuMeter, n: int) -> dict:  # noqa: ANN001
    from bench.celery_noop import COUNT_KEY, DONE_KEY, noop

    redis_client.delete(COUNT_KEY, DONE_KEY)
    meter.start()
    started = time.time()
    for _ in range(n):
        noop.delay(n)
    produced = time.time()
    deadline = time.monotonic() + TIMEOUT
    while redis_client.get(DONE_KEY) is None and time.monotonic() < deadline:
        meter.poll()
        time.sleep(0.05)
    cpu = meter.stop()
    done_at = redis_client.get(DONE_KEY)
    count = int(redis_client.get(COUNT_KEY) or 0)
    ended = float(done_at) if done_at else time.time()
    if count < n:
        purge(app)
    return {"n": count, "seconds": ended - started, "produce": produced - started, "rate": count / (ended - started),
            "cpu": cpu}


def outbox_round(app, order, meter: CpuMeter, n: int) -> dict:  # noqa: ANN001
    from django.db import transaction
    from django.db.models import Count, Max, Q

    from porting import outbox
    from porting.effects import Effect
    from porting.models import OutboxMessage, OutboxStatus

    clear_outbox()
    meter.start()
    started = time.time()
    for start in range(0, n, PER_TRANSACTION):
        with transaction.atomic():
            for _ in range(start, min(start + PER_TRANSACTION, n)):
                outbox.put(Effect.CARRIER_CANCEL, target_id=order.pk, order=order)
    produced = time.time()
    deadline = time.monotonic() + TIMEOUT
    while OutboxMessage.objects.filter(status=OutboxStatus.DONE).count() < n and time.monotonic() < deadline:
        meter.poll()
        time.sleep(0.2)
    cpu = meter.stop()
    stats = OutboxMessage.objects.aggregate(
        done=Count("pk", filter=Q(status=OutboxStatus.DONE)), last=Max("done_at"),
        failed=Count("pk", filter=~Q(last_error="")), extra=Count("pk", filter=Q(attempts__gt=1)),
    )
    ended = stats["last"].timestamp() if stats["done"] == n else time.time()
    if stats["done"] < n:
        purge(app)
    return {"n": stats["done"], "seconds": ended - started, "produce": produced - started,
            "rate": stats["done"] / (ended - started), "failed": stats["failed"], "extra_attempts": stats["extra"],
            "cpu": cpu}


# --- 2. latency ----------------------------------------------------------------------------------
def latency_run(app, order) -> dict:  # noqa: ANN001
    from django.db import transaction

    from porting import outbox
    from porting.effects import Effect
    from porting.models import OutboxMessage, OutboxStatus

    clear_outbox()
    total = int(RATE * LATENCY_SECONDS)
    interval = 1 / RATE
    started = time.perf_counter()
    worst_lag = 0.0
    for i in range(total):
        due = started + i * interval
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        else:
            worst_lag = max(worst_lag, -wait)
        with transaction.atomic():
            outbox.put(Effect.CARRIER_CANCEL, target_id=order.pk, order=order)
    produced = time.perf_counter() - started
    deadline = time.monotonic() + TIMEOUT
    while OutboxMessage.objects.filter(status=OutboxStatus.DONE).count() < total and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = list(OutboxMessage.objects.filter(status=OutboxStatus.DONE).values_list("created_at", "done_at"))
    latencies = sorted((done - created).total_seconds() for created, done in rows)
    missing = total - len(latencies)
    if missing:
        purge(app)
    latencies += [float("inf")] * missing  # never done within the bound: counted as too slow
    return {"n": total, "missing": missing, "rate": total / produced, "worst_lag": worst_lag,
            "p50": latencies[len(latencies) // 2], "p95": latencies[min(total - 1, int(total * 0.95))],
            "p99": latencies[min(total - 1, int(total * 0.99))], "max": latencies[-1]}


# --- where an outbox row's time goes -------------------------------------------------------------
def profile_run(order, n: int = 500) -> dict:  # noqa: ANN001
    """With no worker running, put n rows and perform them here with outbox.run, timing each statement."""
    import re
    from collections import defaultdict

    from django.db import connection, transaction

    from porting import outbox
    from porting.effects import Effect

    clear_outbox()
    started = time.perf_counter()
    with transaction.atomic():
        ids = [outbox.put(Effect.CARRIER_CANCEL, target_id=order.pk, order=order).pk for _ in range(n)]
    put = (time.perf_counter() - started) / n
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for _ in range(n):
            cursor.execute("SELECT 1")
        select_one = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(50):  # what a worker pays per task when its connection is closed around every task
        connection.close()
        connection.ensure_connection()
    connect = (time.perf_counter() - started) / 50
    statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):  # noqa: ANN001, ANN202 - a Django execute wrapper
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            match = re.match(r'(UPDATE) "(\w+)" SET "(\w+)"|SELECT .*? FROM "(\w+)"', sql)
            key = (f"UPDATE {match[2]} SET {match[3]} …" if match[1] else f"SELECT FROM {match[4]}") if match else sql[:40]
            statements[key][0] += 1
            statements[key][1] += time.perf_counter() - begun

    with connection.execute_wrapper(timed):
        started, cpu = time.perf_counter(), time.process_time()
        for pk in ids:
            outbox.run(pk)
        total, cpu = (time.perf_counter() - started) / n, (time.process_time() - cpu) / n
    clear_outbox()
    return {"n": n, "per_row": total, "cpu": cpu, "put": put, "select_one": select_one, "connect": connect,
            "sql": sum(s[1] for s in statements.values()) / n,
            "statements": {k: (c / n, t / c) for k, (c, t) in statements.items()}}


# --- 3. refresh ----------------------------------------------------------------------------------
def load_open_orders(account) -> None:  # noqa: ANN001
    """ORDERS live orders the carrier holds (half submitted, half FOC), each with one number, bulk-loaded
    like bench/api.py's drafts (fixtures: the status is given at construction, bypassing the transitions)."""
    from django.utils import timezone

    from porting.fields import new_typeid
    from porting.models import PortOrder, PortOrderNumber, PortStatus

    now = timezone.now()
    batch = 5000
    for start in range(0, ORDERS, batch):
        orders = [
            PortOrder(id=new_typeid("port"), account=account, livemode=True,
                      status=PortStatus.SUBMITTED if i % 2 else PortStatus.FOC, submitted_at=now,
                      foc_date=None if i % 2 else now.date() + dt.timedelta(days=7),
                      btn=f"+1202{i % 8000000 + 2000000:07d}", business_name=f"Business {i}",
                      approver_name="Jane Smith", address_house_number="123", address_street_name="Main St",
                      address_city="Washington", address_state="DC", address_zip="20001",
                      account_number="123456789", pin="1234")
            for i in range(start, min(start + batch, ORDERS))
        ]
        PortOrder.objects.bulk_create(orders)
        PortOrderNumber.objects.bulk_create(
            PortOrderNumber(order=o, position=0, phone_number=o.btn, losing_carrier_name="Lumen",
                            losing_carrier_spid="9102", is_wireless=False)
            for o in orders
        )


def refresh_run(app) -> dict:  # noqa: ANN001
    from porting.models import AT_CARRIER_STATUSES, PortOrder
    from porting.services import port_orders_refresh_open

    open_orders = PortOrder.objects.filter(status__in=AT_CARRIER_STATUSES, livemode=True)
    open_orders.update(carrier_polled_at=None)
    started = time.monotonic()
    fanned = port_orders_refresh_open()
    fanout = time.monotonic() - started
    deadline = started + TIMEOUT
    left = ORDERS
    while time.monotonic() < deadline:
        left = open_orders.filter(carrier_polled_at__isnull=True).count()
        if left == 0:
            break
        time.sleep(0.2)
    seconds = time.monotonic() - started
    if left:
        purge(app)
    return {"orders": fanned, "polled": ORDERS - left, "seconds": seconds, "fanout": fanout, "complete": left == 0}


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
    log_dir = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    workers: Workers | None = None
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from portal.celery import app
        from porting.models import Account, Platform, PortOrder

        call_command("migrate", verbosity=0)
        platform = Platform.objects.create(name="bench")
        account = Account.objects.create(platform=platform, name="bench")
        order = PortOrder.objects.create(account=account, btn="+12025550100", business_name="Bench",  # a draft
                                         account_number="123456789", pin="1234")
        order.numbers.create(phone_number="+12025550100")
        print(f"Loading {ORDERS} open live orders …", flush=True)
        load_open_orders(account)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        # 1 and 2: two prefork workers of one child each.
        workers = Workers("prefork", ["-c", "1"], log_dir)
        workers.wait_ready(app)
        meter = CpuMeter({"workers": workers.sessions}, DB_NAME, producer=True, own_backend=True)
        bare_round(app, redis_client, meter, 200), outbox_round(app, order, meter, 200)  # warm-up
        rounds = []
        for number in range(ROUNDS):
            print(f"  throughput round {number + 1} / {ROUNDS}", flush=True)
            if number % 2 == 0:
                bare = bare_round(app, redis_client, meter, EFFECTS)
                box = outbox_round(app, order, meter, EFFECTS)
            else:
                box = outbox_round(app, order, meter, EFFECTS)
                bare = bare_round(app, redis_client, meter, EFFECTS)
            rounds.append({"bare": bare, "outbox": box})
        print(f"  latency at {RATE:g} effects/s for {LATENCY_SECONDS:g} s", flush=True)
        latency = latency_run(app, order)
        workers.stop()
        workers = None
        print("  profile of outbox.run in this process (no workers)", flush=True)
        profile = profile_run(order)

        # 3: thread pools, one concurrency at a time.
        refreshes = {}
        for concurrency in CONCURRENCIES:
            print(f"  refresh of {ORDERS} orders, 2 workers -P threads -c {concurrency}", flush=True)
            redis_client.flushdb()  # the profile's messages, or leftovers of a run that hit its bound
            workers = Workers(f"threads{concurrency}", ["-P", "threads", "-c", str(concurrency)], log_dir)
            workers.wait_ready(app)
            refreshes[concurrency] = refresh_run(app)
            workers.stop()
            workers = None
        batch_size = settings.PORTING_REFRESH_BATCH_SIZE
    finally:
        if workers is not None:
            workers.stop()
        from django.db import connections

        connections.close_all()
        redis_client.flushdb()
        if not KEEP_DB:
            admin_execute(DATABASE_URL, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    print(f"\nthroughput, {EFFECTS} each, 2 workers -c 1 (prefork)  {'effects/s':>10} {'seconds':>8} {'put/publish s':>13}"
          f"   CPU ms per effect: {'producer':>8} {'workers':>8} {'postgres':>8} {'total':>6}   new PG sessions")
    for number, r in enumerate(rounds, 1):
        for side, label in (("bare", "bare Celery no-op tasks"), ("outbox", "outbox rows (carrier_cancel)")):
            x = r[side]
            cpu = {k: x["cpu"][k] / max(x["n"], 1) * 1000 for k in ("producer", "workers", "postgres")}
            print(f"  round {number}: {label:40} {x['rate']:10.1f} {x['seconds']:8.2f} {x['produce']:13.2f}"
                  f"   {'':19}{cpu['producer']:8.2f} {cpu['workers']:8.2f} {cpu['postgres']:8.2f} {sum(cpu.values()):6.2f}"
                  f"   {x['cpu']['sessions']:>15}")
    print("  (postgres CPU counts only backends that live a second or more: with a new session per effect, "
          "most of it is not seen)")
    failures = sum(r["outbox"]["failed"] for r in rounds)
    retried = sum(r["outbox"]["extra_attempts"] for r in rounds)
    incomplete = [r for r in rounds if r["outbox"]["n"] < EFFECTS or r["bare"]["n"] < EFFECTS]
    print(f"  outbox rows with an error: {failures}; with more than one attempt: {retried}; "
          f"sides not finished within {TIMEOUT:g} s: {len(incomplete)}")
    ratios = [r["outbox"]["rate"] / r["bare"]["rate"] for r in rounds]

    print("per-round outbox / bare, effects/s:", " ".join(f"{x:.3f}" for x in ratios))
    print(f"\nlatency at {RATE:g}/s for {LATENCY_SECONDS:g} s: {latency['n']} effects, produced at "
          f"{latency['rate']:.1f}/s (worst lag {latency['worst_lag'] * 1000:.0f} ms), not done: {latency['missing']}; "
          f"p50 {latency['p50'] * 1000:.0f} ms, p95 {latency['p95'] * 1000:.0f} ms, "
          f"p99 {latency['p99'] * 1000:.0f} ms, max {latency['max'] * 1000:.0f} ms")
    print(f"\noutbox.run in this process, no workers running, {profile['n']} rows: {profile['per_row'] * 1000:.2f} ms/row "
          f"(Python CPU {profile['cpu'] * 1000:.2f} ms), of which waiting on SQL {profile['sql'] * 1000:.2f} ms in "
          f"{sum(c for c, _ in profile['statements'].values()):.0f} statements (2 autocommitted writes); "
          f"put: {profile['put'] * 1000:.2f} ms/row; a bare SELECT 1 round trip: {profile['select_one'] * 1000:.3f} ms; "
          f"opening a new database connection: {profile['connect'] * 1000:.2f} ms")
    for statement, (count, each) in profile["statements"].items():
        print(f"  {count:4.1f} x {each * 1000:6.3f} ms  {statement}")
    print(f"\nrefresh of {ORDERS} open orders, 2 workers -P threads, batches of {batch_size}, 0.1 s per poll "
          f"(floor: {ORDERS} x 0.1 s / (2 x c), in waves of whole batches)")
    print(f"  {'concurrency per worker':24} {'seconds':>8} {'polled':>7} {'polls/s':>8}  fan-out s")
    for concurrency, r in refreshes.items():
        print(f"  {concurrency:<24} {r['seconds']:8.1f} {r['polled']:7} {r['polled'] / r['seconds']:8.1f}  "
              f"{r['fanout']:.2f}" + ("" if r["complete"] else f"  (stopped at the {TIMEOUT:g} s bound)"))
    checks = [
        ("outbox / bare tasks (effects/s, median)", statistics.median(ratios), ">= 0.5",
         statistics.median(ratios) >= 0.5 and not incomplete and not failures),
        (f"commit-to-done p95 at {RATE:g}/s (s)", latency["p95"], "< 1", latency["p95"] < 1 and not latency["missing"]),
    ]
    checked = CHECKED_CONCURRENCY if CHECKED_CONCURRENCY in refreshes else max(refreshes, default=None)
    if checked is not None:
        r = refreshes[checked]
        checks.append((f"refresh {ORDERS} orders, -c {checked} x2 (s)", r["seconds"], "< 60",
                       r["complete"] and r["seconds"] < 60))
    print(f"\n{'check':42} {'value':>8}  target   result")
    for name, value, target, ok in checks:
        print(f"{name:42} {value:8.3f}  {target:7}  {'ok' if ok else 'MISSED'}")
    print(f"\nload average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    errors = [log.name for log in sorted(log_dir.iterdir()) if "Traceback" in log.read_text(errors="replace")]
    print(f"worker logs: {log_dir}" + (f" (tracebacks in {', '.join(errors)})" if errors else ""))
    sys.exit(0 if all(ok for *_, ok in checks) else 1)


if __name__ == "__main__":
    main()
