"""Poll the carriers for every open order they hold."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from porting.services import approval_requests_expire_due, port_orders_refresh_open


class Command(BaseCommand):
    help = "Poll carriers for submitted and FOC-confirmed orders, in batches; expire old signing links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = port_orders_refresh_open(batch_size=options["batch_size"])
        expired = approval_requests_expire_due()
        self.stdout.write(f"Polled {count} open port order(s). Expired {expired} approval request(s).")
