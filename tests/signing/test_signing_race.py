"""Parallel POSTs on one signing link (decline and decline, sign and decline): exactly one wins, the
others get the dead-link page (410), never a 500.

Runs on PostgreSQL (real row locks); on SQLite it is skipped, and CI's PostgreSQL stage sets
PORTICO_REQUIRE_POSTGRES=1 so that a skip there is a failure.
"""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from porting import services
from porting.models import ApprovalRequest, Event, PortOrder
from tests.conftest import Tenant, make_tenant, order_body, require_or_skip

PARALLEL = 8  # below the per-link limit of POSTs (10), so every loser is a dead link, not a 429
DEAD_PAGE = "This link can't be used"


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")


def open_link(tenant: Tenant | None = None) -> tuple[str, str]:
    """A complete draft and its emailed signing link: (order id, token)."""
    tenant = tenant or make_tenant()
    actor = services.Actor("system", "race")
    body = order_body()
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=False, data=body, actor=actor)
    _, token = services.approval_request_create(order=order, email="jane@smith.example", actor=actor)
    return order.pk, token


Post = tuple[str, dict[str, str]]


def fire(posts: list[Post], api_headers: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """POST them all at once, each thread with its own client and connection: [(status, body)]. A path
    under /v1 is posted with ``api_headers``."""
    barrier = threading.Barrier(len(posts))

    def one(post: Post) -> tuple[int, str]:
        try:
            api = post[0].startswith("/v1/")
            # A 500 is an answer here, not an exception.
            client = APIClient(raise_request_exception=False) if api else Client(raise_request_exception=False)
            barrier.wait(timeout=30)
            response = client.post(post[0], **(api_headers or {})) if api else client.post(*post)
            return response.status_code, response.content.decode()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(one, posts))


def decline(token: str) -> Post:
    return f"/sign/{token}/decline/", {"reason": "Our suite number is missing"}


def sign(token: str) -> Post:
    return f"/sign/{token}/", {"signature": "Jane Smith", "consent": "on"}


def assert_losers_see_the_dead_link_page(answers: list[tuple[int, str]], winner: int) -> None:
    codes = sorted(code for code, _ in answers)
    assert 500 not in codes, codes
    assert codes.count(winner) == 1 and codes.count(410) == len(answers) - 1, codes
    for code, body in answers:
        if code == 410:
            assert DEAD_PAGE in body and "Smith Consulting" not in body


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_parallel_declines_decline_once_and_the_rest_see_the_dead_link(postgres, round_):
    order_id, token = open_link()
    answers = fire([decline(token)] * PARALLEL)
    assert_losers_see_the_dead_link_page(answers, winner=200)
    assert Event.objects.filter(order_id=order_id, type="approval_request.declined").count() == 1
    assert ApprovalRequest.objects.get(order_id=order_id).status == "declined"
    assert PortOrder.objects.get(pk=order_id).status == "draft"


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_signing_racing_declines_ends_one_way_and_the_rest_see_the_dead_link(postgres, round_):
    order_id, token = open_link()
    answers = fire([sign(token), decline(token)] * (PARALLEL // 2))
    codes = [code for code, _ in answers]
    assert 500 not in codes, codes
    signed, declined = codes.count(302), codes.count(200)
    assert signed + declined == 1, codes
    assert_losers_see_the_dead_link_page(answers, winner=302 if signed else 200)
    types = list(Event.objects.filter(order_id=order_id).values_list("type", flat=True))
    assert types.count("approval_request.signed") + types.count("approval_request.declined") == 1
    assert types.count("port_order.approved") == signed
    assert ApprovalRequest.objects.get(order_id=order_id).status == ("signed" if signed else "declined")
    assert PortOrder.objects.get(pk=order_id).status == ("approved" if signed else "draft")


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_signing_racing_a_cancel_waits_for_it_instead_of_deadlocking(postgres, round_, settings):
    settings.PORTING_API_RATE = "off"
    tenant = make_tenant()
    order_id, token = open_link(tenant)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.key}", "HTTP_DIALSTACK_ACCOUNT": tenant.account.pk}
    answers = fire([sign(token), (f"/v1/port-orders/{order_id}/cancel", {})] * (PARALLEL // 2), headers)
    codes = [code for code, _ in answers]
    assert 500 not in codes, codes
    assert codes.count(200) == 1, codes  # one cancel; the others are 409
    # Signed before the cancel (then cancelled with it), or refused by the cancel's revocation: 410.
    assert codes.count(302) in (0, 1) and codes.count(302) + codes.count(410) == PARALLEL // 2, codes
    assert PortOrder.objects.get(pk=order_id).status == "cancelled"
