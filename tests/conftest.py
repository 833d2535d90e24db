"""Shared fixtures: a frozen clock, tenants with API keys, and an API client speaking JSON."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test.utils import override_settings
from rest_framework.test import APIClient

from porting.models import Account, Platform
from porting.services import api_key_create

UTC = dt.UTC
# Thursday 2026-12-10, 10:00 Eastern. Five business days later is Thursday 2026-12-17; the
# window ends on 2027-01-09; Christmas (Fri 2026-12-25) and New Year (Fri 2027-01-01) are inside.
NOW = dt.datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
FOC_DATE = "2026-12-18"

SUBSCRIBER = {
    "btn": "+12025551234",
    "business_name": "Smith Consulting",
    "approver_name": "Jane Smith",
    "account_number": "123456789",
    "pin": "1234",
    "address": {"house_number": "123", "street_name": "Main St", "city": "Washington", "state": "DC", "zip": "20001"},
}


def confirm_losing_carrier(order_id: str) -> None:
    """What the porting desk does for a live order (the manual carrier knows no losing carrier) before the
    customer can approve it: Verizon Wireless, SPID 6006, wireless, on every number."""
    from porting import services
    from porting.models import PortOrder

    services.port_order_losing_carrier_confirm(
        order=PortOrder.objects.get(pk=order_id), actor=services.Actor("staff", "desk"),
        name="Verizon Wireless", spid="6006", is_wireless=True,
    )


def order_body(numbers: list[str] | None = None, **overrides: Any) -> dict:
    """The seed's create body, with a valid FOC date for the frozen clock."""
    body = {
        "phone_numbers": numbers or ["+12025551234"],
        "subscriber": {**SUBSCRIBER, "address": dict(SUBSCRIBER["address"])},
        "requested_foc_date": FOC_DATE,
        "requested_foc_time": "10:00",
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def clock():
    """Every test starts at NOW; the clock ticks, and tests may move it with clock.move_to()."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def _test_settings():
    """Session-wide, so handlers built once (live_server) see them too: plain HTTP, and static
    files read from the finders (production serves hashed files after collectstatic)."""
    from django.conf import settings as django_settings

    documents = tempfile.mkdtemp(prefix="portico-documents-")
    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        PORTING_OUTBOX_EMBEDDED_SWEEPER=False,  # no background thread in tests: they run the sweep themselves
        STORAGES={**django_settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
                  # Uploaded documents go to a folder of this run, never to the project's private/.
                  "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                "OPTIONS": {"location": documents}}},
    )
    override.enable()
    yield
    override.disable()
    shutil.rmtree(documents, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # rate-limit counters and refresh throttles do not leak between tests
    yield
    cache.clear()


@dataclass
class Tenant:
    platform: Platform
    account: Account
    key: str
    live_key: str


@dataclass
class Api:
    """A JSON client with a key and, by default, the account header."""

    client: APIClient
    tenant: Tenant
    live: bool = False
    created: int = 0  # orders made by create() with its default number

    def headers(self, account: str | None | bool = True) -> dict:
        key = self.tenant.live_key if self.live else self.tenant.key
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if account is True:
            headers["HTTP_DIALSTACK_ACCOUNT"] = self.tenant.account.pk
        elif account:
            headers["HTTP_DIALSTACK_ACCOUNT"] = account
        return headers

    def get(self, path: str, account: str | None | bool = True, **params: Any):
        return self.client.get(path, params, **self.headers(account))

    def post(self, path: str, body: Any = None, account: str | None | bool = True):
        if body is None:
            return self.client.post(path, **self.headers(account))
        return self.client.post(path, body, format="json", **self.headers(account))

    def create(self, numbers: list[str] | None = None, **overrides: Any) -> dict:
        """A draft. Without ``numbers``: the seed's +12025551234 first, then the next Verizon Wireless
        number for each further order (a number is in one open order at a time)."""
        if numbers is None:
            numbers = [f"+1202555{1234 + self.created}"]
            self.created += 1
        response = self.post("/v1/port-orders", order_body(numbers, **overrides))
        assert response.status_code == 201, response.json()
        return response.json()

    def approve(self, order_id: str, signature: str = "Jane Smith") -> dict:
        if self.live:
            confirm_losing_carrier(order_id)
        response = self.post(f"/v1/port-orders/{order_id}/approve", {"signature": signature, "ip": "203.0.113.42"})
        assert response.status_code == 200, response.json()
        return response.json()

    def submit(self, order_id: str) -> dict:
        response = self.post(f"/v1/port-orders/{order_id}/submit")
        assert response.status_code == 200, response.json()
        return response.json()

    def submitted(self, numbers: list[str] | None = None, **overrides: Any) -> dict:
        order = self.create(numbers, **overrides)
        self.approve(order["id"])
        return self.submit(order["id"])

    def refresh(self, order_id: str) -> dict:
        response = self.get(f"/v1/port-orders/{order_id}")
        assert response.status_code == 200, response.json()
        return response.json()

    def event_types(self, order_id: str) -> list[str]:
        return [e["type"] for e in self.get(f"/v1/port-orders/{order_id}/events").json()["data"]]


def make_tenant(name: str = "Acme") -> Tenant:
    platform = Platform.objects.create(name=name)
    account = Account.objects.create(platform=platform, name=f"{name} customer")
    _, key = api_key_create(platform=platform, livemode=False)
    _, live_key = api_key_create(platform=platform, livemode=True)
    return Tenant(platform, account, key, live_key)


@pytest.fixture
def tenant(db) -> Tenant:
    return make_tenant()


@pytest.fixture
def api(tenant) -> Api:
    return Api(APIClient(), tenant)


@pytest.fixture
def live_api(tenant) -> Api:
    return Api(APIClient(), tenant, live=True)


def require_or_skip(env_flag: str, reason: str) -> None:
    """Skip, unless CI demands this part run (then the missing service is a failure)."""
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason} ({env_flag}=1 requires it)")
    pytest.skip(reason)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; skipped (or failed, with PORTICO_REQUIRE_BROWSER=1) if absent."""
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        require_or_skip("PORTICO_REQUIRE_BROWSER", f"Debian's Chromium is not installed at {path}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("PORTICO_REQUIRE_BROWSER", "playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
