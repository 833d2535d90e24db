"""Fixed-window rate limits counted in the shared cache (``CACHE_URL``: Redis in production), so a
limit holds for the whole deployment, not per process.

django-ratelimit does the counting: ``cache.add`` then ``cache.incr``, atomic on Redis (INCR), so
parallel requests in any number of processes each get their own number. A cache that cannot be
reached limits nothing (logged): a request never fails because Redis is down.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    count: int  # hits in the current window
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def limited(self) -> bool:
        return self.count > self.limit

    @property
    def exhausted(self) -> bool:
        """The next hit would be limited."""
        return self.count >= self.limit


def _usage(request: HttpRequest, *, group: str, key: str, limit: int, period: int, increment: bool) -> Usage:
    not_limited = Usage(0, limit, 0)
    try:
        usage = get_usage(request, group=group, key=lambda _group, _request: key, rate=f"{limit}/{period}s",
                          increment=increment)
    except Exception:  # the cache is down: let the request through rather than fail it
        logger.warning("rate limit %s not counted: the cache did not answer", group, exc_info=True)
        return not_limited
    if usage is None:  # RATELIMIT_FAIL_OPEN: the cache answered nothing
        return not_limited
    return Usage(int(usage["count"]), limit, max(1, int(usage["time_left"])))


def hit(request: HttpRequest, *, group: str, key: str, limit: int, period: int) -> Usage:
    """Count one more hit on ``key``; limited once the window holds more than ``limit`` hits."""
    return _usage(request, group=group, key=key, limit=limit, period=period, increment=True)


def peek(request: HttpRequest, *, group: str, key: str, limit: int, period: int) -> Usage:
    """The window's count on ``key`` so far, without counting a hit."""
    return _usage(request, group=group, key=key, limit=limit, period=period, increment=False)
