"""Signing-link tokens: made from the CSPRNG, stored and looked up only as their SHA-256."""
from __future__ import annotations

import hashlib
import secrets


def new_signing_token() -> str:
    """256 bits from the CSPRNG, URL-safe; shown once (in the email), never stored."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored and looked up for a token (and keys its rate-limit counter)."""
    return hashlib.sha256(token.encode()).hexdigest()
