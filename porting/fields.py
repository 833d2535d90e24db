"""Model fields: TypeID primary keys and values encrypted at rest (MultiFernet, key rotation)."""
from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from typeid import TypeID

# The set and get types of a field; django-stubs' plugin fills them in (nullable with null=True).
_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)


def new_typeid(prefix: str) -> str:
    """A new TypeID string such as ``port_01h2xcejqtf2nbrexx3vqjhp41`` (UUIDv7: sorts by creation)."""
    return str(TypeID(prefix=prefix))


class TypeIDField(models.CharField[_ST, _GT]):
    """A primary key holding a prefixed TypeID, generated on creation."""

    def __init__(self, *args: Any, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("primary_key", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if add and not value:
            value = new_typeid(self.prefix)
            setattr(model_instance, self.attname, value)
        return value


# Used while FIELD_ENCRYPTION_KEYS is unset, like Django's insecure default SECRET_KEY: a demo run
# needs no configuration, and `check --deploy` warns about it with DEBUG off (porting.W001). The key
# is public, so values encrypted with it are no secret from anyone who can read the database. It is
# not accepted once FIELD_ENCRYPTION_KEYS is set; to keep reading values written with it, list it
# last (after the new key), until those rows have been saved again.
DEMO_FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"portico-INSECURE-demo-only-key!!").decode()

# What an encrypted value reads as when no key decrypts it (a wrong or removed key): the desk and
# the API show this word instead of failing.
UNREADABLE_TEXT = "unreadable"

logger = logging.getLogger(__name__)
_reported_unreadable: set[tuple[str, tuple[str, ...]]] = set()


def legacy_field_encryption_key(secret_key: str) -> str:
    """The key earlier versions derived from SECRET_KEY when FIELD_ENCRYPTION_KEYS was unset."""
    digest = hashlib.sha256(b"portico-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    try:
        configured = [Fernet(k) for k in (keys or (DEMO_FIELD_ENCRYPTION_KEY,))]
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys") from exc
    # Values written by earlier versions without FIELD_ENCRYPTION_KEYS were encrypted with a key
    # derived from SECRET_KEY (or a key now in SECRET_KEY_FALLBACKS). Those keys come last, so they
    # only ever decrypt: an upgrade loses nothing, and each value moves to the first key when it is
    # saved again. Once it has, SECRET_KEY can change freely.
    legacy = [Fernet(legacy_field_encryption_key(s)) for s in secret_keys]
    return MultiFernet(configured + legacy)


def field_cipher() -> MultiFernet:
    """The cipher for encrypted fields: the first key encrypts, every key decrypts."""
    secret_keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), secret_keys)


class UnreadableValue(str):
    """An encrypted value that no configured key decrypts: reads as ``UNREADABLE_TEXT``.

    It keeps the ciphertext it was read from, and saving it writes that ciphertext back unchanged:
    saving a model with an unreadable field never replaces the secret with the word "unreadable",
    and restoring the right key makes it readable again.
    """

    ciphertext: str

    def __new__(cls, ciphertext: str) -> UnreadableValue:
        value = super().__new__(cls, UNREADABLE_TEXT)
        value.ciphertext = ciphertext
        return value

    def __getnewargs__(self) -> tuple[str]:  # copy and pickle keep the ciphertext, not the word
        return (self.ciphertext,)


def is_unreadable(value: object) -> bool:
    """Whether an encrypted field's value could not be decrypted (show ``UNREADABLE_TEXT``, never use it)."""
    return isinstance(value, UnreadableValue)


def _report_unreadable(field: models.Field[Any, Any]) -> None:
    """One warning per field and key configuration: a wrong key would otherwise log every row read."""
    label = f"{field.model._meta.label}.{field.name}"
    seen = (label, tuple(settings.FIELD_ENCRYPTION_KEYS))
    if seen in _reported_unreadable:
        return
    _reported_unreadable.add(seen)
    logger.warning(
        "%s: a stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS (a wrong or removed key?). "
        "It reads as %r and is kept as stored; this is logged once per field.", label, UNREADABLE_TEXT,
    )


class EncryptedTextField(models.TextField[_ST, _GT]):
    """A text value stored as a Fernet token; None stays NULL. Never compared or searched.

    A stored value no key decrypts reads as an ``UnreadableValue`` (see ``is_unreadable``).
    """

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableValue):
            return value.ciphertext
        value = super().get_prep_value(value)
        if value is None:
            return None
        return field_cipher().encrypt(str(value).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return field_cipher().decrypt(value.encode()).decode()
        except InvalidToken:
            _report_unreadable(self)
            return UnreadableValue(value)
