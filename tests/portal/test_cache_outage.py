"""The shared cache (Redis, CACHE_URL) is down: rate limits count nothing, and no request fails for it."""
from __future__ import annotations


def test_a_cache_that_is_down_limits_nothing_and_fails_no_request(api, client, settings, caplog):
    """The rate limits' cache (Redis) unreachable: requests are served, not failed; the miss is logged."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    settings.PORTING_REFRESH_SECONDS = 0  # the GET's refresh throttle uses the cache too
    order = api.create()
    assert api.get(f"/v1/port-orders/{order['id']}").status_code == 200
    assert client.get("/sign/not-a-live-token/").status_code == 410  # the dead-link page, not a 500
    assert "rate limit" in caplog.text and "not counted" in caplog.text
