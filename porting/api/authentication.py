"""Bearer API-key authentication: one code path, one 401 for every kind of bad key."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from porting.apikeys import hash_api_key, looks_like_api_key
from porting.compiled import CompiledQuery
from porting.models import Account, ApiKey

BAD_KEY = "Invalid API key. Send 'Authorization: Bearer sk_test_…' or 'sk_live_…' with an active key."
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiClient:
    """The authenticated caller: an active API key of one platform, in one mode."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: ApiKey, account_id: str | None) -> None:
        self.key = key
        self.platform_id = key.platform_id
        self.livemode = key.livemode
        # The account header's value if that account belongs to the key's platform, else None.
        self.account_id = account_id

    @property
    def actor_id(self) -> str:
        return str(self.key.pk)


def _active_key_with_account(variant: None, *, secret_hash: str, account_id: str) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(secret_hash=secret_hash, revoked_at__isnull=True)
        .only("id", "platform_id", "livemode", "last_used_at")
        .order_by()
        .annotate(account_verified=Exists(Account.objects.filter(pk=account_id, platform_id=OuterRef("platform_id"))))
    )[:1]


ACTIVE_KEY_WITH_ACCOUNT = CompiledQuery(ApiKey, _active_key_with_account, ("secret_hash", "account_id"))


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
        account_id = request.headers.get(settings.PORTING_ACCOUNT_HEADER, "").strip()
        # One query finds the key and checks that the account header names one of its platform's accounts.
        found = ACTIVE_KEY_WITH_ACCOUNT.fetch(secret_hash=hash_api_key(raw_key), account_id=account_id)
        if not found:
            raise exceptions.AuthenticationFailed(BAD_KEY)
        key = found[0]
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        verified = bool(getattr(key, "account_verified"))  # noqa: B009 - the query's annotation
        return ApiClient(key, account_id if account_id and verified else None), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, ApiClient)
