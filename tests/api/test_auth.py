"""Bearer API keys: hashed, shown once, revocable; every bad key gets the same 401."""
from __future__ import annotations

import pytest

from porting.models import ApiKey
from porting.services import api_key_revoke

URL = "/v1/port-in-eligibility"
BODY = {"phone_numbers": ["+12025551234"]}


def call(client, authorization: str | None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return client.post(URL, BODY, content_type="application/json", **headers)


def test_a_valid_key_works_and_its_use_is_recorded(client, tenant):
    assert call(client, f"Bearer {tenant.key}").status_code == 200
    assert ApiKey.objects.filter(platform=tenant.platform, livemode=False).get().last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer sk_test_short", "Bearer sk_test_" + "x" * 40,
     "Bearer sk_prod_" + "x" * 40, "Token sk_test_" + "x" * 40],
)
def test_every_bad_key_gets_the_same_401(client, tenant, authorization):
    response = call(client, authorization or None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_fails_on_the_next_request(client, tenant):
    assert call(client, f"Bearer {tenant.key}").status_code == 200
    api_key_revoke(key=ApiKey.objects.get(platform=tenant.platform, livemode=False))
    revoked = call(client, f"Bearer {tenant.key}")
    unknown = call(client, "Bearer sk_test_" + "Z" * 40)
    assert revoked.status_code == 401
    assert revoked.json() == unknown.json()


def test_only_a_hash_and_a_short_prefix_are_stored(tenant):
    key = ApiKey.objects.get(platform=tenant.platform, livemode=False)
    assert tenant.key not in (key.secret_hash, key.prefix)
    assert tenant.key.startswith(key.prefix) and len(key.prefix) == 12
    assert len(tenant.key) >= len("sk_test_") + 32


def test_a_key_gets_429_when_it_exceeds_its_rate(client, tenant, settings):
    settings.PORTING_API_RATE = "2/min"
    codes = [call(client, f"Bearer {tenant.key}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = call(client, f"Bearer {tenant.key}")
    assert limited.json()["code"] == "rate_limited"
    assert "Retry-After" in limited
