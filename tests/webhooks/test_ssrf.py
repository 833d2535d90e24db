"""Server-side request forgery: unless PORTING_WEBHOOK_ALLOW_PRIVATE_URLS, a URL whose host is (or
resolves to) a loopback, private, link-local or otherwise reserved address is refused when the endpoint
is created or changed, and again when a delivery would be sent."""
from __future__ import annotations

import pytest

from tests.webhooks.helpers import assert_problem, deliveries, endpoint_create

REFUSED = [
    "http://127.0.0.1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest",
    "http://[::1]/",
    "http://localhost/",  # a name resolving to loopback
    "http://[::ffff:127.0.0.1]/",  # loopback written as an IPv4-mapped IPv6 address
    "http://192.168.1.10:8080/hook",
    "http://0.0.0.0/",
]
PUBLIC = "http://93.184.215.14/hook"  # an address literal: no DNS needed


@pytest.fixture
def private_refused(settings):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = False


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_loopback_or_link_local_url_is_refused_at_creation(api, private_refused, url):
    response = api.post("/v1/webhook-endpoints", {"url": url}, account=False)
    assert_problem(response, 400, pointer="/url")
    assert api.get("/v1/webhook-endpoints", account=False).json()["data"] == []


def test_a_public_address_is_accepted_when_private_ones_are_refused(api, private_refused):
    assert endpoint_create(api, PUBLIC)["url"] == PUBLIC


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://169.254.169.254/latest", "http://localhost/"])
def test_changing_an_endpoints_url_to_a_private_one_is_refused(api, private_refused, url):
    endpoint = endpoint_create(api, PUBLIC)
    response = api.post(f"/v1/webhook-endpoints/{endpoint['id']}", {"url": url}, account=False)
    assert_problem(response, 400, pointer="/url")
    assert api.get(f"/v1/webhook-endpoints/{endpoint['id']}", account=False).json()["url"] == PUBLIC


@pytest.mark.parametrize("url", REFUSED)
def test_the_setting_allows_private_urls_for_development(api, settings, url):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    assert endpoint_create(api, url)["url"] == url


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_endpoint_created_while_allowed_is_refused_at_delivery_once_private_urls_are_not(
    api, receiver, outbox, settings, host
):
    url = receiver.url().replace("127.0.0.1", host)
    endpoint = endpoint_create(api, url)  # the receiver fixture allows private URLs
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = False
    with outbox.effects():
        api.create()
        api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", account=False)
    assert receiver.received == []
    listed = deliveries(api, endpoint["id"])
    assert sorted(d["event_type"] for d in listed) == ["port_order.created", "webhook_endpoint.test"]
    for delivery in listed:
        assert delivery["status"] == "pending"
        (attempt,) = delivery["attempts"]
        assert attempt["status_code"] is None
        assert "private" in attempt["error"] and host in attempt["error"]
