"""Cursor pagination over TypeID keys: newest first, the same cost on every page."""
from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)


def cursor_page(queryset: QuerySet[M], *, limit: int, cursor: str | None) -> tuple[list[M], bool, str | None]:
    """(rows, has_more, next_cursor) of ``queryset`` ordered by id descending.

    TypeIDs are UUIDv7: they sort by creation time, so ``id < cursor`` is the next page and the
    (account, livemode, -id) index serves any depth with one range scan.
    """
    if cursor:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return rows, has_more, (rows[-1].pk if has_more else None)
