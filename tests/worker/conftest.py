"""The running system for the worker tests: web, Celery worker and beat on PostgreSQL and Redis.

One stack per session: a database of its own (``portico_worker_<pid>`` on the server of
``DATABASE_URL``, migrated by ``manage.py migrate``), a Redis database of its own (``/7`` unless
``PORTICO_WORKER_REDIS_URL`` says otherwise, flushed at start and end), an SMTP server in this
process, and the Procfile's three processes with short outbox timings. The processes reach Redis
through ``BrokerLink``, so a test can cut the broker off as a network would.

Without PostgreSQL in ``DATABASE_URL`` or without Redis the tests skip (``make test`` on SQLite);
``PORTICO_REQUIRE_WORKER=1`` (CI) turns that into a failure.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests
from psycopg.rows import dict_row

from porting.outbox import RETRY_SCHEDULES
from tests.conftest import ARTIFACTS, SUBSCRIBER, require_or_skip
from tests.worker import carrier
from tests.worker.harness import BrokerLink, HttpApi, MailServer, RedisMonitor, Service, free_port, wait_for

REQUIRE = "PORTICO_REQUIRE_WORKER"
ROOT = Path(__file__).resolve().parents[2]
# Short outbox timings, so a lease expires and the sweep runs within a test's patience.
LEASE_SECONDS = 8
SWEEP_SECONDS = 1
REDELIVER_SECONDS = 2
# When the first two retries of a kind are due (porting.outbox's schedule), each ±10 %.
FIRST_RETRIES = {queue: schedule[:2] for queue, schedule in RETRY_SCHEDULES.items()}
JITTER = 0.1


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """The real clock: the subprocesses cannot share a frozen one, and FOC dates must suit theirs."""
    yield None


@dataclass
class Stack:
    root: Path
    env: dict[str, str]
    web_url: str
    database_url: str
    redis_client: redis.Redis
    broker: BrokerLink
    mail: MailServer
    monitor: RedisMonitor
    log_dir: Path
    web: Service
    beat: Service
    workers: list[Service] = field(default_factory=list)
    keys: dict[str, Any] = field(default_factory=dict)

    # --- processes ---
    @property
    def worker(self) -> Service:
        return self.workers[-1]

    def start_worker(self) -> Service:
        """A new worker (a new node name and log file each time), returned once Celery says it is ready."""
        number = len(self.workers) + 1
        service = Service(
            f"worker{number}",
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "carrier,loa,email,webhooks", "-c", "2",
             "-n", f"worker{number}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info"],
            self.env, self.log_dir / f"worker{number}.log", self.root,
        ).start()
        self.workers.append(service)
        wait_for(lambda: " ready." in service.log() or not service.alive, timeout=60,
                 what=f"{service.name} to be ready", detail=self.tails)
        assert service.alive, self.tails()
        return service

    def services(self) -> list[Service]:
        return [self.web, self.beat, *self.workers]

    def logs(self) -> str:
        return "\n".join(service.log() for service in self.services())

    def tails(self) -> str:
        return "\n".join(service.tail() for service in self.services() if service.process is not None)

    # --- the API ---
    def api(self, *, live: bool = True) -> HttpApi:
        key = self.keys["live" if live else "test"]
        return HttpApi(self.web_url, key["api_key"], key["account_id"])

    # --- the database, read directly (what the desk would show) ---
    def outbox(self, order_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        query = ("SELECT id, kind, queue, status, attempts, attempt_log, last_error, secret IS NULL AS secret_purged "
                 "FROM porting_outboxmessage WHERE order_id = %s" + (" AND kind = %s" if kind else "") + " ORDER BY id")
        with psycopg.connect(self.database_url, row_factory=dict_row) as connection:
            return connection.execute(query, (order_id, kind) if kind else (order_id,)).fetchall()

    # --- the carrier ---
    def plan(self, order_id: str, **plan: Any) -> None:
        (Path(self.env["PORTICO_WORKER_CARRIER_DIR"]) / f"{order_id}.plan.json").write_text(json.dumps(plan))

    def carrier_steps(self, order_id: str, step: str | None = None) -> list[tuple[str, int, float]]:
        return [entry for entry in carrier.steps(order_id) if step is None or entry[0] == step]


def _admin_url(database_url: str) -> str:
    """The server's maintenance database: DATABASE_URL's own need not exist (pytest-django uses test_…)."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/postgres"))


def _services_or_skip(database_url: str, redis_url: str) -> None:
    if urllib.parse.urlsplit(database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        require_or_skip(REQUIRE, "the worker tests need PostgreSQL in DATABASE_URL, and Redis")
    try:
        psycopg.connect(_admin_url(database_url), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        require_or_skip(REQUIRE, f"PostgreSQL is unreachable at DATABASE_URL: {exc}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_or_skip(REQUIRE, f"Redis is unreachable at {redis_url}: {exc}")


def _run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # The server of DATABASE_URL (the CI stage sets it), or a default for running this module by hand.
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("PORTICO_WORKER_REDIS_URL", "redis://127.0.0.1:6379/7")
    _services_or_skip(database_url, redis_url)

    name = f"portico_worker_{os.getpid()}"
    server = urllib.parse.urlsplit(database_url)
    admin_url = _admin_url(database_url)
    worker_database_url = urllib.parse.urlunsplit(server._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    redis_parts = urllib.parse.urlsplit(redis_url)
    redis_db = int(redis_parts.path.strip("/") or 0)
    redis_client = redis.Redis.from_url(redis_url)
    redis_client.flushdb()

    base = tmp_path_factory.mktemp("worker")
    log_dir, carrier_dir = base / "logs", base / "carrier"
    log_dir.mkdir()
    carrier_dir.mkdir()
    os.environ["PORTICO_WORKER_CARRIER_DIR"] = str(carrier_dir)  # read by tests.worker.carrier.steps here too

    mail = MailServer()
    mail.start()
    broker = BrokerLink((redis_parts.hostname or "127.0.0.1", redis_parts.port or 6379))
    monitor = RedisMonitor(redis.Redis.from_url(redis_url, socket_timeout=None), redis_db)
    monitor.start()
    web_port = free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PORTICO_REQUIRE"))},
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": worker_database_url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker.port}/{redis_db}",
        "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
        "EMAIL_TIMEOUT": "3",
        "SITE_URL": web_url,
        "PORTING_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "PORTING_OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "PORTING_OUTBOX_REDELIVER_SECONDS": str(REDELIVER_SECONDS),
        "PORTING_CARRIER": "tests.worker.carrier.ScriptedCarrier",
        "PORTICO_WORKER_CARRIER_DIR": str(carrier_dir),
        "PORTING_API_RATE": "off",
        # The webhook receiver of the tests listens on 127.0.0.1 (refused otherwise, DEBUG being off).
        "PORTING_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "INFO",
        "STATIC_ROOT": str(base / "static"),  # collected below, as a deployment does (DEBUG off: hashed names)
    }
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput"], env, ROOT)
    # As a deployment does (DEBUG off serves hashed names from a manifest), but without Brotli:
    # whitenoise's Brotli pass takes ~100 s on two CPUs, and no test reads a static file.
    collectstatic = ("import sys; sys.modules['brotli'] = None; from django.core.management import "
                     "execute_from_command_line as run; run(['manage.py', 'collectstatic', '--noinput', '-v', '0'])")
    _run([python, "-c", collectstatic], env, ROOT)
    keys = {
        mode: json.loads(_run([python, "manage.py", "create_api_key", "--platform", "Worker tests", "--account",
                               "Smith Consulting", "--json", *(["--live"] if mode == "live" else [])], env, ROOT))
        for mode in ("live", "test")
    }
    # The Procfile's commands, with a port of our own and a schedule file out of the checkout.
    web = Service("web", [python, "-m", "gunicorn", "portal.wsgi", "-w", "2", "--bind", f"127.0.0.1:{web_port}",
                         "--no-control-socket"],
                  env, log_dir / "web.log", ROOT)
    beat = Service("beat", [python, "-m", "celery", "-A", "portal", "beat", "-l", "info",
                            "-s", str(base / "beat-schedule")], env, log_dir / "beat.log", ROOT)
    stack = Stack(ROOT, env, web_url, worker_database_url, redis_client, broker, mail, monitor, log_dir, web, beat,
                  keys=keys)
    try:
        web.start()
        beat.start()
        stack.start_worker()

        def web_ready() -> bool:
            try:
                return requests.get(f"{web_url}/healthz", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(web_ready, timeout=60, what="the web process to answer /healthz", detail=stack.tails)
        wait_for(lambda: "beat: Starting" in beat.log(), timeout=60, what="beat to start", detail=stack.tails)
        yield stack
    finally:
        for service in stack.services():
            service.stop()
        monitor.stop()
        broker.close()
        mail.stop()
        # The processes' logs outlive the run, for a CI failure to be read.
        shutil.copytree(log_dir, Path(ARTIFACTS) / "worker-logs", dirs_exist_ok=True)
        redis_client.flushdb()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def healthy(stack: Stack) -> Iterator[None]:
    """Each test starts with the broker reachable, the mail server up and a worker running."""
    stack.broker.restore()
    stack.mail.start()
    if not stack.worker.alive:
        stack.start_worker()
    assert stack.web.alive and stack.beat.alive, stack.tails()
    yield


@pytest.fixture
def foc_date() -> str:
    """A requestable port date by the real clock (the third allowed one, as in the README)."""
    from porting.foc import allowed_foc_dates

    return allowed_foc_dates()[2].isoformat()


lines = itertools.count(1000)  # the worker stack's database lives for the session: one line per order made


@pytest.fixture
def order_body(foc_date: str) -> Any:
    """The seed's create body with a fresh phone number each call."""

    def body(**subscriber: Any) -> dict[str, Any]:
        line = next(lines)  # 1xxx: portable in the sandbox too; each order its own (one open order per number)
        return {
            "phone_numbers": [f"+1202555{line}"],
            "subscriber": {**SUBSCRIBER, "address": dict(SUBSCRIBER["address"]), **subscriber},
            "requested_foc_date": foc_date,
            "requested_foc_time": "10:00",
        }

    return body


def unique_address() -> str:
    return f"signer-{uuid.uuid4().hex[:12]}@smith.example"


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started
