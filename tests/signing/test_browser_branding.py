"""Browser: a branded signing page in Chromium shows the platform's SVG logo (it decodes and has a size), runs
nothing from it and fetches nothing but the page and its stylesheet; and it stays accessible."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core import mail

from porting import services
from tests.branding import DISPLAY_NAME, SVG_LOGO, brand
from tests.conftest import ARTIFACTS, make_tenant, order_body
from tests.signing.test_browser_signing import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACTOR = services.Actor("system", "browser-test")
# The logo as a careless (or hostile) upload: a script, a handler and an outside image on top of the drawing.
HOSTILE_SVG = SVG_LOGO.replace(b'viewBox="0 0 200 60">', b'viewBox="0 0 200 60" onload="window.logoRan = 1">'
                               b'<script>window.logoRan = 2</script>'
                               b'<image href="https://tracker.example/pixel.png" width="1" height="1"/>')


def test_the_branded_page_shows_the_svg_logo_and_it_runs_and_fetches_nothing(page, live_server, settings):
    settings.SITE_URL = live_server.url
    tenant = make_tenant()
    brand(tenant.platform, HOSTILE_SVG)
    body = order_body(["+12025551234"])
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=tenant.account.pk, livemode=False, data=body, actor=ACTOR)
    services.approval_request_create(order=order, email="jane@smith.example", name="Jane Smith", actor=ACTOR)
    link = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+/)", mail.outbox[-1].body).group(1)

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(link)
    logo = page.locator("header.site img.brand-logo")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")  # the cleaned SVG decodes
    assert logo.bounding_box()["height"] > 20
    assert f"on behalf of {DISPLAY_NAME}" in page.locator("header.site").inner_text()
    assert page.evaluate("window.logoRan") is None
    outside = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert outside == []
    assert serious_violations(page) == []
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "sign-page-branded.png"), full_page=True)
