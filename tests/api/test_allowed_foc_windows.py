"""GET /v1/port-orders/{id}/allowed-foc-windows: every requestable FOC date with its hours, and the
validation of create, update and approve agreeing with the list exactly."""
from __future__ import annotations

import datetime as dt

import pytest

from porting.models import Account, PortOrder
from tests.conftest import Api, make_tenant

URL = "/v1/port-orders/{id}/allowed-foc-windows"
RANDOM_ID = "port_01h2xcejqtf2nbrexx3vqjhp41"
VERIZON = "1"  # first digit of the sandbox line: Verizon Wireless, the standard window
FRONTIER = "7"  # Frontier (SPID 9206): 10:00 to 16:00 Eastern only
# As of the frozen clock (Thursday 2026-12-10, 10:00 Eastern): the 5th business day (Thursday 17th) to
# day 30 (Saturday 2027-01-09), without weekends, Christmas (Friday 25th) and New Year's Day (Friday 1st).
EXPECTED_DATES = [
    "2026-12-17", "2026-12-18", "2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28",
    "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07",
    "2027-01-08",
]


def number(carrier: str, index: int) -> str:
    """A distinct sandbox number of the carrier (lines x100 and up: none of the rejecting lines)."""
    return f"+1202555{carrier}{100 + index:03d}"


def windows(api: Api, order_id: str) -> list[dict]:
    response = api.get(URL.format(id=order_id))
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def expected(start: str, end: str) -> list[dict]:
    return [{"date": d, "start_time": start, "end_time": end, "timezone": "America/New_York"} for d in EXPECTED_DATES]


def update(api: Api, order_id: str, body: dict):
    return api.post(f"/v1/port-orders/{order_id}", body)


def approve(api: Api, order_id: str):
    return api.post(f"/v1/port-orders/{order_id}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"})


def assert_foc_refused(response, pointer: str, *words: str) -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "foc_date_invalid"
    assert [e["pointer"] for e in body["errors"]] == [pointer]
    for word in words:
        assert word in body["errors"][0]["detail"]


def test_it_lists_every_requestable_date_with_the_standard_window(api):
    order = api.create([number(VERIZON, 0)])
    assert windows(api, order["id"]) == expected("08:00", "20:00")


def test_it_lists_frontiers_narrower_window_on_every_date(api):
    order = api.create([number(FRONTIER, 0)])
    assert windows(api, order["id"]) == expected("10:00", "16:00")


def test_a_live_order_gets_the_standard_window_from_the_manual_carrier(live_api):
    order = live_api.create()
    assert windows(live_api, order["id"]) == expected("08:00", "20:00")


@pytest.mark.parametrize("carrier", [VERIZON, FRONTIER])
def test_every_listed_date_and_both_ends_of_its_window_are_accepted_by_create_update_and_approve(api, carrier):
    listed = windows(api, api.create([number(carrier, 0)])["id"])
    assert [w["date"] for w in listed] == EXPECTED_DATES
    for i, window in enumerate(listed, start=1):
        date, start, end = window["date"], window["start_time"], window["end_time"]
        order = api.create([number(carrier, i)], requested_foc_date=date, requested_foc_time=start)
        assert (order["details"]["requested_foc_date"], order["details"]["requested_foc_time"]) == (date, start)
        response = update(api, order["id"], {"requested_foc_date": date, "requested_foc_time": end})
        assert response.status_code == 200, (window, response.json())
        assert response.json()["details"]["requested_foc_time"] == end
        response = approve(api, order["id"])
        assert response.status_code == 200, (window, response.json())
        assert response.json()["status"] == "approved"


def test_a_day_is_accepted_by_create_and_update_exactly_when_it_is_listed(api):
    listed = {w["date"] for w in windows(api, api.create([number(VERIZON, 0)])["id"])}
    target = api.create([number(VERIZON, 1)])
    for offset in range(-1, 40):
        day = (dt.date(2026, 12, 10) + dt.timedelta(days=offset)).isoformat()
        created = api.post("/v1/port-orders", {"phone_numbers": [number(VERIZON, 2 + offset)],
                                               "requested_foc_date": day})
        updated = update(api, target["id"], {"requested_foc_date": day})
        if day in listed:
            assert (created.status_code, updated.status_code) == (201, 200), day
        else:
            assert_foc_refused(created, "/requested_foc_date")
            assert_foc_refused(updated, "/requested_foc_date")


@pytest.mark.parametrize(("day", "reason"), [
    ("2026-12-16", "at least 5 business days"),  # too early: the 4th business day
    ("2026-12-19", "weekend"),
    ("2026-12-25", "Christmas"),
    ("2027-01-11", "at most 30 calendar days"),  # too late (Monday after day 30)
])
def test_a_date_that_is_not_listed_is_refused_by_create_and_update(api, day, reason):
    order = api.create([number(VERIZON, 0)])
    assert day not in [w["date"] for w in windows(api, order["id"])]
    assert_foc_refused(api.post("/v1/port-orders", {"phone_numbers": [number(VERIZON, 1)], "requested_foc_date": day}),
                       "/requested_foc_date", reason)
    assert_foc_refused(update(api, order["id"], {"requested_foc_date": day}), "/requested_foc_date", reason)


def test_approve_refuses_a_date_that_has_left_the_list(api, clock):
    order = api.create([number(VERIZON, 0)], requested_foc_date="2026-12-17")
    clock.move_to(dt.datetime(2026, 12, 11, 15, 0, tzinfo=dt.UTC))  # a day later: the 17th is the 4th business day
    listed = [w["date"] for w in windows(api, order["id"])]
    assert listed[0] == "2026-12-18" and "2026-12-17" not in listed
    assert_foc_refused(approve(api, order["id"]), "/requested_foc_date", "2026-12-18")


@pytest.mark.parametrize(("time", "accepted"), [("09:00", False), ("10:00", True), ("16:00", True), ("16:01", False)])
def test_frontiers_window_is_enforced_by_create_and_update(api, time, accepted):
    created = api.post("/v1/port-orders", {"phone_numbers": [number(FRONTIER, 0)],
                                           "requested_foc_date": EXPECTED_DATES[0], "requested_foc_time": time})
    order = api.create([number(FRONTIER, 1)], requested_foc_date=EXPECTED_DATES[0], requested_foc_time="12:00")
    updated = update(api, order["id"], {"requested_foc_time": time})
    if accepted:
        assert (created.status_code, updated.status_code) == (201, 200)
        assert updated.json()["details"]["requested_foc_time"] == time
    else:
        assert_foc_refused(created, "/requested_foc_time", "between 10:00 and 16:00 Eastern Time")
        assert_foc_refused(updated, "/requested_foc_time", "between 10:00 and 16:00 Eastern Time")


@pytest.mark.parametrize("time", ["09:00", "16:01"])
def test_frontiers_window_does_not_narrow_other_carriers(api, time):
    api.create([number(VERIZON, 0)], requested_foc_date=EXPECTED_DATES[0], requested_foc_time=time)


@pytest.mark.parametrize(("time", "accepted"), [("09:00", False), ("10:00", True), ("16:00", True), ("16:01", False)])
def test_frontiers_window_is_enforced_by_approve(api, time, accepted):
    order = api.create([number(FRONTIER, 0)], requested_foc_date=EXPECTED_DATES[0], requested_foc_time="12:00")
    # As if stored before the window was known: approval checks the time again.
    PortOrder.objects.filter(pk=order["id"]).update(requested_foc_time=dt.time.fromisoformat(time))
    response = approve(api, order["id"])
    if accepted:
        assert response.status_code == 200, response.json()
    else:
        assert_foc_refused(response, "/requested_foc_time", "between 10:00 and 16:00 Eastern Time")


def test_the_sandbox_confirms_a_frontier_port_inside_its_window_when_no_time_was_requested(api):
    order = api.create([number(FRONTIER, 0)], requested_foc_time=None)
    api.approve(order["id"])
    api.submit(order["id"])
    assert api.refresh(order["id"])["details"]["foc"] == {"date": "2026-12-18", "time": "10:00"}


def test_it_answers_in_every_status(api):
    order = api.create([number(VERIZON, 0)])
    assert windows(api, order["id"]) == expected("08:00", "20:00")
    api.approve(order["id"])
    assert windows(api, order["id"]) == expected("08:00", "20:00")
    api.submit(order["id"])
    assert api.refresh(order["id"])["status"] == "foc"
    assert windows(api, order["id"]) == expected("08:00", "20:00")
    api.post(f"/v1/port-orders/{order['id']}/cancel")
    assert windows(api, order["id"]) == expected("08:00", "20:00")


def test_another_accounts_order_is_the_same_404_as_an_unknown_id(api):
    order = api.create()
    sibling = Account.objects.create(platform=api.tenant.platform, name="Sibling")
    stolen = api.get(URL.format(id=order["id"]), account=sibling.pk)
    missing = api.get(URL.format(id=RANDOM_ID), account=sibling.pk)
    assert stolen.status_code == missing.status_code == 404
    assert stolen.json() == {**missing.json(), "detail": missing.json()["detail"].replace(RANDOM_ID, order["id"])}


def test_another_platforms_key_gets_a_404(api):
    order = api.create()
    intruder = Api(api.client, make_tenant("Mallory"))
    response = intruder.get(URL.format(id=order["id"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_id_is_a_404(api):
    response = api.get(URL.format(id=RANDOM_ID))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_needs_the_account_header(api):
    order = api.create()
    response = api.get(URL.format(id=order["id"]), account=False)
    assert response.status_code == 400
    assert response.json()["code"] == "account_header_missing"


def test_it_needs_an_api_key(api, client):
    order = api.create()
    response = client.get(URL.format(id=order["id"]), HTTP_DIALSTACK_ACCOUNT=api.tenant.account.pk)
    assert response.status_code == 401


def test_the_schema_documents_it(client, db):
    schema = client.get("/v1/openapi.json").json()
    operation = schema["paths"]["/v1/port-orders/{order_id}/allowed-foc-windows"]["get"]
    assert operation["operationId"] == "list_allowed_foc_windows"
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = schema["components"]["schemas"][body]["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][item]["properties"]) == {"date", "start_time", "end_time", "timezone"}
