"""The signing pages' limits: POSTs per link, and dead-link answers (404, 410) per client IP.

Counted in the shared cache (tests/portal/test_shared_cache.py shows two processes sharing them).
"""
from __future__ import annotations

import datetime as dt
import secrets

import pytest

from porting.signing.views import DEAD_LINK_HITS, DEAD_LINK_WINDOW_SECONDS
from tests.conftest import NOW
from tests.signing.test_signing import send_link, sign

TOO_MANY = "Too many attempts"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://porting.example.com"  # what send_link reads the link from


@pytest.fixture
def link(api, django_capture_on_commit_callbacks) -> str:
    order = api.create()
    return send_link(api, order["id"], django_capture_on_commit_callbacks)


def dead_link() -> str:
    return f"/sign/{secrets.token_urlsafe(32)}/"


def assert_too_many(response) -> None:
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode() and "Smith Consulting" not in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= DEAD_LINK_WINDOW_SECONDS + 1


def test_dead_link_hits_from_one_ip_end_in_429(client, db):
    codes = [client.get(dead_link()).status_code for _ in range(DEAD_LINK_HITS)]
    assert codes == [410] * DEAD_LINK_HITS
    assert_too_many(client.get(dead_link()))


def test_past_the_limit_even_a_live_link_answers_429_to_that_ip(client, link):
    for _ in range(DEAD_LINK_HITS + 1):
        client.get(dead_link())
    # Otherwise a prober would still learn which links are alive (200) among the 429s.
    assert_too_many(client.get(f"/sign/{link}/"))
    assert_too_many(sign(client, link))
    assert client.get(f"/sign/{link}/", REMOTE_ADDR="198.51.100.9").status_code == 200  # another client


def test_a_live_link_does_not_count(client, link):
    codes = [client.get(f"/sign/{link}/").status_code for _ in range(DEAD_LINK_HITS + 5)]
    assert codes == [200] * (DEAD_LINK_HITS + 5)


def test_unknown_addresses_under_sign_count_as_dead_links(client, db):
    paths = ["/sign/", "/sign/abc/def/", f"{dead_link()}nothing-here/"] * DEAD_LINK_HITS
    codes = [client.get(path).status_code for path in paths[:DEAD_LINK_HITS]]
    assert codes == [404] * DEAD_LINK_HITS
    assert_too_many(client.get("/sign/"))
    assert_too_many(client.get(dead_link()))


def test_a_link_without_its_trailing_slash_still_redirects_to_the_page(client, link):
    response = client.get(f"/sign/{link}")
    assert response.status_code == 301 and response["Location"] == f"/sign/{link}/"


def test_the_limit_ends_with_its_window(client, db, clock):
    for _ in range(DEAD_LINK_HITS + 1):
        client.get(dead_link())
    assert client.get(dead_link()).status_code == 429
    clock.move_to(NOW + dt.timedelta(seconds=DEAD_LINK_WINDOW_SECONDS))
    assert client.get(dead_link()).status_code == 410


def test_behind_a_proxy_the_limit_is_per_forwarded_client(client, db, settings):
    settings.PORTING_TRUSTED_PROXY_COUNT = 1
    for _ in range(DEAD_LINK_HITS + 1):
        client.get(dead_link(), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.get(dead_link(), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # The proxy's own address is the same for everyone: another client behind it is not limited.
    assert client.get(dead_link(), HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 410
    # A forged entry left of the one the proxy appended changes nothing.
    assert client.get(dead_link(), HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7").status_code == 429


def test_posts_past_the_limit_per_link_get_the_too_many_page(client, link):
    codes = [sign(client, link, "Wrong Name").status_code for _ in range(10)]
    assert codes == [400] * 10
    response = sign(client, link, "Wrong Name")
    assert response.status_code == 429 and TOO_MANY in response.content.decode()
    assert int(response["Retry-After"]) > 0
