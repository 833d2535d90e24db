"""The audit trail is hash-chained per order (DESIGN §5, §11): each event shows ``sequence``,
``prev_hash`` and ``hash`` = SHA-256 of the canonical JSON of the previous hash and the event;
``GET …/audit`` and ``manage.py verify_audit`` find an edited, removed or reordered event.

The hashes are recomputed here with hashlib and json, not with the code under test."""
from __future__ import annotations

import hashlib
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from porting.models import Event
from tests.conftest import make_tenant, require_or_skip

URL = "/v1/port-orders"
GENESIS = "0" * 64


def recomputed(prev_hash: str, row: Event) -> str:
    payload = {
        "prev_hash": prev_hash, "id": row.pk, "order": row.order_id, "type": row.type,
        "from_status": row.from_status, "to_status": row.to_status,
        "actor": {"type": row.actor_type, "id": row.actor_id}, "data": row.data,
        "created_at": row.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "sequence": row.sequence,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def busy_order(api) -> dict:
    order = api.create()
    api.post(f"{URL}/{order['id']}", {"subscriber": {"business_name": "Smith Holdings — “Ünïcode”"}})
    api.post(f"{URL}/{order['id']}/comments", {"body": "Any news?"})
    api.approve(order["id"])
    api.post(f"{URL}/{order['id']}/cancel", {"reason": "customer changed their mind"})
    return order


def audit(api, order_id: str) -> dict:
    response = api.get(f"{URL}/{order_id}/audit")
    assert response.status_code == 200
    return response.json()


def verify_audit(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_each_event_is_chained_to_the_previous_one(api):
    order = busy_order(api)
    events = api.get(f"{URL}/{order['id']}/events").json()["data"]
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    rows = list(Event.objects.filter(order_id=order["id"]).order_by("sequence"))
    prev = GENESIS
    for event, row in zip(events, rows, strict=True):
        assert event["prev_hash"] == prev
        assert event["hash"] == recomputed(prev, row)
        prev = event["hash"]
    assert audit(api, order["id"]) == {"valid": True, "events": len(rows), "head": prev}


def test_an_edited_event_breaks_the_chain_there(api):
    order, other = busy_order(api), api.create()
    victim = Event.objects.filter(order_id=order["id"], type="port_order.approved").get()
    Event.objects.filter(pk=victim.pk).update(data={**victim.data, "ip": "198.51.100.7"})
    result = audit(api, order["id"])
    assert result["valid"] is False and result["broken_at"] == victim.pk
    assert "changed after it was written" in result["reason"] and result["events"] == victim.sequence - 1
    assert audit(api, other["id"])["valid"] is True
    status, output = verify_audit()
    assert status == 1 and f"BROKEN {order['id']} at {victim.pk}" in output and "1 of 2 order(s)" in output
    assert verify_audit("--order", other["id"])[0] == 0


def test_a_removed_event_breaks_the_chain_at_the_next_one(api):
    order = busy_order(api)
    victim = Event.objects.filter(order_id=order["id"], type="comment.created").get()
    following = Event.objects.get(order_id=order["id"], sequence=victim.sequence + 1)
    Event.objects.filter(pk=victim.pk).delete()
    result = audit(api, order["id"])
    assert result["valid"] is False and result["broken_at"] == following.pk and "missing" in result["reason"]


def test_a_rewritten_chain_does_not_hide_a_changed_status(api):
    """Recomputing one hash is not enough: the next event still names the old one."""
    order = busy_order(api)
    victim = Event.objects.get(order_id=order["id"], type="port_order.cancelled")
    victim_prev = Event.objects.get(order_id=order["id"], sequence=victim.sequence - 1)
    Event.objects.filter(pk=victim_prev.pk).update(to_status="complete")
    victim_prev.refresh_from_db()
    Event.objects.filter(pk=victim_prev.pk).update(hash=recomputed(victim_prev.prev_hash, victim_prev))
    result = audit(api, order["id"])
    assert result["valid"] is False and result["broken_at"] == victim.pk
    assert "prev_hash" in result["reason"]


def test_verify_audit_says_ok_and_checks_one_order(api):
    order = busy_order(api)
    assert verify_audit() == (0, "OK: 1 order(s), 5 event(s), every chain holds.\n")
    status, output = verify_audit("--order", order["id"])
    assert status == 0 and output.startswith(f"{order['id']}: 5 event(s), head ")


def test_verify_audit_refuses_an_unknown_order(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such port order"):
        call_command("verify_audit", "--order", "port_nope")


def test_another_accounts_audit_is_404(api):
    from tests.conftest import Api

    theirs = Api(APIClient(), make_tenant("Elsewhere")).create()
    assert api.get(f"{URL}/{theirs['id']}/audit").status_code == 404


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
def test_parallel_writers_keep_one_unbroken_chain(postgres, settings):
    """Comments, updates and the desk's reveal race on one order: every event is chained under its lock."""
    settings.PORTING_API_RATE = "off"
    tenant = make_tenant()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.key}", "HTTP_DIALSTACK_ACCOUNT": tenant.account.pk}
    client = APIClient()
    order = client.post(URL, {"phone_numbers": ["+12025551234"]}, format="json", **headers).json()
    parallel = 24
    barrier = threading.Barrier(parallel)

    def write(i: int) -> int:
        try:
            mine = APIClient()
            barrier.wait(timeout=30)
            if i % 2:
                return mine.post(f"{URL}/{order['id']}/comments", {"body": f"comment {i}"}, format="json",
                                 **headers).status_code
            return mine.post(f"{URL}/{order['id']}", {"subscriber": {"business_name": f"Business {i}"}},
                             format="json", **headers).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        codes = list(pool.map(write, range(parallel)))
    assert set(codes) <= {200, 201}, codes
    result = client.get(f"{URL}/{order['id']}/audit", **headers).json()
    assert result["valid"] is True and result["events"] == 1 + parallel
