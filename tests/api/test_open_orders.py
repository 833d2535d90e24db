"""A number is in at most one open port order per mode across the installation (DESIGN §4): a second
create or update with it is a 409 ``number_in_open_order`` pointing at the number; the other order is
named only to its own account. Cancelled and completed orders free their numbers."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from porting import services
from porting.models import PortOrder
from tests.conftest import Api, make_tenant, order_body, require_or_skip

URL = "/v1/port-orders"
DESK = services.Actor("staff", "desk")


def assert_in_open_order(response, pointer: str, other_id: str | None) -> dict:
    assert response.status_code == 409, response.json()
    problem = response.json()
    assert problem["code"] == "number_in_open_order"
    assert [e["pointer"] for e in problem["errors"]] == [pointer]
    assert problem["errors"][0].get("port_order_id") == other_id
    return problem


def test_a_number_in_an_open_order_of_the_same_account_is_refused_naming_that_order(api):
    first = api.create(["+12025551234"])
    problem = assert_in_open_order(api.post(URL, order_body(["+12025551299", "+12025551234"])), "/phone_numbers/1",
                                   first["id"])
    assert first["id"] in problem["errors"][0]["detail"]
    assert PortOrder.objects.count() == 1


def test_another_accounts_order_is_not_named(api):
    other = Api(APIClient(), make_tenant("Elsewhere"))
    theirs = other.create(["+12025551234"])
    problem = assert_in_open_order(api.post(URL, order_body(["+12025551234"])), "/phone_numbers/0", None)
    assert theirs["id"] not in str(problem)


def test_sandbox_and_live_orders_do_not_block_each_other(api, live_api):
    api.create(["+12025551234"])
    assert live_api.post(URL, order_body(["+12025551234"])).status_code == 201


@pytest.mark.parametrize("status", ["approved", "exception", "foc"])
def test_an_order_holds_its_numbers_until_it_has_ended(api, status):
    order = api.create(["+12025551234"])
    api.approve(order["id"])
    if status != "approved":
        api.submit(order["id"])
        submitted = PortOrder.objects.get(pk=order["id"])
        if status == "exception":
            services.port_order_record_rejection(order=submitted, actor=DESK, code="pin_invalid")
        else:
            services.port_order_record_foc(order=submitted, actor=DESK, date=dt.date(2026, 12, 18))
    assert PortOrder.objects.get(pk=order["id"]).status == status
    assert_in_open_order(api.post(URL, order_body(["+12025551234"])), "/phone_numbers/0", order["id"])


def test_a_cancelled_order_frees_its_numbers(api):
    first = api.create(["+12025551234"])
    assert api.post(f"{URL}/{first['id']}/cancel").status_code == 200
    assert api.post(URL, order_body(["+12025551234"])).status_code == 201


def test_a_completed_order_frees_its_numbers(api):
    order = api.submitted(["+12025551234"])
    services.port_order_record_foc(order=PortOrder.objects.get(pk=order["id"]), actor=DESK, date=dt.date(2026, 12, 18))
    services.port_order_complete(order=PortOrder.objects.get(pk=order["id"]), actor=DESK)
    assert PortOrder.objects.get(pk=order["id"]).status == "complete"
    assert api.post(URL, order_body(["+12025551234"])).status_code == 201


def test_an_update_cannot_take_a_number_held_by_another_open_order(api):
    holder = api.create(["+12025551234"])
    order = api.create(["+12025551299"])
    response = api.post(f"{URL}/{order['id']}", {"phone_numbers": ["+12025551299", "+12025551234"]})
    assert_in_open_order(response, "/phone_numbers/1", holder["id"])
    assert api.get(f"{URL}/{order['id']}").json()["details"]["phone_numbers"] == ["+12025551299"]


def test_an_order_may_keep_and_reorder_its_own_numbers(api):
    order = api.create(["+12025551234", "+12025551299"])
    response = api.post(f"{URL}/{order['id']}", {"phone_numbers": ["+12025551299", "+12025551234"]})
    assert response.status_code == 200, response.json()


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_parallel_creates_with_one_number_make_one_order(postgres, settings, round_):
    settings.PORTING_API_RATE = "off"
    tenant = make_tenant()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.key}", "HTTP_DIALSTACK_ACCOUNT": tenant.account.pk}
    parallel = 2 if round_ == 1 else 10
    barrier = threading.Barrier(parallel)

    def create(_: int) -> tuple[int, str]:
        try:
            client = APIClient()
            barrier.wait(timeout=30)
            response = client.post(URL, order_body(["+12025551234"]), format="json", **headers)
            return response.status_code, response.json().get("code", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        answers = sorted(pool.map(create, range(parallel)))
    assert answers == [(201, "")] + [(409, "number_in_open_order")] * (parallel - 1)
    assert PortOrder.objects.count() == 1
