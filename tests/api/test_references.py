"""The integrator's references on an order: ``customer_reference`` (≤ 255) and ``description``, set on
create or update, shown in the order, filterable in the list; not on the LOA, so changing them never
clears an approval. The list also filters by creation time."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.desk.helpers import user_in

URL = "/v1/port-orders"


def test_references_are_set_on_create_and_shown(api):
    order = api.create(customer_reference="CRM-4411", description="Main office lines")
    assert (order["customer_reference"], order["description"]) == ("CRM-4411", "Main office lines")
    assert api.get(f"{URL}/{order['id']}").json()["customer_reference"] == "CRM-4411"


def test_an_order_without_references_shows_nulls(api):
    order = api.create()
    assert order["customer_reference"] is None and order["description"] is None


def test_changing_references_keeps_the_approval(api, django_capture_on_commit_callbacks):
    order = api.create(customer_reference="CRM-1")
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    response = api.post(f"{URL}/{order['id']}", {"customer_reference": "CRM-2", "description": "moved desks"})
    body = response.json()
    assert body["status"] == "approved" and body["details"]["approval"] is not None
    assert body["customer_reference"] == "CRM-2"
    assert "port_order.approval_cleared" not in api.event_types(order["id"])
    assert api.get(f"{URL}/{order['id']}/loa").status_code == 200


def test_null_clears_a_reference(api):
    order = api.create(customer_reference="CRM-1")
    assert api.post(f"{URL}/{order['id']}", {"customer_reference": None}).json()["customer_reference"] is None


@pytest.mark.parametrize("body,pointer", [
    ({"customer_reference": "x" * 256}, "/customer_reference"),
    ({"customer_reference": 42}, "/customer_reference"),
    ({"description": "x" * 1001}, "/description"),
])
def test_bad_references_are_400_with_a_pointer(api, body, pointer):
    order = api.create()
    response = api.post(f"{URL}/{order['id']}", body)
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_the_list_filters_by_customer_reference_exactly(api):
    wanted = api.create(customer_reference="CRM-4411")
    api.create(customer_reference="CRM-44")
    api.create()
    assert [o["id"] for o in api.get(URL, customer_reference="CRM-4411").json()["data"]] == [wanted["id"]]


def test_the_list_filters_by_creation_time(api, clock):
    early = api.create()
    clock.shift(dt.timedelta(hours=1))
    middle = api.create()
    clock.shift(dt.timedelta(hours=1))
    late = api.create()

    def listed(**params):
        return [o["id"] for o in api.get(URL, **params).json()["data"]]

    assert listed(created_after=early["created_at"]) == [late["id"], middle["id"]]
    assert listed(created_before=late["created_at"]) == [middle["id"], early["id"]]
    assert listed(created_after=early["created_at"], created_before=late["created_at"]) == [middle["id"]]
    assert listed(created_after="2026-12-10") == [late["id"], middle["id"], early["id"]]


@pytest.mark.parametrize("params", [{"created_after": "yesterday"}, {"created_before": "2026-13-01"},
                                    {"customer_reference": "x" * 256}])
def test_bad_list_filters_are_400(api, params):
    response = api.get(URL, **params)
    assert response.status_code == 400 and response.json()["code"] == "validation_error"


def test_the_desk_finds_an_order_by_its_reference(api):
    agent = user_in("Porting agent", "agent")
    wanted = api.create(customer_reference="CRM-4411")
    api.create(customer_reference="CRM-9")
    html = agent.get("/admin/porting/portorder/", {"q": "CRM-4411"}).content.decode()
    assert wanted["id"] in html and html.count('<th class="field-id">') == 1
