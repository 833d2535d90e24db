"""Webhook endpoints on the desk: superusers see them and disable or enable them; the order page lists deliveries."""
from __future__ import annotations

import pytest

from porting import services
from porting.models import WebhookEndpoint
from tests.desk.helpers import LIST, create

ENDPOINTS = "/admin/porting/webhookendpoint/"


@pytest.fixture
def endpoint(db, settings) -> WebhookEndpoint:
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    order = create()
    platform_id = order.account.platform_id
    made, _ = services.webhook_endpoint_create(platform_id=platform_id, livemode=True,
                                               url="https://127.0.0.1:9/hooks")
    return made


def test_a_superuser_sees_the_endpoints_without_their_secret_and_disables_one(superuser, endpoint):
    page = superuser.get(ENDPOINTS).content.decode()
    assert "https://127.0.0.1:9/hooks" in page
    detail = superuser.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in detail and "whsec_" not in detail
    superuser.post(ENDPOINTS, {"action": "disable_endpoints", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None and "root" in endpoint.disabled_reason
    superuser.post(ENDPOINTS, {"action": "enable_endpoints", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None


def test_agents_do_not_see_endpoints(agent, endpoint):
    assert agent.get(ENDPOINTS).status_code == 403


def test_the_order_page_lists_its_webhook_deliveries(agent, endpoint, django_capture_on_commit_callbacks):
    order = create(account=endpoint.platform.accounts.first())
    services.port_order_cancel(order=order, actor=services.Actor("system", "test"))
    page = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Webhook deliveries" in page and "port_order.cancelled" in page and "https://127.0.0.1:9/hooks" in page
