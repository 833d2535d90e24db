"""API key format and hashing. Keys are shown once; only an HMAC-SHA256 is stored.

The HMAC keys are ``API_KEY_HMAC_KEYS``, newest first, independent of SECRET_KEY (DESIGN §7): the
first hashes new keys, every one verifies (rotation). A key is looked up by its hash, so verifying
means hashing the presented key under each HMAC key and looking for any of the results
(``api_key_hashes``); a key found under an older HMAC key is rehashed with the newest one.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

KEY_RE = re.compile(r"^sk_(test|live)_[A-Za-z0-9]{32,128}$")
SECRET_LENGTH = 40
DISPLAY_PREFIX_LENGTH = 12

# Used while API_KEY_HMAC_KEYS is unset, like Django's insecure default SECRET_KEY: a demo run needs
# no configuration, and `check --deploy` warns about it with DEBUG off (porting.W002). It is not
# accepted once API_KEY_HMAC_KEYS is set (it is public: whoever could write a row hashed with it
# would have a working key); to keep keys made with it, list it last until they have been used.
DEMO_API_KEY_HMAC_KEY = "portico-INSECURE-demo-only-api-key-hmac-key"


def generate_api_key(*, livemode: bool) -> str:
    """A new key: ``sk_live_`` or ``sk_test_`` and 40 characters from the CSPRNG (~238 bits)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    secret = "".join(secrets.choice(alphabet) for _ in range(SECRET_LENGTH))
    return f"sk_{'live' if livemode else 'test'}_{secret}"


def _legacy_hmac_key(secret_key: str) -> bytes:
    """The HMAC key earlier versions derived from SECRET_KEY."""
    return hashlib.sha256(b"portico-api-key:" + secret_key.encode()).digest()


def _hmac_keys() -> list[bytes]:
    """Newest first: API_KEY_HMAC_KEYS (or the demo key), then the verify-only legacy keys."""
    configured = [k.encode() for k in settings.API_KEY_HMAC_KEYS or [DEMO_API_KEY_HMAC_KEY]]
    # Keys stored by earlier versions were hashed with a key derived from SECRET_KEY (or a key now in
    # SECRET_KEY_FALLBACKS). They still verify, last, so an upgrade breaks no key; each is rehashed
    # with the newest key on its first use, after which SECRET_KEY can change freely.
    legacy = [_legacy_hmac_key(s) for s in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    return configured + legacy


def _hmac_hex(hmac_key: bytes, raw_key: str) -> str:
    return hmac.new(hmac_key, raw_key.encode(), hashlib.sha256).hexdigest()


def hash_api_key(raw_key: str) -> str:
    """The hash stored for a new key: HMAC-SHA256 with the newest key of API_KEY_HMAC_KEYS."""
    return _hmac_hex(_hmac_keys()[0], raw_key)


def api_key_hashes(raw_key: str) -> list[str]:
    """Every hash under which the key may be stored, newest first (the first is ``hash_api_key``)."""
    return list(dict.fromkeys(_hmac_hex(k, raw_key) for k in _hmac_keys()))


def looks_like_api_key(raw_key: str) -> bool:
    return bool(KEY_RE.match(raw_key))
