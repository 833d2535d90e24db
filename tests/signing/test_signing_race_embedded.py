"""The signing race on the embedded default, SQLite in a file: two gunicorn processes with threads,
parallel declines (and signs racing declines) on one link. Writers wait for the write lock
(IMMEDIATE transactions, a busy timeout) instead of failing with "database is locked": one wins, the
others get the dead-link page (410), never a 500.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import requests

from tests.signing.servers import Link, Servers, at_once, web_servers

PARALLEL = 8  # below the per-link limit of POSTs (10), so every loser is a dead link, not a 429
ROUNDS = 3
DEAD_PAGE = "This link can't be used"
CLIENTS = itertools.count(1)  # the last byte of each race's client address


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """The real clock: the servers cannot share a frozen one."""
    yield None


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    # Behind one proxy: each race comes from a client of its own (its losers' 410s count as dead-link hits).
    with web_servers(tmp_path_factory.mktemp("embedded-race"), env={"PORTING_TRUSTED_PROXY_COUNT": "1"}) as started:
        yield started


@pytest.fixture(scope="module")
def links(servers: Servers) -> Iterator[list[Link]]:
    made = servers.open_links(2 * ROUNDS)
    yield made


def race(servers: Servers, link: Link, actions: list[str]) -> list[requests.Response]:
    """POST each action ("decline" or "sign") on the link at once, alternately to each server, from one client."""
    client = {"X-Forwarded-For": f"203.0.113.{next(CLIENTS)}"}
    cookie, csrf = servers.csrf(link)
    forms = {"decline": ("decline/", {"reason": "Our suite number is missing"}),
             "sign": ("", {"signature": "Jane Smith", "consent": "on"})}

    def post(n: int, action: str) -> requests.Response:
        path, data = forms[action]
        return requests.post(f"{servers.urls[n % len(servers.urls)]}/sign/{link.token}/{path}",
                             data={**data, "csrfmiddlewaretoken": csrf}, cookies={"csrftoken": cookie},
                             headers=client, allow_redirects=False, timeout=60)

    return at_once([lambda n=n, action=action: post(n, action) for n, action in enumerate(actions)])


def assert_one_wins(responses: list[requests.Response], servers: Servers) -> None:
    codes = [response.status_code for response in responses]
    assert 500 not in codes, f"{codes}\n{servers.tails()}"
    assert codes.count(302) + codes.count(200) == 1 and codes.count(410) == len(codes) - 1, codes
    for response in responses:
        if response.status_code == 410:
            assert DEAD_PAGE in response.text and "Smith Consulting" not in response.text
    assert "database is locked" not in servers.tails()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_parallel_declines_on_sqlite_wait_and_decline_once(servers, links, round_):
    assert_one_wins(race(servers, links[round_], ["decline"] * PARALLEL), servers)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_signing_racing_declines_on_sqlite_ends_one_way(servers, links, round_):
    assert_one_wins(race(servers, links[ROUNDS + round_], ["sign", "decline"] * (PARALLEL // 2)), servers)
