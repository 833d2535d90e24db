"""The porting desk in the admin, through its real views, logged in as each group."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from porting import services
from porting.models import Event, PortOrder
from tests.conftest import make_tenant, order_body

LIST = "/admin/porting/portorder/"
ACTOR = services.Actor("system", "test")


def user_in(group: str | None, name: str, superuser: bool = False) -> Client:
    user = User.objects.create_user(name, f"{name}@example.com", "pw-12345-long", is_staff=True,
                                    is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent(db) -> Client:
    return user_in("Porting agent", "agent")


@pytest.fixture
def viewer(db) -> Client:
    return user_in("Porting viewer", "viewer")


@pytest.fixture
def superuser(db) -> Client:
    return user_in(None, "root", superuser=True)


def create(numbers=None, live: bool = True, account=None, **overrides) -> PortOrder:
    body = order_body(numbers, **overrides)
    body["requested_foc_date"] = dt.date(2026, 12, 18)
    body["requested_foc_time"] = dt.time(10, 0)
    account = account or make_tenant().account
    return services.port_order_create(account_id=account.pk, livemode=live, data=body, actor=ACTOR)


def approved(**kwargs) -> PortOrder:
    order = create(**kwargs)
    return services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR)


def submitted(**kwargs) -> PortOrder:
    return services.port_order_submit(order=approved(**kwargs), actor=ACTOR)


def status_of(order: PortOrder) -> str:
    return PortOrder.objects.get(pk=order.pk).status


def desk(order: PortOrder, action: str) -> str:
    return f"{LIST}{order.pk}/desk/{action}/"


def listed_ids(response) -> list[str]:
    return re.findall(r'<th class="field-id"><a href="[^"]+">(port_[0-9a-z]{26})</a>', response.content.decode())


# --- the queue -------------------------------------------------------------------
def test_the_list_shows_the_queue_newest_first_with_badges(agent):
    first, second = create(["+12025551234"]), create(["+12025550100"])
    response = agent.get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [second.pk, first.pk]
    html = response.content.decode()
    assert 'class="portico-badge"' in html
    assert "Verizon Wireless" not in html  # live orders: the manual carrier does not know the losing carrier


def test_it_filters_by_status_and_needs_action(agent, clock):
    draft, exception, stale = create(), submitted(), submitted()
    services.port_order_record_rejection(order=exception, actor=ACTOR, code="pin_invalid")
    foc_soon = submitted()
    services.port_order_record_foc(order=foc_soon, actor=ACTOR, date=dt.date(2026, 12, 11))
    assert listed_ids(agent.get(LIST, {"status__exact": "draft"})) == [draft.pk]
    assert set(listed_ids(agent.get(LIST, {"needs_action": "any"}))) == {exception.pk, foc_soon.pk}
    clock.move_to(dt.datetime(2026, 12, 15, 16, 0, tzinfo=dt.UTC))  # two business days later
    assert listed_ids(agent.get(LIST, {"needs_action": "stale"})) == [stale.pk]
    assert listed_ids(agent.get(LIST, {"needs_action": "foc_soon"})) == [foc_soon.pk]


def test_it_filters_by_losing_carrier_livemode_and_platform(agent):
    sandbox = create(["+12025551234"], live=False)
    live = create(["+12025551235"])
    assert listed_ids(agent.get(LIST, {"losing_carrier": "Verizon Wireless"})) == [sandbox.pk]
    assert listed_ids(agent.get(LIST, {"losing_carrier": "unknown"})) == [live.pk]
    assert listed_ids(agent.get(LIST, {"livemode__exact": "1"})) == [live.pk]
    assert listed_ids(agent.get(LIST, {"account__platform__id__exact": live.account.platform_id})) == [live.pk]


@pytest.mark.parametrize("term", ["5551234", "555-1234", "(202) 555-1234", "+12025551234"])
def test_it_finds_an_order_by_a_whole_or_partial_number(agent, term):
    wanted = create(["+12025551234", "+12025559999"])
    create(["+12025550100"], subscriber={"btn": "+12025550100"})
    assert listed_ids(agent.get(LIST, {"q": term})) == [wanted.pk]


def test_it_finds_an_order_by_id_and_business_name(agent):
    wanted = create(subscriber={"business_name": "Acme Plumbing", "btn": "+12025551234"})
    create(["+12025550100"], subscriber={"business_name": "Other", "btn": "+12025550100"})
    assert listed_ids(agent.get(LIST, {"q": wanted.pk})) == [wanted.pk]
    assert listed_ids(agent.get(LIST, {"q": "plumb"})) == [wanted.pk]


def test_the_list_page_runs_a_bounded_number_of_queries(agent):
    tenant = make_tenant()
    for i in range(200):
        create([f"+1202{300 + i % 600:03d}{1000 + i:04d}"], account=tenant.account,
               subscriber={"btn": "+12025551234"})
    agent.get(LIST)
    with CaptureQueriesContext(connection) as ctx:
        response = agent.get(LIST, {"all": ""})  # every row on one page
    assert response.status_code == 200
    assert len(listed_ids(response)) == 200
    assert len(ctx.captured_queries) <= 12


def test_the_dashboard_counts_orders_and_lists_the_desks_work(agent):
    create()
    order = submitted()
    services.port_order_record_rejection(order=order, actor=ACTOR, code="address_mismatch")
    html = agent.get("/admin/").content.decode()
    assert "Porting desk" in html
    assert "Exceptions by rejection code" in html and "address_mismatch" in html
    assert "FOCs in the next 7 days" in html


# --- the order page --------------------------------------------------------------
def test_the_order_page_masks_secrets_and_shows_only_allowed_buttons(agent):
    order = approved()
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "•••••6789" in html and "****" in html
    assert "123456789" not in html and ">1234<" not in html
    assert re.findall(r'data-action="(\w+)"', html) == ["submit", "cancel"]
    assert 'name="status"' not in html  # status is never a free field


def test_the_order_page_works_through_the_admins_own_quoted_link(agent):
    order = approved()
    link = re.search(r'<th class="field-id"><a href="([^"]+)"', agent.get(LIST).content.decode()).group(1)
    assert "_5F" in link  # the admin quotes the underscore of TypeIDs
    html = agent.get(link).content.decode()
    assert order.pk in html and 'data-action="submit"' in html


def test_the_timeline_lists_events_newest_first_with_who_and_how(agent):
    order = submitted()
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    types = re.findall(r"<strong>(port_order\.\w+)</strong>", html)
    assert types == ["port_order.submitted", "port_order.approved", "port_order.created"]
    assert "203.0.113.42" in html


def test_an_agent_submits_an_approved_order(agent):
    order = approved()
    response = agent.post(desk(order, "submit"))
    assert response.status_code == 302
    assert status_of(order) == "submitted"
    event = Event.objects.filter(order=order).order_by("-pk").first()
    assert (event.type, event.actor_type, event.actor_id) == ("port_order.submitted", "staff", "agent")


def test_an_agent_records_a_foc(agent):
    order = submitted()
    assert agent.get(desk(order, "foc")).status_code == 200
    response = agent.post(desk(order, "foc"), {"date": "2026-12-18", "time": "14:30"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.foc_date, order.foc_time) == ("foc", dt.date(2026, 12, 18), dt.time(14, 30))


@pytest.mark.parametrize("data", [{"date": ""}, {"date": "2026-12-01"}, {"date": "18/12/2026"},
                                  {"date": "2026-12-18", "time": "25:00"}])
def test_the_foc_form_rejects_bad_input_without_a_transition(agent, data):
    order = submitted()
    response = agent.post(desk(order, "foc"), data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert status_of(order) == "submitted"


def test_an_agent_records_a_rejection_from_the_catalogue(agent):
    order = submitted()
    response = agent.post(desk(order, "reject"), {"code": "port_out_freeze", "message": "Freeze on the account"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rejection_code) == ("exception", "port_out_freeze")
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "lift it" in html  # the catalogue's how-to-fix


def test_the_rejection_form_refuses_an_unknown_code(agent):
    order = submitted()
    assert agent.post(desk(order, "reject"), {"code": "bogus"}).status_code == 400
    assert status_of(order) == "submitted"


def test_an_agent_completes_and_cancels(agent):
    order = submitted()
    services.port_order_record_foc(order=order, actor=ACTOR, date=dt.date(2026, 12, 18))
    agent.post(desk(order, "complete"))
    assert status_of(order) == "complete"
    other = create()
    assert agent.post(desk(other, "cancel"), {"reason": ""}).status_code == 400
    agent.post(desk(other, "cancel"), {"reason": "Customer withdrew"})
    assert status_of(other) == "cancelled"
    assert Event.objects.filter(order=other, type="port_order.cancelled").get().data == {"reason": "Customer withdrew"}


def test_a_stale_page_gets_a_clear_message_not_a_500(agent):
    order = approved()
    services.port_order_cancel(order=order, actor=ACTOR)
    response = agent.post(desk(order, "submit"), follow=True)
    assert response.status_code == 200
    assert "was not done" in response.content.decode()
    assert status_of(order) == "cancelled"


@pytest.mark.parametrize("action", ["complete", "foc", "reject"])
def test_forbidden_transitions_change_nothing(agent, action):
    order = create()
    data = {"foc": {"date": "2026-12-18"}, "reject": {"code": "other"}}.get(action, {})
    agent.post(desk(order, action), data)
    assert status_of(order) == "draft"


def test_an_agent_adds_an_internal_note(agent):
    order = create()
    agent.post(f"{LIST}{order.pk}/comment/", {"body": "Called the losing carrier, ticket 4411"})
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "ticket 4411" in html and "comment.created" in html


def test_an_agent_reveals_the_secrets_and_the_reveal_is_audited(agent):
    order = approved()
    response = agent.post(f"{LIST}{order.pk}/reveal/")
    html = response.content.decode()
    assert "123456789" in html and "1234" in html
    assert "no-store" in response["Cache-Control"]
    event = Event.objects.filter(order=order, type="port_order.secrets_revealed").get()
    assert event.actor_id == "agent"


# --- permissions -----------------------------------------------------------------
def test_a_viewer_reads_but_cannot_work_orders(viewer):
    order = approved()
    assert viewer.get(LIST).status_code == 200
    html = viewer.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "data-action" not in html and "Reveal" not in html
    assert viewer.post(desk(order, "submit")).status_code == 403
    assert viewer.post(f"{LIST}{order.pk}/reveal/").status_code == 403
    assert viewer.post(f"{LIST}{order.pk}/comment/", {"body": "x"}).status_code == 403
    assert status_of(order) == "approved"


def test_staff_without_a_group_see_nothing(db):
    nobody = user_in(None, "nobody")
    assert nobody.get(LIST).status_code == 403


def test_only_superusers_manage_api_keys_and_platforms(agent, superuser):
    assert agent.get("/admin/porting/apikey/").status_code == 403
    assert agent.get("/admin/porting/platform/add/").status_code == 403
    assert superuser.get("/admin/porting/apikey/").status_code == 200


def test_a_superuser_creates_a_key_that_is_shown_once_and_works(superuser, client):
    tenant = make_tenant()
    response = superuser.post("/admin/porting/apikey/add/", {"platform": tenant.platform.pk, "name": "CRM"})
    raw = re.search(r"sk_test_[A-Za-z0-9]{32,}", response.content.decode()).group(0)
    assert "no-store" in response["Cache-Control"]
    api = client.get("/v1/port-orders", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_DIALSTACK_ACCOUNT=tenant.account.pk)
    assert api.status_code == 200
    listing = superuser.get("/admin/porting/apikey/").content.decode()
    assert raw not in listing and raw[:12] in listing


def test_a_superuser_revokes_a_key(superuser, client):
    tenant = make_tenant()
    from porting.models import ApiKey

    key = ApiKey.objects.get(platform=tenant.platform, livemode=False)
    superuser.post("/admin/porting/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    response = client.get("/v1/port-orders", HTTP_AUTHORIZATION=f"Bearer {tenant.key}",
                          HTTP_DIALSTACK_ACCOUNT=tenant.account.pk)
    assert response.status_code == 401


def test_the_groups_exist_after_migrations(db):
    agent = set(Group.objects.get(name="Porting agent").permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name="Porting viewer").permissions.values_list("codename", flat=True))
    assert {"work_portorder", "reveal_portorder_secrets", "view_portorder"} <= agent
    assert "view_portorder" in viewer and "work_portorder" not in viewer


def test_an_agent_sends_and_resends_an_approval_request(agent, django_capture_on_commit_callbacks):
    from django.core import mail

    order = create(live=False)
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert 'data-action="approval-request"' in html
    url = f"{LIST}{order.pk}/approval-request/"
    assert agent.post(url, {"email": "not-an-email"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(url, {"email": "jane@smith.example", "name": "Jane Smith"})
        agent.post(url, {"email": "jane@smith.example", "name": "Jane Smith"})
    assert len(mail.outbox) == 2
    statuses = list(order.approval_requests.order_by("pk").values_list("status", flat=True))
    assert statuses == ["revoked", "sent"]
    page = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Approval requests" in page and "approval_request.sent" in page


def test_the_admin_offers_the_loa_preview_and_the_signed_loa(agent, django_capture_on_commit_callbacks):
    order = create()
    preview = agent.get(f"{LIST}{order.pk}/loa-preview/")
    assert preview["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR)
    assert "Download signed LOA" in agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert agent.get(f"{LIST}{order.pk}/loa/").content.startswith(b"%PDF")
