"""Bearer API-key authentication: one code path, one 401 for every kind of bad key."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from porting.apikeys import api_key_hashes, looks_like_api_key
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


def _active_keys_with_account(variant: None, *, account_id: str, **secret_hashes: str) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(secret_hash__in=list(secret_hashes.values()), revoked_at__isnull=True)
        .only("id", "platform_id", "livemode", "last_used_at", "secret_hash")
        .order_by()
        .annotate(account_verified=Exists(Account.objects.filter(pk=account_id, platform_id=OuterRef("platform_id"))))
    )


@lru_cache(maxsize=16)
def active_keys_with_account(hash_count: int) -> CompiledQuery[ApiKey]:
    """The key lookup for ``hash_count`` candidate hashes (one per HMAC key): compiled once per count."""
    names = tuple(f"secret_hash_{i}" for i in range(hash_count))
    return CompiledQuery(ApiKey, _active_keys_with_account, ("account_id", *names))


def _record_use(key: ApiKey, newest_hash: str) -> None:
    """Note when the key was last used (to the minute); rehash it if an older HMAC key verified it."""
    changes: dict[str, object] = {}
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        changes["last_used_at"] = now
    if key.secret_hash != newest_hash:
        # Verified with an older HMAC key (or the SECRET_KEY-derived one of earlier versions): store
        # the newest key's hash, so the old HMAC key can leave API_KEY_HMAC_KEYS once keys have been used.
        changes["secret_hash"] = newest_hash
        try:
            with transaction.atomic():  # a savepoint, only on a rehash (once per key and rotation)
                ApiKey.objects.filter(pk=key.pk).update(**changes)
            return
        except IntegrityError:  # a revoked copy of the same key already holds the new hash: keep the old one
            del changes["secret_hash"]
    if changes:
        ApiKey.objects.filter(pk=key.pk).update(**changes)


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
        # One query finds the key, under any of its possible hashes (one per HMAC key, newest first),
        # and checks that the account header names one of its platform's accounts.
        hashes = api_key_hashes(raw_key)
        params = {f"secret_hash_{i}": h for i, h in enumerate(hashes)}
        found = active_keys_with_account(len(hashes)).fetch(account_id=account_id, **params)
        if not found:
            raise exceptions.AuthenticationFailed(BAD_KEY)
        # Each hash names at most one row. Two rows for one raw key (stored again under a newer HMAC
        # key, as seed_demo does after a rotation): the one hashed with the newest key wins.
        key = min(found, key=lambda k: hashes.index(k.secret_hash))
        _record_use(key, hashes[0])
        verified = bool(getattr(key, "account_verified"))  # noqa: B009 - the query's annotation
        return ApiClient(key, account_id if account_id and verified else None), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, ApiClient)
