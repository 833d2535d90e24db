"""Browser: a porting agent works the queue in the admin (Playwright + Debian's Chromium)."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth.models import Group, User

from porting import services
from porting.models import PortOrder
from tests.conftest import ARTIFACTS, confirm_losing_carrier, make_tenant, order_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACTOR = services.Actor("system", "browser-test")


def submitted_order(number: str, business: str) -> PortOrder:
    tenant = make_tenant(business)
    body = order_body([number], subscriber={"btn": number, "business_name": business, "approver_name": "Jane Smith",
                                            "account_number": "123456789", "pin": "1234",
                                            "address": {"house_number": "1", "street_name": "Main St",
                                                        "city": "Washington", "state": "DC", "zip": "20001"}})
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=True, data=body, actor=ACTOR)
    confirm_losing_carrier(order.pk)
    order = services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR)
    return services.port_order_submit(order=order, actor=ACTOR)


@pytest.fixture
def agent_login(live_server, page):
    user = User.objects.create_user("desk", "desk@example.com", "desk-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Porting agent"))
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("text=Porting desk")
    return page


def open_order_found_by(page, live_server, partial: str, order: PortOrder) -> None:
    page.goto(f"{live_server.url}/admin/porting/portorder/")
    page.fill("#searchbar", partial)
    page.keyboard.press("Enter")
    page.wait_for_selector("#result_list")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    page.get_by_role("link", name=order.pk).click()
    page.wait_for_selector("text=Work this order")


def test_an_agent_finds_an_order_by_partial_number_and_records_a_foc(agent_login, live_server):
    page = agent_login
    order = submitted_order("+13125557788", "Lakeside Dental")
    submitted_order("+13125550100", "Other Business")
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.goto(f"{live_server.url}/admin/porting/portorder/")
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-list.png"), full_page=True)
    open_order_found_by(page, live_server, "555-7788", order)
    page.get_by_role("link", name="Record FOC").click()
    page.fill("#id_date", "2026-12-18")
    page.fill("#id_time", "14:30")
    page.get_by_role("button", name="Record FOC").click()
    page.wait_for_selector("text=Record FOC: done.")
    assert page.locator(".field-status_badge .portico-badge").inner_text() == "foc"
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-order.png"), full_page=True)
    assert PortOrder.objects.get(pk=order.pk).foc_time == dt.time(14, 30)


def test_an_agent_records_a_rejection_with_a_catalogue_code(agent_login, live_server):
    page = agent_login
    order = submitted_order("+13125559911", "Harbor Florist")
    open_order_found_by(page, live_server, "9911", order)
    page.get_by_role("link", name="Record rejection").click()
    page.select_option("#id_code", "pin_invalid")
    page.fill("#id_message", "PIN 1234 rejected by carrier")
    page.get_by_role("button", name="Record rejection").click()
    page.wait_for_selector("text=Record rejection: done.")
    assert page.locator(".field-status_badge .portico-badge").inner_text() == "exception"
    assert "verify the correct PIN" in page.content()
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-rejection.png"), full_page=True)


def test_an_agent_submits_with_a_button_and_adds_a_note(agent_login, live_server):
    page = agent_login
    order = submitted_order("+13125554422", "Corner Bakery")
    services.port_order_record_rejection(order=order, actor=ACTOR, code="address_mismatch")
    open_order_found_by(page, live_server, "4422", order)
    page.get_by_role("button", name="Submit to carrier").click()
    page.wait_for_selector("text=Submit to carrier: done.")
    assert page.locator(".field-status_badge .portico-badge").inner_text() == "submitted"
    assert page.get_by_label("Internal note (the desk only)").is_checked()  # nothing leaves the desk by default
    page.get_by_label("Comment", exact=True).fill("Customer confirmed the new service address by phone.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_selector("text=Note added.")
    assert "confirmed the new service address" in page.locator(".portico-timeline").inner_text()
    page.get_by_label("Comment", exact=True).fill("Please send a recent bill for the new address.")
    page.get_by_label("Public comment (the integrator sees it in the API and by webhook)").check()
    page.get_by_label("Action required from the integrator").check()
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_selector("text=Public comment added: the integrator sees it.")
    assert "public comment · action required" in page.locator(".portico-timeline").inner_text()
    page.get_by_role("button", name="Reveal PIN and account number").click()
    page.wait_for_selector("text=Shown once for this request")
    assert "123456789" in page.content()
