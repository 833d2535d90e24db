"""Hot read paths: querysets compiled to SQL once per process, then run with ``Model.objects.raw``.

Django spends longer compiling a small query than PostgreSQL spends answering it. The lookups
every API request makes (the key, the order, its numbers) are therefore compiled once, with
sentinel strings standing for their parameters, and reused. Rows still go through the fields'
converters (dates, encrypted values), exactly as ORM results do; the SQL is the ORM's own.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock

from django.db import models
from django.db.models import QuerySet


class CompiledQuery:
    """``build(variant, **params)`` returns a queryset; its SQL is compiled once per ``variant``.

    Parameters must be plain string values used as whole query parameters (``field=value``
    lookups); anything else (``__contains``, values embedded in SQL) is refused at compile time.
    Values that change the SQL's shape, such as booleans, belong in ``variant``.
    """

    def __init__(self, model: type[models.Model], build: Callable[..., QuerySet], params: tuple[str, ...]) -> None:
        self.model = model
        self.build = build
        self.params = params
        self._compiled: dict[Hashable, tuple[str, list]] = {}
        self._lock = Lock()

    def _compile(self, variant: Hashable) -> tuple[str, list]:
        sentinels = {f"\x1fportico-param:{name}\x1f": name for name in self.params}
        queryset = self.build(variant, **{name: sentinel for sentinel, name in sentinels.items()})
        sql, sample = queryset.query.sql_with_params()
        slots = [("param", sentinels[value]) if value in sentinels else ("const", value) for value in sample]
        found = {name for kind, name in slots if kind == "param"}
        if found != set(self.params) or any(s in sql for s in sentinels):
            raise ValueError(f"{self.model.__name__} query: parameters {sorted(self.params)} must be whole values")
        return sql, slots

    def fetch(self, variant: Hashable = None, **values: str) -> list[models.Model]:
        compiled = self._compiled.get(variant)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(variant, self._compile(variant))
        sql, slots = compiled
        params = [values[name] if kind == "param" else name for kind, name in slots]
        return list(self.model.objects.raw(sql, params))


def attach_prefetched(instance: models.Model, relation: str, objects: list[models.Model]) -> None:
    """Fill ``instance.<relation>.all()`` with ``objects``, as ``prefetch_related`` would."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset
