"""Hot read paths: querysets compiled to SQL once per process, then run without the ORM's compiler.

Django spends longer compiling a small query than PostgreSQL spends answering it. The lookups
every API request makes (the key; the order with its numbers) are therefore compiled once, with
sentinel strings standing for their parameters, and reused: the SQL is the ORM's own, and rows
go through the same converters (dates, encrypted values) and ``Model.from_db`` as ORM results.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from threading import Lock
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: list[tuple[str, Any]]  # ("param", name) or ("const", value), in parameter order
    converters: list[tuple[int, list[Any], Any]]  # (column, converter functions, expression)
    init_list: list[str]  # the model's attnames, in column order
    model_columns: tuple[int, int]
    annotations: list[tuple[str, int]]


class CompiledQuery(Generic[M]):
    """``build(variant, **params)`` returns a queryset; its SQL is compiled once per ``variant``.

    Parameters must be plain string values used as whole query parameters (``field=value``
    lookups); anything else (``__contains``, values embedded in SQL) is refused at compile time.
    Values that change the SQL's shape, such as booleans, belong in ``variant``.
    """

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], params: tuple[str, ...]) -> None:
        self.model = model
        self.build = build
        self.params = params
        self._plans: dict[Hashable, _Plan] = {}
        self._lock = Lock()

    def _compile(self, variant: Hashable) -> _Plan:
        sentinels = {f"\x1fportico-param:{name}\x1f": name for name in self.params}
        queryset = self.build(variant, **{name: sentinel for sentinel, name in sentinels.items()})
        compiler: Any = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        sql, sample = compiler.as_sql()
        slots = [("param", sentinels[value]) if value in sentinels else ("const", value) for value in sample]
        found = {name for kind, name in slots if kind == "param"}
        if found != set(self.params) or any(s in sql for s in sentinels):
            raise ValueError(f"{self.model.__name__} query: parameters {sorted(self.params)} must be whole values")
        select_fields = compiler.klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return _Plan(
            sql=sql,
            slots=slots,
            converters=[(pos, funcs, expression) for pos, (funcs, expression) in converters.items()],
            init_list=[column.target.attname for column, _, _ in compiler.select[start:end]],
            model_columns=(start, end),
            annotations=list(compiler.annotation_col_map.items()),
        )

    def fetch(self, variant: Hashable = None, **values: str) -> list[M]:
        plan = self._plans.get(variant)
        if plan is None:
            with self._lock:
                plan = self._plans.setdefault(variant, self._compile(variant))
        connection = connections[DEFAULT_DB_ALIAS]
        params = [values[name] if kind == "param" else name for kind, name in plan.slots]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        start, end = plan.model_columns
        objects: list[M] = []
        for row in rows:
            row = list(row)
            for pos, funcs, expression in plan.converters:
                for func in funcs:
                    row[pos] = func(row[pos], expression, connection)
            obj = self.model.from_db(DEFAULT_DB_ALIAS, plan.init_list, row[start:end])
            for name, pos in plan.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects


def attach_prefetched(instance: models.Model, relation: str, objects: list[Any]) -> None:
    """Fill ``instance.<relation>.all()`` with ``objects``, as ``prefetch_related`` would."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset
