"""A bare Celery no-op task for bench/outbox.py's baseline, loaded by the bench's workers with
``-I bench.celery_noop``. Each run counts itself with one Redis INCR (the bench's own Redis db) and
the run that brings the count to ``total`` stamps the time, so the bench knows when all are done."""
from __future__ import annotations

import os
import time

import redis
from celery import shared_task

COUNT_KEY = "bench:noop:count"
DONE_KEY = "bench:noop:done_at"
_client: redis.Redis | None = None


def client() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
    return _client


@shared_task(ignore_result=True, name="bench.celery_noop.noop")
def noop(total: int) -> None:
    if client().incr(COUNT_KEY) >= total:
        client().set(DONE_KEY, repr(time.time()))
