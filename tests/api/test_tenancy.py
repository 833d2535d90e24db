"""Tenant isolation: other platforms' and other accounts' orders are 404, exactly like a random id."""
from __future__ import annotations

import pytest

from porting.models import Account
from tests.conftest import Api, make_tenant

ROUTES = [
    ("get", "/v1/port-orders/{id}", None),
    ("post", "/v1/port-orders/{id}", {"subscriber": {"business_name": "Mallory"}}),
    ("post", "/v1/port-orders/{id}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"}),
    ("post", "/v1/port-orders/{id}/submit", None),
    ("post", "/v1/port-orders/{id}/cancel", None),
    ("get", "/v1/port-orders/{id}/events", None),
    ("get", "/v1/port-orders/{id}/audit", None),
    ("get", "/v1/port-orders/{id}/comments", None),
    ("post", "/v1/port-orders/{id}/comments", {"body": "hello"}),
    ("get", "/v1/port-orders/{id}/allowed-foc-windows", None),
    ("get", "/v1/port-orders/{id}/approval-requests", None),
    ("get", "/v1/port-orders/{id}/loa", None),
    ("get", "/v1/port-orders/{id}/documents", None),
    ("post", "/v1/port-orders/{id}/documents", None),
    ("get", "/v1/port-orders/{id}/documents/doc_01h2xcejqtf2nbrexx3vqjhp43", None),
    ("delete", "/v1/port-orders/{id}/documents/doc_01h2xcejqtf2nbrexx3vqjhp43", None),
    ("post", "/v1/port-orders/{id}/documents/doc_01h2xcejqtf2nbrexx3vqjhp43/download-link", None),
    ("post", "/v1/test-helpers/port-orders/{id}/foc", None),
    ("post", "/v1/test-helpers/port-orders/{id}/reject", {"code": "other"}),
    ("post", "/v1/test-helpers/port-orders/{id}/complete", None),
]
RANDOM_ID = "port_01h2xcejqtf2nbrexx3vqjhp41"


def call(api: Api, method: str, path: str, body, account=True):
    if method == "get":
        return api.get(path, account=account)
    if method == "delete":
        return api.client.delete(path, **api.headers(account))
    return api.post(path, body, account=account)


def assert_same_404(response, missing, asked_id: str, random_id: str) -> None:
    """Both are 404 with the same body, but for the id each one asked for."""
    assert response.status_code == missing.status_code == 404
    assert response.json() == {**missing.json(), "detail": missing.json()["detail"].replace(random_id, asked_id)}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_platforms_key_gets_the_same_404_as_a_random_id(api, method, path, body):
    order = api.create()
    intruder = Api(api.client, make_tenant("Mallory"))
    # With its own account header: the order is as unknown as a random id.
    stolen = call(intruder, method, path.format(id=order["id"]), body)
    missing = call(intruder, method, path.format(id=RANDOM_ID), body)
    assert_same_404(stolen, missing, order["id"], RANDOM_ID)
    # With the victim's account header: the account is as unknown as a random account.
    victim_account = api.tenant.account.pk
    random_account = "acct_01h2xcejqtf2nbrexx3vqjhp42"
    stolen = call(intruder, method, path.format(id=order["id"]), body, account=victim_account)
    missing = call(intruder, method, path.format(id=order["id"]), body, account=random_account)
    assert_same_404(stolen, missing, victim_account, random_account)
    assert api.get(f"/v1/port-orders/{order['id']}").json()["status"] == "draft"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_accounts_header_gets_the_same_404_as_a_random_id(api, method, path, body):
    order = api.create()
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    response = call(api, method, path.format(id=order["id"]), body, account=sibling.pk)
    assert response.status_code == 404
    missing = call(api, method, path.format(id=RANDOM_ID), body, account=sibling.pk)
    assert_same_404(response, missing, order["id"], RANDOM_ID)
    assert api.get(f"/v1/port-orders/{order['id']}").json()["details"]["subscriber"]["business_name"] != "Mallory"


def test_another_accounts_orders_are_not_listed(api):
    api.create()
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    assert api.get("/v1/port-orders", account=sibling.pk).json()["data"] == []


def test_test_mode_and_live_mode_orders_are_apart(api, live_api):
    order = api.create()
    assert live_api.get(f"/v1/port-orders/{order['id']}").status_code == 404
    assert live_api.get("/v1/port-orders").json()["data"] == []


@pytest.mark.parametrize("path", ["/v1/port-orders", "/v1/port-orders/" + RANDOM_ID])
def test_account_routes_need_the_account_header(api, path):
    response = api.get(path, account=None)
    assert response.status_code == 400
    assert response.json()["code"] == "account_header_missing"
