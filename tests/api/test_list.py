"""GET /v1/port-orders: newest first, filters, cursor pagination, constant SQL."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from porting import services
from tests.conftest import order_body

URL = "/v1/port-orders"


def make_orders(api, count: int) -> list[str]:
    """Orders created through the service (fast), numbers +1202555NNNN with Lumen lines."""
    actor = services.Actor("system", "test")
    ids = []
    for i in range(count):
        body = order_body([f"+1202{300 + i:03d}0{i % 1000:03d}", f"+1202{300 + i:03d}0999"], requested_foc_date=None,
                          requested_foc_time=None)
        order = services.port_order_create(account_id=api.tenant.account.pk, livemode=False, data=body, actor=actor)
        ids.append(order.pk)
    return ids


def test_it_lists_newest_first_in_the_documented_envelope(api):
    ids = make_orders(api, 3)
    body = api.get(URL).json()
    assert [o["id"] for o in body["data"]] == ids[::-1]
    assert body["has_more"] is False
    assert body["next_cursor"] is None


def test_it_pages_with_a_cursor_without_gaps_or_repeats(api):
    ids = make_orders(api, 7)
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get(URL, **params).json()
        seen += [o["id"] for o in body["data"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert seen == ids[::-1]


def test_it_filters_by_status(api):
    draft, approved = api.create(), api.create()
    api.approve(approved["id"])
    assert [o["id"] for o in api.get(URL, status="approved").json()["data"]] == [approved["id"]]
    assert [o["id"] for o in api.get(URL, status="draft").json()["data"]] == [draft["id"]]


def test_it_finds_orders_by_a_whole_or_partial_phone_number(api):
    first = api.create(["+12025551234", "+12025551888"])
    api.create(["+13125551234"])
    assert [o["id"] for o in api.get(URL, phone_number="+12025551888").json()["data"]] == [first["id"]]
    assert len(api.get(URL, phone_number="5551234").json()["data"]) == 2
    assert len(api.get(URL, phone_number="202555").json()["data"]) == 1


@pytest.mark.parametrize(
    "params", [{"status": "pending"}, {"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"cursor": "nope"},
               {"phone_number": "abc"}, {"colour": "red"}]
)
def test_it_rejects_bad_query_parameters(api, params):
    response = api.get(URL, **params)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_it_runs_the_same_number_of_queries_for_any_page_size(api):
    make_orders(api, 60)
    api.get(URL)  # the key's first use of the minute also records last_used_at

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert len(api.get(URL, limit=limit).json()["data"]) == limit
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)
    assert queries(50) <= 4  # key, account, orders, numbers
