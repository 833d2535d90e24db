"""Poll the carriers for every open order they hold."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from porting.services import approval_requests_expire_due, port_orders_refresh_open


class Command(BaseCommand):
    help = "Poll carriers for submitted and FOC-confirmed orders, in batches; expire old signing links."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, **options) -> None:
        count = port_orders_refresh_open(batch_size=options["batch_size"])
        expired = approval_requests_expire_due()
        self.stdout.write(f"Polled {count} open port order(s). Expired {expired} approval request(s).")
