"""The signed link after signing: its receipt and the signed LOA download without a login for
PORTING_SIGNED_LOA_LINK_TTL seconds, never after the order is cancelled or its approval replaced;
then a 410 page says how to get a copy, and shows nothing of the order."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from porting.models import ApprovalRequest, LoaDocument
from tests.signing.test_signing import send_link, sign

GONE = "This link has expired"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://porting.example.com"  # what send_link reads the link from


@pytest.fixture
def signed(client, api, django_capture_on_commit_callbacks):
    """A link signed on the page, its LOA rendered: (order id, token, signed_at)."""
    order = api.create()
    token = send_link(api, order["id"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert sign(client, token).status_code == 302
    signed_at = ApprovalRequest.objects.get(order_id=order["id"]).signed_at
    return order["id"], token, signed_at


def assert_gone(response, settings) -> None:
    assert response.status_code == 410, response.status_code
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert GONE in html and "copy" in html and settings.PORTING_OPERATOR_NAME in html
    for order_data in ["port_", "Smith Consulting", "Jane Smith", "+12025551234", "202", "Main St", "loa.pdf"]:
        assert order_data not in html, order_data


def test_the_signed_loa_downloads_without_a_login_right_after_signing(client, signed):
    order_id, token, _ = signed
    response = client.get(f"/sign/{token}/loa.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == LoaDocument.objects.get(order_id=order_id).sha256
    assert "loa.pdf" in client.get(f"/sign/{token}/done/").content.decode()


def test_the_signed_loa_link_works_until_the_ttl_then_shows_how_to_get_a_copy(client, signed, clock, settings):
    _, token, signed_at = signed
    assert settings.PORTING_SIGNED_LOA_LINK_TTL == 3600
    clock.move_to(signed_at + dt.timedelta(seconds=3600 - 5))
    assert client.get(f"/sign/{token}/loa.pdf").status_code == 200
    clock.move_to(signed_at + dt.timedelta(seconds=3600))
    assert_gone(client.get(f"/sign/{token}/loa.pdf"), settings)
    assert_gone(client.get(f"/sign/{token}/done/"), settings)


def test_the_ttl_is_the_setting(client, signed, clock, settings):
    _, token, signed_at = signed
    settings.PORTING_SIGNED_LOA_LINK_TTL = 60
    clock.move_to(signed_at + dt.timedelta(seconds=61))
    assert_gone(client.get(f"/sign/{token}/loa.pdf"), settings)


def test_the_signed_loa_link_dies_when_the_order_is_cancelled(client, signed, api, settings):
    order_id, token, _ = signed
    assert api.post(f"/v1/port-orders/{order_id}/cancel").status_code == 200
    assert_gone(client.get(f"/sign/{token}/loa.pdf"), settings)
    assert_gone(client.get(f"/sign/{token}/done/"), settings)


def test_the_signed_loa_link_never_serves_the_loa_of_a_later_approval(client, signed, api, settings,
                                                                      django_capture_on_commit_callbacks):
    order_id, token, _ = signed
    # A change that clears the approval, then an approval by the API: a new LOA the link did not sign.
    assert api.post(f"/v1/port-orders/{order_id}", {"subscriber": {"business_name": "Smith LLC"}}).status_code == 200
    assert_gone(client.get(f"/sign/{token}/loa.pdf"), settings)
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order_id)
    assert LoaDocument.objects.filter(order_id=order_id, superseded_at__isnull=True).count() == 1
    assert_gone(client.get(f"/sign/{token}/loa.pdf"), settings)


def test_a_signed_link_whose_loa_is_still_rendering_points_to_the_receipt(client, api,
                                                                          django_capture_on_commit_callbacks):
    order = api.create()
    token = send_link(api, order["id"], django_capture_on_commit_callbacks)
    assert sign(client, token).status_code == 302  # the LOA renders after commit: not run here
    response = client.get(f"/sign/{token}/loa.pdf")
    assert response.status_code == 302 and response["Location"] == f"/sign/{token}/done/"
    assert "being prepared" in client.get(f"/sign/{token}/done/").content.decode()
