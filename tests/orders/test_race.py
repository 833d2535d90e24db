"""Parallel requests on one order cause exactly one transition, one event and one side effect.

Runs on PostgreSQL (real row locks); on SQLite it is skipped, and CI's PostgreSQL stage sets
PORTICO_REQUIRE_POSTGRES=1 so that a skip there is a failure.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from porting import services
from porting.models import Event, PortOrder
from tests.conftest import make_tenant, order_body, require_or_skip

PARALLEL = 50


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")


def approved_order():
    import datetime as dt

    tenant = make_tenant()
    actor = services.Actor("system", "race")
    body = order_body()
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=False, data=body, actor=actor)
    services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=actor)
    return tenant, order.pk


def fire(path: str, headers: dict) -> list[int]:
    barrier = threading.Barrier(PARALLEL)

    def one(_: int) -> int:
        try:
            client = APIClient()
            barrier.wait(timeout=30)
            return client.post(path, **headers).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_50_parallel_submits_make_one_submission(postgres, round_, settings):
    settings.PORTING_API_RATE = "off"
    tenant, order_id = approved_order()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.key}", "HTTP_DIALSTACK_ACCOUNT": tenant.account.pk}
    codes = fire(f"/v1/port-orders/{order_id}/submit", headers)
    assert sorted(codes) == [200] + [409] * (PARALLEL - 1)
    assert Event.objects.filter(order_id=order_id, type="port_order.submitted").count() == 1
    assert PortOrder.objects.get(pk=order_id).status == "submitted"


@pytest.mark.postgres
def test_parallel_cancels_make_one_cancellation(postgres, settings):
    settings.PORTING_API_RATE = "off"
    tenant, order_id = approved_order()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.key}", "HTTP_DIALSTACK_ACCOUNT": tenant.account.pk}
    codes = fire(f"/v1/port-orders/{order_id}/cancel", headers)
    assert sorted(codes) == [200] + [409] * (PARALLEL - 1)
    assert Event.objects.filter(order_id=order_id, type="port_order.cancelled").count() == 1
