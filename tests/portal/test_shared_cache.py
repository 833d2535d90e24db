"""Rate limits hold for the deployment, not per process: two web processes (gunicorn, each with
threads) share Redis through CACHE_URL, and parallel requests spread over both stop at the
documented limit, exactly (the counters are atomic increments, not read-then-write).

Needs Redis (PORTICO_TEST_REDIS_URL, default db 5, flushed): skipped without it, failed with
PORTICO_REQUIRE_REDIS=1.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import requests

from porting.signing.views import DEAD_LINK_HITS, DEAD_LINK_WINDOW_SECONDS, SIGN_ATTEMPTS, SIGN_WINDOW_SECONDS
from tests.signing.servers import REDIS_URL, Servers, at_once, fresh_window, redis_or_skip, web_servers

API_RATE = 20  # per hour, per key


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """The real clock: the servers cannot share a frozen one."""
    yield None


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    redis_or_skip().flushdb()
    with web_servers(tmp_path_factory.mktemp("shared-cache"),
                     env={"CACHE_URL": REDIS_URL, "PORTING_API_RATE": f"{API_RATE}/hour"}) as started:
        yield started
    redis_or_skip().flushdb()


@pytest.fixture(autouse=True)
def fresh_counters(servers: Servers) -> None:
    redis_or_skip().flushdb()


def spread(servers: Servers, count: int, path: str, **kwargs: object) -> list[int]:
    """``count`` requests at once, alternately to each server (``data`` set: POST); their status codes."""
    method = requests.post if "data" in kwargs else requests.get

    def call(url: str) -> requests.Response:
        return method(url + path, timeout=60, allow_redirects=False, **kwargs)  # type: ignore[arg-type]

    urls = [servers.urls[n % len(servers.urls)] for n in range(count)]
    responses = at_once([lambda url=url: call(url) for url in urls])
    return [response.status_code for response in responses]


def test_the_api_rate_is_counted_once_for_all_processes(servers):
    key = servers.api_key()
    headers = {"Authorization": f"Bearer {key['api_key']}", "DialStack-Account": key["account_id"]}
    fresh_window(3600)
    codes = spread(servers, 2 * API_RATE, "/v1/port-orders", headers=headers)
    # Per process (locmem) each server would let API_RATE through: 2 * API_RATE in all.
    assert sorted(codes) == [200] * API_RATE + [429] * API_RATE
    limited = requests.get(servers.urls[1] + "/v1/port-orders", headers=headers, timeout=30)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 3600


def test_dead_link_hits_are_counted_once_for_all_processes(servers):
    fresh_window(DEAD_LINK_WINDOW_SECONDS)
    codes = spread(servers, 2 * DEAD_LINK_HITS, f"/sign/{secrets.token_urlsafe(32)}/")
    assert sorted(codes) == [410] * DEAD_LINK_HITS + [429] * DEAD_LINK_HITS


def test_posts_on_one_link_are_counted_once_for_all_processes(servers):
    link = servers.open_links(1)[0]
    cookie, token = servers.csrf(link)
    fresh_window(SIGN_WINDOW_SECONDS)
    codes = spread(servers, 2 * SIGN_ATTEMPTS, f"/sign/{link.token}/", cookies={"csrftoken": cookie},
                   data={"csrfmiddlewaretoken": token, "consent": "on", "signature": "Not The Approver"})
    assert sorted(codes) == [400] * SIGN_ATTEMPTS + [429] * SIGN_ATTEMPTS

