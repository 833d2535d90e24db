"""The platform's events feed (GET /v1/events): every public event of the platform's orders in the key's
mode, newest first, filtered by type (exact or glob), account, order and creation time, paged with a
cursor; each event numbered 1, 2, 3 … within its order."""
from __future__ import annotations

import datetime as dt

from porting.models import Account
from tests.conftest import order_body
from tests.webhooks.helpers import assert_problem, feed


def ids(page: dict) -> list[str]:
    return [e["id"] for e in page["data"]]


def three_events_then_one_then_one(api, clock) -> tuple[dict, dict]:
    """Order A: created, updated; order B (a sibling account): created; order A: cancelled; a minute apart."""
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    a = api.create()
    clock.shift(dt.timedelta(minutes=1))
    response = api.post(f"/v1/port-orders/{a['id']}", {"subscriber": {"business_name": "Smith Holdings"}})
    assert response.status_code == 200, response.json()
    clock.shift(dt.timedelta(minutes=1))
    response = api.post("/v1/port-orders", order_body(["+12025551300"]), account=sibling.pk)
    assert response.status_code == 201, response.json()
    b = response.json()
    clock.shift(dt.timedelta(minutes=1))
    assert api.post(f"/v1/port-orders/{a['id']}/cancel").status_code == 200
    return a, b


def test_the_feed_lists_the_platforms_events_newest_first_each_numbered_within_its_order(api, clock):
    a, b = three_events_then_one_then_one(api, clock)
    page = feed(api)
    listed = [(e["type"], e["order_id"], e["sequence"]) for e in page["data"]]
    assert listed == [
        ("port_order.cancelled", a["id"], 3),
        ("port_order.created", b["id"], 1),
        ("port_order.updated", a["id"], 2),
        ("port_order.created", a["id"], 1),
    ]
    assert (page["has_more"], page["next_cursor"]) == (False, None)
    assert [e["account_id"] for e in page["data"]] == [a["account"], b["account"], a["account"], a["account"]]
    assert [e["sequence"] for e in api.get(f"/v1/port-orders/{a['id']}/events").json()["data"]] == [1, 2, 3]
    first = page["data"][-1]
    assert {k: first[k] for k in ("object", "from_status", "to_status")} == {
        "object": "event", "from_status": None, "to_status": "draft"}
    assert first["actor"]["type"] == "api_key"


def test_one_event_is_fetched_by_its_id(api, clock):
    three_events_then_one_then_one(api, clock)
    for listed in feed(api)["data"]:
        response = api.get(f"/v1/events/{listed['id']}", account=False)
        assert response.status_code == 200
        assert response.json() == listed


def test_the_feed_filters_by_type_exactly_or_by_glob(api, clock):
    a, b = three_events_then_one_then_one(api, clock)
    assert [e["type"] for e in feed(api, type="port_order.created")["data"]] == ["port_order.created"] * 2
    assert len(feed(api, type="port_order.*")["data"]) == 4
    assert [e["type"] for e in feed(api, type="*.updated")["data"]] == ["port_order.updated"]
    assert feed(api, type="port_order")["data"] == []
    assert feed(api, type="approval_request.*")["data"] == []


def test_the_feed_filters_by_account_and_by_order(api, clock):
    a, b = three_events_then_one_then_one(api, clock)
    assert [e["order_id"] for e in feed(api, account=b["account"])["data"]] == [b["id"]]
    assert {e["order_id"] for e in feed(api, account=a["account"])["data"]} == {a["id"]}
    assert [e["type"] for e in feed(api, order=a["id"])["data"]] == [
        "port_order.cancelled", "port_order.updated", "port_order.created"]


def test_the_feed_filters_by_creation_time(api, clock):
    start = dt.datetime.now(dt.UTC)
    a, b = three_events_then_one_then_one(api, clock)

    def at(minutes: float) -> str:
        return (start + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert [e["type"] for e in feed(api, created_after=at(0.5))["data"]] == [
        "port_order.cancelled", "port_order.created", "port_order.updated"]
    assert [e["type"] for e in feed(api, created_before=at(1.5))["data"]] == [
        "port_order.updated", "port_order.created"]
    assert [(e["type"], e["order_id"]) for e in feed(api, created_after=at(0.5), created_before=at(2.5))["data"]] == [
        ("port_order.created", b["id"]), ("port_order.updated", a["id"])]


def test_the_feed_pages_with_a_cursor_without_gaps_or_repeats(api, clock):
    three_events_then_one_then_one(api, clock)
    everything = ids(feed(api))
    first = feed(api, limit=3)
    assert first["has_more"] is True and first["next_cursor"]
    second = feed(api, limit=3, cursor=first["next_cursor"])
    assert (second["has_more"], second["next_cursor"]) == (False, None)
    assert ids(first) + ids(second) == everything
    assert len(everything) == 4
    filtered = feed(api, limit=1, type="port_order.created")
    rest = feed(api, limit=1, type="port_order.created", cursor=filtered["next_cursor"])
    assert len(ids(filtered) + ids(rest)) == 2 and rest["has_more"] is False


def test_each_mode_sees_only_its_own_events(api, live_api):
    test_order = api.create()
    live_order = live_api.create()
    assert [e["order_id"] for e in feed(api)["data"]] == [test_order["id"]]
    assert [e["order_id"] for e in feed(live_api)["data"]] == [live_order["id"]]
    test_event = feed(api)["data"][0]["id"]
    assert_problem(live_api.get(f"/v1/events/{test_event}", account=False), 404)


def test_a_bad_filter_is_a_400_with_a_pointer(api):
    assert_problem(api.get("/v1/events", account=False, created_after="yesterday"), 400, pointer="/created_after")
    assert_problem(api.get("/v1/events", account=False, limit="1000"), 400, pointer="/limit")


def test_the_desks_reveal_of_secrets_stays_on_the_desk(api):
    from django.contrib.auth.models import User

    from porting import services
    from porting.models import PortOrder

    order = api.create()
    staff = User.objects.create_superuser("root", "root@example.com", "pw-12345-long")
    services.port_order_reveal_secrets(order=PortOrder.objects.get(pk=order["id"]), user=staff)
    assert "port_order.secrets_revealed" not in [e["type"] for e in feed(api)["data"]]
    assert "port_order.secrets_revealed" not in [e["type"] for e in api.get(
        f"/v1/port-orders/{order['id']}/events").json()["data"]]
