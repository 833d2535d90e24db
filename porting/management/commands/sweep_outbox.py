"""Run or enqueue the side effects that are due now."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from porting import outbox


class Command(BaseCommand):
    help = (
        "Hand the outbox's due side effects to the workers (with CELERY_BROKER_URL) or run them here "
        "(without). Beat does this every PORTING_OUTBOX_SWEEP_SECONDS; the command is for operators and scripts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="at most this many rows (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox.sweep(limit=options["limit"])
        verb = "Ran" if outbox.embedded() else "Enqueued"
        self.stdout.write(f"{verb} {count} due outbox message(s).")
