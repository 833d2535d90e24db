"""System checks of the secret-key lists kept apart from SECRET_KEY (DESIGN §7), registered in apps.py.

A demo run needs neither list (each falls back to a public demo key), so leaving one unset is only
a warning, and only where it matters: ``check --deploy`` with DEBUG off. A list that cannot work
(a FIELD_ENCRYPTION_KEYS entry that is not a Fernet key) is an error in every check.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Warning

from porting.apikeys import DEMO_API_KEY_HMAC_KEY
from porting.fields import DEMO_FIELD_ENCRYPTION_KEY

FERNET_KEY_COMMAND = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
HMAC_KEY_COMMAND = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def _unset_or_demo(keys: Sequence[str], demo_key: str) -> bool:
    return not keys or keys[0] == demo_key


def secret_key_lists_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Deploy: warn, with DEBUG off, about each list that is unset or led by its public demo key."""
    if settings.DEBUG:
        return []
    warnings: list[CheckMessage] = []
    if _unset_or_demo(settings.FIELD_ENCRYPTION_KEYS, DEMO_FIELD_ENCRYPTION_KEY):
        warnings.append(Warning(
            "FIELD_ENCRYPTION_KEYS is not set: PINs, account numbers and webhook secrets are encrypted with "
            "a public demo key.",
            hint=f"Set FIELD_ENCRYPTION_KEYS to a new Fernet key ({FERNET_KEY_COMMAND}). Values already "
                 "written with the demo key stay readable only while it is listed after the new one.",
            id="porting.W001",
        ))
    if _unset_or_demo(settings.API_KEY_HMAC_KEYS, DEMO_API_KEY_HMAC_KEY):
        warnings.append(Warning(
            "API_KEY_HMAC_KEYS is not set: API keys are hashed with a public demo key.",
            hint=f"Set API_KEY_HMAC_KEYS to a long random string ({HMAC_KEY_COMMAND}). API keys made with "
                 "the demo key keep working only while it is listed after the new one.",
            id="porting.W002",
        ))
    if not settings.PORTING_SEAL_P12:
        # Info, not a warning: a generated seal is valid and DESIGN §7 allows it; a production operator brings
        # its own so that others can tell its seal from anyone's self-signed one (README "Evidence").
        warnings.append(Info(
            "PORTING_SEAL_P12 is not set: LOAs are sealed with a generated self-signed certificate.",
            hint="Set PORTING_SEAL_P12 (and PORTING_SEAL_P12_PASSWORD) to the operator's certificate and key, "
                 "issued by a CA that the recipients of your LOAs trust.",
            id="porting.I001",
        ))
    return warnings


def field_encryption_keys_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Every FIELD_ENCRYPTION_KEYS entry must be a Fernet key, or every encrypted read fails."""
    errors: list[CheckMessage] = []
    for position, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except ValueError:
            errors.append(Error(
                f"FIELD_ENCRYPTION_KEYS: entry {position} is not a Fernet key (32 url-safe base64-encoded bytes).",
                hint=f"Make one with {FERNET_KEY_COMMAND}.",
                id="porting.E001",
            ))
    return errors
