"""Webhook endpoints through the API: created with a secret shown once, read without it, changed,
disabled and enabled, deleted; each mode sees only its own endpoints; live ones must be https."""
from __future__ import annotations

import base64

import pytest

from porting.models import Account
from tests.conftest import make_tenant
from tests.webhooks.helpers import assert_problem, endpoint_create, endpoint_get, endpoint_update

HOOK = "http://127.0.0.1:9/hook"
LIVE_HOOK = "https://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _private_urls_allowed(settings):
    """These tests are about the endpoint's record, not where it points: 127.0.0.1 needs no DNS."""
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True


def test_creating_an_endpoint_answers_201_with_a_whsec_secret_that_no_later_read_shows(api):
    response = api.post("/v1/webhook-endpoints", {"url": HOOK, "description": "orders to our CRM",
                                                  "enabled_events": ["port_order.*"]}, account=False)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["id"].startswith("we_")
    assert {k: created[k] for k in ("object", "url", "description", "enabled_events", "account", "livemode",
                                     "disabled", "disabled_reason")} == {
        "object": "webhook_endpoint", "url": HOOK, "description": "orders to our CRM",
        "enabled_events": ["port_order.*"], "account": None, "livemode": False, "disabled": False,
        "disabled_reason": None,
    }
    fetched = endpoint_get(api, created["id"])
    assert "secret" not in fetched
    assert fetched == {k: v for k, v in created.items() if k != "secret"}
    listed = api.get("/v1/webhook-endpoints", account=False).json()["data"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert created["secret"] not in api.get("/v1/webhook-endpoints", account=False).content.decode()


def test_two_endpoints_get_different_secrets(api):
    assert endpoint_create(api, HOOK)["secret"] != endpoint_create(api, HOOK)["secret"]


def test_an_endpoint_changes_its_url_events_and_description_and_keeps_what_was_not_sent(api):
    endpoint = endpoint_create(api, HOOK, description="first", enabled_events=["port_order.created"])
    changed = endpoint_update(api, endpoint["id"], url="http://127.0.0.1:10/new", enabled_events=["loa.*"])
    assert (changed["url"], changed["enabled_events"], changed["description"]) == (
        "http://127.0.0.1:10/new", ["loa.*"], "first")
    changed = endpoint_update(api, endpoint["id"], description="second")
    assert endpoint_get(api, endpoint["id"]) == changed
    assert (changed["url"], changed["enabled_events"], changed["description"]) == (
        "http://127.0.0.1:10/new", ["loa.*"], "second")
    assert "secret" not in changed


def test_an_endpoint_is_disabled_with_a_reason_and_enabled_again(api):
    endpoint = endpoint_create(api, HOOK)
    disabled = endpoint_update(api, endpoint["id"], disabled=True)
    assert disabled["disabled"] is True and disabled["disabled_reason"]
    assert endpoint_get(api, endpoint["id"])["disabled"] is True
    enabled = endpoint_update(api, endpoint["id"], disabled=False)
    assert (enabled["disabled"], enabled["disabled_reason"]) == (False, None)
    assert endpoint_get(api, endpoint["id"])["disabled"] is False


def test_a_deleted_endpoint_answers_204_then_404_everywhere(api):
    endpoint = endpoint_create(api, HOOK)
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    response = api.client.delete(path, **api.headers(account=False))
    assert response.status_code == 204
    assert_problem(api.get(path, account=False), 404)
    assert_problem(api.client.delete(path, **api.headers(account=False)), 404)
    assert_problem(api.post(f"{path}/test", account=False), 404)
    assert api.get("/v1/webhook-endpoints", account=False).json()["data"] == []


def test_a_test_key_sees_only_test_endpoints_and_a_live_key_only_live_ones(api, live_api):
    test_endpoint = endpoint_create(api, HOOK)
    live_endpoint = endpoint_create(live_api, LIVE_HOOK)
    assert (test_endpoint["livemode"], live_endpoint["livemode"]) == (False, True)
    assert [e["id"] for e in api.get("/v1/webhook-endpoints", account=False).json()["data"]] == [test_endpoint["id"]]
    assert [e["id"] for e in live_api.get("/v1/webhook-endpoints", account=False).json()["data"]] == [
        live_endpoint["id"]]
    assert_problem(api.get(f"/v1/webhook-endpoints/{live_endpoint['id']}", account=False), 404)
    assert_problem(live_api.get(f"/v1/webhook-endpoints/{test_endpoint['id']}", account=False), 404)
    assert_problem(live_api.post(f"/v1/webhook-endpoints/{test_endpoint['id']}", {"disabled": True},
                                 account=False), 404)
    assert endpoint_get(api, test_endpoint["id"])["disabled"] is False


def test_a_live_endpoint_must_use_https_when_created_and_when_changed(live_api):
    refused = live_api.post("/v1/webhook-endpoints", {"url": HOOK}, account=False)
    assert_problem(refused, 400, pointer="/url")
    assert live_api.get("/v1/webhook-endpoints", account=False).json()["data"] == []
    endpoint = endpoint_create(live_api, LIVE_HOOK)
    refused = live_api.post(f"/v1/webhook-endpoints/{endpoint['id']}", {"url": HOOK}, account=False)
    assert_problem(refused, 400, pointer="/url")
    assert endpoint_get(live_api, endpoint["id"])["url"] == LIVE_HOOK


def test_a_test_endpoint_may_use_plain_http(api):
    assert endpoint_create(api, HOOK)["url"] == HOOK


@pytest.mark.parametrize("events", [["port order created"], [""], ["port_order.*", "a/b"]])
def test_an_event_pattern_that_is_not_a_type_or_glob_is_refused(api, events):
    response = api.post("/v1/webhook-endpoints", {"url": HOOK, "enabled_events": events}, account=False)
    assert_problem(response, 400, pointer=f"/enabled_events/{len(events) - 1}")


def test_an_endpoint_may_be_limited_to_one_of_the_platforms_accounts_but_not_to_another_platforms(api):
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    assert endpoint_create(api, HOOK, account=sibling.pk)["account"] == sibling.pk
    stranger = make_tenant("Mallory").account
    assert_problem(api.post("/v1/webhook-endpoints", {"url": HOOK, "account": stranger.pk}, account=False),
                   400, pointer="/account")
