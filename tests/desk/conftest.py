"""Fixtures of the desk's tests: a client logged in as an agent, a viewer or a superuser."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.desk.helpers import user_in


@pytest.fixture
def agent(db) -> Client:
    return user_in("Porting agent", "agent")


@pytest.fixture
def viewer(db) -> Client:
    return user_in("Porting viewer", "viewer")


@pytest.fixture
def superuser(db) -> Client:
    return user_in(None, "root", superuser=True)
