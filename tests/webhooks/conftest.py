"""Fixtures of the webhook tests: a real receiver on 127.0.0.1 (so private URLs are allowed for it),
the outbox driven as production drives it (effects after commit, the sweep for retries), and a
platform with notification addresses."""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from porting.models import Platform
from tests.webhooks.helpers import PLATFORM_ADDRESSES, Receiver


@pytest.fixture
def receiver(httpserver_ipv4, settings) -> Iterator[Receiver]:
    """A real HTTP receiver. It listens on 127.0.0.1, which only a setting lets endpoints use."""
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    receiver = Receiver(httpserver_ipv4)
    httpserver_ipv4.expect_request(re.compile(r"^/.*"), method="POST").respond_with_handler(receiver.handle)
    yield receiver
    httpserver_ipv4.clear()


@dataclass
class Outbox:
    """Runs side effects as production does: each after its transaction commits, retries by the sweep."""

    capture: Callable[..., AbstractContextManager[Any]]

    def effects(self) -> AbstractContextManager[Any]:
        """Commit callbacks (the first attempt of every effect written inside) run at the end of the block."""
        return self.capture(execute=True)

    def sweep(self) -> str:
        """``manage.py sweep_outbox``: what beat runs; the effects it writes are handed over on commit too."""
        out = io.StringIO()
        with self.capture(execute=True):
            call_command("sweep_outbox", stdout=out)
        return out.getvalue().strip()


@pytest.fixture
def outbox(django_capture_on_commit_callbacks) -> Outbox:
    return Outbox(django_capture_on_commit_callbacks)


@pytest.fixture
def notified(tenant) -> list[str]:
    """The platform's notification addresses are set (one comma-separated field)."""
    Platform.objects.filter(pk=tenant.platform.pk).update(notification_emails=", ".join(PLATFORM_ADDRESSES))
    return PLATFORM_ADDRESSES
