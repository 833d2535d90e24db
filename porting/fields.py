"""Model fields: TypeID primary keys and values encrypted at rest (MultiFernet, key rotation)."""
from __future__ import annotations

import base64
import hashlib
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


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(hashlib.sha256(b"portico-field-encryption:" + secret_key.encode()).digest())
        keys = (derived.decode(),)
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys") from exc


def field_cipher() -> MultiFernet:
    """The cipher for encrypted fields: the first key encrypts, every key decrypts."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


class EncryptedTextField(models.TextField[_ST, _GT]):
    """A text value stored as a Fernet token; None stays NULL. Never compared or searched."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return field_cipher().encrypt(str(value).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return field_cipher().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured("an encrypted value cannot be read with FIELD_ENCRYPTION_KEYS") from exc
