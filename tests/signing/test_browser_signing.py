"""Browser: the customer opens the emailed link, signs and downloads the LOA (Chromium, Playwright)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from django.core import mail

from porting import services
from porting.models import LoaDocument, PortOrder
from tests.conftest import ARTIFACTS, make_tenant, order_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACTOR = services.Actor("system", "browser-test")


@pytest.fixture
def emailed_link(live_server, settings) -> tuple[str, str]:
    settings.SITE_URL = live_server.url
    tenant = make_tenant()
    body = order_body(["+12025551234", "+12025551300"])
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=False, data=body, actor=ACTOR)
    services.approval_request_create(order=order, email="jane@smith.example", name="Jane Smith", actor=ACTOR)
    link = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+/)", mail.outbox[-1].body).group(1)
    return order.pk, link


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_the_customer_signs_from_the_email_and_downloads_the_loa(page, emailed_link):
    order_id, link = emailed_link
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Approve moving your phone numbers")
    assert "+12025551300" in page.content()
    assert serious_violations(page) == []
    page.screenshot(path=os.path.join(ARTIFACTS, "sign-page.png"), full_page=True)
    page.get_by_label("I agree to sign this Letter of Authorization electronically.").check()
    page.get_by_label("Type your full name").fill("Jane Smith")
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_selector("text=your approval is signed")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your signed Letter of Authorization")).click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == LoaDocument.objects.get(order_id=order_id).sha256
    assert PortOrder.objects.get(pk=order_id).status == "approved"
    page.screenshot(path=os.path.join(ARTIFACTS, "sign-done.png"), full_page=True)


def test_a_phone_user_signs_with_the_keyboard_only(page, emailed_link):
    order_id, link = emailed_link
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    for _ in range(40):  # Tab through the page to the consent box, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_consent":
            break
    assert page.evaluate("document.activeElement.id") == "id_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_signature"
    page.keyboard.type("Jane Smith")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=your approval is signed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=os.path.join(ARTIFACTS, "sign-phone.png"), full_page=True)
    assert PortOrder.objects.get(pk=order_id).status == "approved"


def test_a_dead_link_shows_why_and_not_the_order(page, emailed_link, live_server):
    order_id, link = emailed_link
    services.port_order_cancel(order=PortOrder.objects.get(pk=order_id), actor=ACTOR)
    response = page.goto(link)
    assert response.status == 410
    assert "can't be used" in page.content() and "+12025551234" not in page.content()
