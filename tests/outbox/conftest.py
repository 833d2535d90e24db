"""Fixtures of the outbox's tests: an SMTP server that is down, a counting live carrier, and a
platform with notification addresses."""
from __future__ import annotations

import pytest

from porting.models import Platform
from tests.carriers import CountingCarrier
from tests.outbox.helpers import LOCMEM, PLATFORM_ADDRESSES, free_port


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://porting.example.com"


@pytest.fixture
def smtp_down(settings):
    """Real SMTP, pointed at a port where nothing listens; ``smtp_down.comes_back()`` switches to locmem."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    class Smtp:
        @staticmethod
        def comes_back() -> None:
            settings.EMAIL_BACKEND = LOCMEM

    return Smtp


@pytest.fixture
def carrier(settings):
    """The live carrier: counts submits and cancels; ``carrier.submit_errors`` makes the next submits fail."""
    settings.PORTING_CARRIER = "tests.carriers.CountingCarrier"
    _reset(CountingCarrier)
    yield CountingCarrier
    _reset(CountingCarrier)


def _reset(carrier: type[CountingCarrier]) -> None:
    """The counting carrier keeps its state on the class: start and leave it clean."""
    carrier.calls, carrier.submit_errors, carrier.fail_polls, carrier.next_update = [], [], False, None


@pytest.fixture
def notified(tenant) -> list[str]:
    """The platform's notification addresses are set (one comma-separated field)."""
    Platform.objects.filter(pk=tenant.platform.pk).update(notification_emails=", ".join(PLATFORM_ADDRESSES))
    return PLATFORM_ADDRESSES
