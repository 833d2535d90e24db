"""Idempotency keys on every POST (DESIGN §5): a retry replays the first answer instead of acting twice."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from porting.models import PortOrder
from tests.conftest import order_body, require_or_skip


def post(api, path, body, key):
    return api.client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **api.headers())


def test_a_retried_create_with_the_same_key_replays_the_first_answer(api):
    first = post(api, "/v1/port-orders", order_body(), "create-1")
    again = post(api, "/v1/port-orders", order_body(), "create-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert PortOrder.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api):
    post(api, "/v1/port-orders", order_body(), "create-2")
    other = post(api, "/v1/port-orders", order_body(["+12025556789"]), "create-2")
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert PortOrder.objects.count() == 1


def test_an_error_answer_is_replayed_too_and_keys_are_per_api_key(api, live_api):
    bad = post(api, "/v1/port-orders", {"phone_numbers": []}, "k")
    assert bad.status_code == 400
    assert post(api, "/v1/port-orders", {"phone_numbers": []}, "k").json() == bad.json()
    assert post(live_api, "/v1/port-orders", order_body(), "k").status_code == 201  # another key: its own space


def test_without_a_key_each_post_acts(api):
    api.create()
    api.create()
    assert PortOrder.objects.count() == 2


@pytest.mark.parametrize("key", ["x" * 256, ""])
def test_an_invalid_key_is_a_400(api, key):
    response = post(api, "/v1/port-orders", order_body(), key)
    assert response.status_code == 400
    assert PortOrder.objects.count() == 0


def test_a_key_is_forgotten_after_24_hours(api, clock):
    import datetime as dt

    post(api, "/v1/port-orders", order_body(), "daily")
    clock.shift(dt.timedelta(hours=24, seconds=1))
    post(api, "/v1/port-orders", order_body(["+12025556789"]), "daily")
    assert PortOrder.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_creates_with_one_key_make_one_order_and_twenty_identical_answers(tenant):
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")
    from rest_framework.test import APIClient

    from tests.conftest import Api

    answers: list[tuple[int, bytes]] = []
    barrier = threading.Barrier(20)

    def create() -> None:
        try:
            barrier.wait()
            response = post(Api(APIClient(), tenant), "/v1/port-orders", order_body(), "race")
            answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert PortOrder.objects.count() == 1
    assert len(answers) == 20 and len(set(answers)) == 1 and answers[0][0] == 201


def test_a_replayable_answer_is_stored_encrypted(api, settings):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    response = api.client.post("/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hooks"}, format="json",
                               HTTP_IDEMPOTENCY_KEY="endpoint-1", **api.headers(account=False))
    secret = response.json()["secret"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM porting_idempotencyrecord")
        (stored,) = cursor.fetchone()
    assert secret not in str(stored)
    again = api.client.post("/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hooks"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="endpoint-1", **api.headers(account=False))
    assert again.json()["secret"] == secret
