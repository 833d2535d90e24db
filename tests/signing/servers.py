"""Real web processes for the tests that need more than one: gunicorn as the Procfile runs it (each
process with a few threads), on a file SQLite database of their own, the embedded default (WAL,
IMMEDIATE transactions, a busy timeout), and the cache that ``CACHE_URL`` names (locmem if unset).

Used by tests/portal/test_shared_cache.py (limits counted across processes on Redis) and
tests/signing/test_signing_race_embedded.py (parallel writers on SQLite wait instead of failing).
The processes run on the real clock: modules using them turn the frozen one off (``clock``).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
import requests

from tests.conftest import require_or_skip
from tests.worker.harness import Service, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
# Redis for these tests only (flushed by them): db 5 unless PORTICO_TEST_REDIS_URL says otherwise.
REDIS_URL = os.environ.get("PORTICO_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
REQUIRE_REDIS = "PORTICO_REQUIRE_REDIS"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Run in the servers' environment: a complete draft with a signing link, per line "order_id token".
OPEN_LINKS = """
import uuid
from porting import services
from porting.foc import allowed_foc_dates
from porting.models import Account, Platform
platform = Platform.objects.create(name="Signing tests")
account = Account.objects.create(platform=platform, name="Smith Consulting")
actor = services.Actor("system", "tests")
subscriber = {"btn": "+12025551234", "business_name": "Smith Consulting", "approver_name": "Jane Smith",
              "account_number": "123456789", "pin": "1234",
              "address": {"house_number": "123", "street_name": "Main St", "city": "Washington", "state": "DC",
                          "zip": "20001"}}
for _ in range(COUNT):
    number = f"+1202555{1000 + uuid.uuid4().int % 1000}"
    order = services.port_order_create(account_id=account.pk, livemode=False, actor=actor, data={
        "phone_numbers": [number], "subscriber": subscriber, "requested_foc_date": allowed_foc_dates()[2]})
    _, token = services.approval_request_create(order=order, email="jane@smith.example", actor=actor)
    print(order.pk, token)
"""


def redis_or_skip(url: str = REDIS_URL) -> redis.Redis:
    """A client of the tests' Redis database; skipped when Redis is down (failed with PORTICO_REQUIRE_REDIS=1)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_or_skip(REQUIRE_REDIS, f"Redis is unreachable at {url}: {exc}")
    return client


@dataclass
class Link:
    order_id: str
    token: str


@dataclass
class Servers:
    urls: list[str]
    env: dict[str, str]
    services: list[Service]

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], env=self.env, cwd=ROOT, capture_output=True,
                                text=True, timeout=180)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def api_key(self) -> dict[str, Any]:
        """A new test-mode key with one account: {"api_key", "account_id", ...}."""
        key: dict[str, Any] = json.loads(self.manage("create_api_key", "--json"))
        return key

    def open_links(self, count: int) -> list[Link]:
        output = self.manage("shell", "-c", OPEN_LINKS.replace("COUNT", str(count)))
        return [Link(*line.split()) for line in output.splitlines()[-count:]]

    def csrf(self, link: Link) -> tuple[str, str]:
        """(cookie, form token) from the signing page, good on every server (one SECRET_KEY)."""
        page = requests.get(f"{self.urls[0]}/sign/{link.token}/", timeout=30)
        assert page.status_code == 200, page.status_code
        match = CSRF_FIELD.search(page.text)
        assert match, "no CSRF token on the signing page"
        return page.cookies["csrftoken"], match.group(1)

    def tails(self) -> str:
        return "\n".join(service.tail() for service in self.services)


@contextlib.contextmanager
def web_servers(base: Path, *, env: dict[str, str], count: int = 2, threads: int = 4) -> Iterator[Servers]:
    """``count`` gunicorn processes sharing one SQLite file (and whatever ``env`` adds: CACHE_URL ...)."""
    ports = [free_port() for _ in range(count)]
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("PYTEST", "PORTICO_REQUIRE", "DJANGO_"))
                 and k not in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL")}
    full_env = {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "EMAIL_URL": "dummymail://",
        "SECRET_KEY": "signing-tests-" + "x" * 40,
        "SITE_URL": f"http://127.0.0.1:{ports[0]}",
        "PORTING_OUTBOX_EMBEDDED_SWEEPER": "false",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(base / "static"),
        **env,
    }
    servers = Servers([f"http://127.0.0.1:{port}" for port in ports], full_env, [])
    servers.manage("migrate", "--noinput", "-v", "0")
    # DEBUG off serves hashed static names from a manifest, as a deployment does (without the slow Brotli pass).
    collectstatic = ("import sys; sys.modules['brotli'] = None; from django.core.management import "
                     "execute_from_command_line as run; run(['manage.py', 'collectstatic', '--noinput', '-v', '0'])")
    result = subprocess.run([sys.executable, "-c", collectstatic], env=full_env, cwd=ROOT, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    try:
        for number, port in enumerate(ports, 1):
            servers.services.append(Service(
                f"web{number}", [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "1", "--threads", str(threads),
                                 "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
                full_env, base / f"web{number}.log", ROOT,
            ).start())
        for url in servers.urls:
            wait_for(lambda url=url: _answers(url), timeout=60, what=f"{url}/healthz", detail=servers.tails)
        yield servers
    finally:
        for service in servers.services:
            service.stop()


def _answers(url: str) -> bool:
    # The socket accepts as soon as gunicorn binds; the worker answers once it has imported the app.
    try:
        return requests.get(f"{url}/healthz", timeout=10).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run the calls in parallel threads, all at once; their responses in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def fresh_window(seconds: int, room: float = 30) -> None:
    """Wait, if needed, until the current clock-aligned window of ``seconds`` has ``room`` seconds left."""
    left = seconds - time.time() % seconds
    if left < room:
        time.sleep(left + 0.5)

