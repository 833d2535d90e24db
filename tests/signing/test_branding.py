"""The signing pages of a branded platform: "<operator>, on behalf of <platform>" with its logo (a ``data:``
URL of the cleaned file: no route, nothing fetched) and its support contacts. Unbranded: as before."""
from __future__ import annotations

import base64
import re

import pytest
from django.test import Client

from porting.models import PlatformLogo
from tests.branding import DISPLAY_NAME, SUPPORT_EMAIL, SUPPORT_URL, brand, png_logo
from tests.signing.test_signing import send_link, sign

OPERATOR = "Portico Demo Telecom"
ON_BEHALF = f"{OPERATOR}, on behalf of {DISPLAY_NAME}"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://porting.example.com"
    settings.PORTING_OPERATOR_NAME = OPERATOR


def header(html: str) -> str:
    return re.search(r'<header class="site">(.*?)</header>', html, re.S).group(1)


def logo_src(html: str) -> str | None:
    found = re.search(r'<img class="brand-logo" src="([^"]+)"', html)
    return found.group(1) if found else None


def open_link(api, capture) -> str:
    order = api.create()
    return send_link(api, order["id"], capture)


def test_the_signing_page_shows_the_operator_on_behalf_of_the_platform_with_its_logo(
    api, tenant, django_capture_on_commit_callbacks,
):
    brand(tenant.platform)
    html = Client().get(f"/sign/{open_link(api, django_capture_on_commit_callbacks)}/").content.decode()
    assert ON_BEHALF in header(html)
    src = logo_src(html)
    assert src is not None and src.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(src.split(",", 1)[1]) == bytes(PlatformLogo.objects.get().content)  # the cleaned file
    assert f'<a href="mailto:{SUPPORT_EMAIL}">' in html and 'href="tel:+12025550100"' in html
    assert f'<a href="{SUPPORT_URL}" rel="noopener noreferrer">' in html
    assert f"Approve moving your phone numbers to {OPERATOR}" in html  # the gaining carrier is still the operator


def test_a_png_logo_shows_as_a_png(api, tenant, django_capture_on_commit_callbacks):
    brand(tenant.platform, png_logo())
    html = Client().get(f"/sign/{open_link(api, django_capture_on_commit_callbacks)}/").content.decode()
    assert logo_src(html).startswith("data:image/png;base64,")


def test_the_receipt_after_signing_is_branded_too(api, tenant, django_capture_on_commit_callbacks):
    brand(tenant.platform)
    token = open_link(api, django_capture_on_commit_callbacks)
    client = Client()
    client.get(f"/sign/{token}/")
    with django_capture_on_commit_callbacks(execute=True):
        assert sign(client, token).status_code == 302
    html = client.get(f"/sign/{token}/done/").content.decode()
    assert "your approval is signed" in html
    assert ON_BEHALF in header(html) and logo_src(html) is not None and SUPPORT_EMAIL in html


def test_declining_shows_the_branding_and_where_to_ask(api, tenant, django_capture_on_commit_callbacks):
    brand(tenant.platform, logo=None)
    token = open_link(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        html = Client().post(f"/sign/{token}/decline/", {"reason": "Wrong address"}).content.decode()
    assert "Thanks for telling us" in html
    assert ON_BEHALF in header(html) and logo_src(html) is None and SUPPORT_EMAIL in html


def test_without_branding_the_signing_page_is_as_before(api, tenant, django_capture_on_commit_callbacks):
    html = Client().get(f"/sign/{open_link(api, django_capture_on_commit_callbacks)}/").content.decode()
    assert header(html) == f'<div class="wrap">{OPERATOR} · Number transfer</div>'
    assert "on behalf of" not in html and "<img" not in html and 'class="support"' not in html


def test_a_dead_link_does_not_show_the_platform(api, tenant, client):
    brand(tenant.platform)
    html = client.get("/sign/not-a-real-token-at-all-0000000000000000000000/").content.decode()
    assert DISPLAY_NAME not in html and "<img" not in html
