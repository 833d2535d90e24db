"""Per-key request rate limit (``PORTING_API_RATE``); exceeding it is a 429 ``rate_limited``."""
from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from porting.api.authentication import ApiClient


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str | None:
        rate = settings.PORTING_API_RATE
        return None if not rate or rate == "off" else rate

    def get_cache_key(self, request: Request, view: object) -> str | None:
        # DRF types request.user as a Django user; here it is an ApiClient, or None (UNAUTHENTICATED_USER).
        client: object = request.user
        if not isinstance(client, ApiClient):
            return None
        return f"throttle_api_key_{client.key.pk}"
