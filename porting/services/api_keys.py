"""API keys: created for a platform (the raw key shown once), revoked, never deleted; and the 24-hour
idempotency keys kept per API key."""
from __future__ import annotations

from django.utils import timezone

from porting.apikeys import DISPLAY_PREFIX_LENGTH, generate_api_key, hash_api_key
from porting.models import ApiKey, IdempotencyRecord, Platform


def api_key_create(*, platform: Platform, livemode: bool, name: str = "") -> tuple[ApiKey, str]:
    """A new key for the platform; the raw key is returned once and never stored."""
    raw = generate_api_key(livemode=livemode)
    key = ApiKey.objects.create(
        platform=platform, livemode=livemode, name=name,
        prefix=raw[:DISPLAY_PREFIX_LENGTH], secret_hash=hash_api_key(raw),
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke a key: the next request with it fails with 401."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def idempotency_records_purge_expired() -> int:
    """Forget idempotency keys older than 24 hours (beat); returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
