"""Bearer API-key authentication: one code path, one 401 for every kind of bad key."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from porting.apikeys import hash_api_key, looks_like_api_key
from porting.models import ApiKey

BAD_KEY = "Invalid API key. Send 'Authorization: Bearer sk_test_…' or 'sk_live_…' with an active key."
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiClient:
    """The authenticated caller: an active API key of one platform, in one mode."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: ApiKey) -> None:
        self.key = key
        self.platform_id = key.platform_id
        self.livemode = key.livemode

    @property
    def actor_id(self) -> str:
        return self.key.pk


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        raw_key = raw_key.strip()
        if scheme.lower() != "bearer" or not looks_like_api_key(raw_key):
            raise exceptions.AuthenticationFailed(BAD_KEY)
        key = ApiKey.objects.filter(secret_hash=hash_api_key(raw_key), revoked_at__isnull=True).first()
        if key is None:
            raise exceptions.AuthenticationFailed(BAD_KEY)
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return ApiClient(key), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, ApiClient)
