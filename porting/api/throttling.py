"""Per-key request rate limit (``PORTING_API_RATE``); exceeding it is a 429 ``rate_limited``.

Counted by ``porting.ratelimit`` in the shared cache (``CACHE_URL``: Redis in production), so the limit
holds for the whole deployment, not per process: a fixed window (``6000/min``: at most 6000 requests a
minute) counted with an atomic increment. (DRF's ``SimpleRateThrottle`` reads a list of timestamps
and writes it back: parallel requests overwrite each other's entries.)
"""
from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from porting import ratelimit
from porting.api.authentication import ApiClient


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"
    # Set by SimpleRateThrottle.__init__ from get_rate() (None: no limit); not in its type stubs.
    num_requests: int | None
    duration: int | None
    retry_after: float | None = None

    def get_rate(self) -> str | None:
        rate = settings.PORTING_API_RATE
        return None if not rate or rate == "off" else rate

    def get_cache_key(self, request: Request, view: object) -> str | None:
        # DRF types request.user as a Django user; here it is an ApiClient, or None (UNAUTHENTICATED_USER).
        client: object = request.user
        if not isinstance(client, ApiClient):
            return None
        return str(client.key.pk)

    def allow_request(self, request: Request, view: object) -> bool:
        key = self.get_cache_key(request, view) if self.rate is not None else None
        if key is None or self.num_requests is None or self.duration is None:
            return True
        usage = ratelimit.hit(request._request, group="api-key", key=key, limit=self.num_requests,
                              period=self.duration)
        self.retry_after = usage.retry_after
        return not usage.limited

    def wait(self) -> float | None:
        return self.retry_after
