"""The commands others script against: create_api_key, seed_demo, refresh_port_orders."""
from __future__ import annotations

import io
import json

from django.core.management import call_command
from rest_framework.test import APIClient

from porting.models import Account, ApiKey, Platform
from tests.conftest import Api, Tenant


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_api_key_prints_one_json_object_with_a_working_key(db):
    result = json.loads(run("create_api_key", "--json"))
    assert set(result) == {"platform_id", "account_id", "api_key", "livemode"}
    assert result["api_key"].startswith("sk_test_") and result["livemode"] is False
    assert result["platform_id"].startswith("plat_") and result["account_id"].startswith("acct_")
    client = APIClient()
    response = client.get("/v1/port-orders", HTTP_AUTHORIZATION=f"Bearer {result['api_key']}",
                          HTTP_DIALSTACK_ACCOUNT=result["account_id"])
    assert response.status_code == 200


def test_create_api_key_without_names_makes_a_new_platform_each_time(db):
    first, second = json.loads(run("create_api_key", "--json")), json.loads(run("create_api_key", "--json"))
    assert first["platform_id"] != second["platform_id"]
    assert Platform.objects.count() == 2 and Account.objects.count() == 2


def test_create_api_key_reuses_named_platforms_and_accounts(db):
    first = json.loads(run("create_api_key", "--platform", "Acme", "--account", "Shop", "--json"))
    second = json.loads(run("create_api_key", "--platform", "Acme", "--account", "Shop", "--live", "--json"))
    assert (first["platform_id"], first["account_id"]) == (second["platform_id"], second["account_id"])
    assert second["api_key"].startswith("sk_live_") and second["livemode"] is True


def test_seed_demo_is_idempotent_and_its_key_works(db):
    out = run("seed_demo")
    run("seed_demo")
    assert ApiKey.objects.count() == 1 and Account.objects.count() == 1
    assert "sk_test_PorticoDemoSandboxKey0000000000000000" in out
    response = APIClient().get(
        "/v1/port-orders", HTTP_AUTHORIZATION="Bearer sk_test_PorticoDemoSandboxKey0000000000000000",
        HTTP_DIALSTACK_ACCOUNT="acct_01h2xcejqtf2nbrexx3vqjhp41",
    )
    assert {o["status"] for o in response.json()["data"]} == {"draft", "submitted"}


def test_refresh_port_orders_polls_open_orders(api):
    order = api.submitted()
    other = Api(APIClient(), Tenant(api.tenant.platform, api.tenant.account, api.tenant.key, api.tenant.live_key))
    out = run("refresh_port_orders")
    assert "Polled 1" in out
    events = other.get(f"/v1/port-orders/{order['id']}/events").json()["data"]
    assert events[-1]["type"] == "port_order.foc"
