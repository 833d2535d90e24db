"""Helpers of the outbox's tests: the sweep an operator (or beat) runs, and the record of attempts."""
from __future__ import annotations

import io
import socket

from django.core.management import call_command
from django.db import connection

from porting.models import OutboxMessage

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
PLATFORM_ADDRESSES = ["ops@reseller.example", "desk@reseller.example"]


def free_port() -> int:
    """A local port nothing listens on: bound once by the OS, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sweep() -> str:
    """What beat (or an operator) runs: ``manage.py sweep_outbox``; returns its output."""
    out = io.StringIO()
    call_command("sweep_outbox", stdout=out)
    return out.getvalue().strip()


def rows(order_id: str, kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(order_id=order_id, kind=kind).order_by("pk"))


def row(order_id: str, kind: str) -> OutboxMessage:
    (only,) = rows(order_id, kind)
    return only


def stored_columns(message_id: str) -> dict[str, object]:
    """The row as the database holds it (no field decryption): what a dump or a DBA would see."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM porting_outboxmessage WHERE id = %s", [message_id])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
