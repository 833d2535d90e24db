"""API key format and hashing. Keys are shown once; only an HMAC-SHA256 is stored."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

KEY_RE = re.compile(r"^sk_(test|live)_[A-Za-z0-9]{32,128}$")
SECRET_LENGTH = 40
DISPLAY_PREFIX_LENGTH = 12


def generate_api_key(*, livemode: bool) -> str:
    """A new key: ``sk_live_`` or ``sk_test_`` and 40 characters from the CSPRNG (~238 bits)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    secret = "".join(secrets.choice(alphabet) for _ in range(SECRET_LENGTH))
    return f"sk_{'live' if livemode else 'test'}_{secret}"


def hash_api_key(raw_key: str) -> str:
    """Keyed hash of a key (HMAC-SHA256 with a key derived from SECRET_KEY)."""
    pepper = hashlib.sha256(b"portico-api-key:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(pepper, raw_key.encode(), hashlib.sha256).hexdigest()


def looks_like_api_key(raw_key: str) -> bool:
    return bool(KEY_RE.match(raw_key))
