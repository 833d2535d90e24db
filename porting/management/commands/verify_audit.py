"""Check the audit trail's hash chain of one order or of all: exit 1 on the first break, naming it."""
from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from porting import selectors
from porting.models import PortOrder


class Command(BaseCommand):
    help = (
        "Recompute every event's hash and check each order's chain (sequence, prev_hash, hash). "
        "Exit status 0 when all hold; 1 on a break, with the order, the event and the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--order", help="check this order only (port_…)")

    def handle(self, *args: Any, **options: Any) -> None:
        orders = PortOrder.objects.order_by("pk")
        if options["order"]:
            orders = orders.filter(pk=options["order"])
            if not orders.exists():
                raise CommandError(f"No such port order: {options['order']}")
        checked = events = broken = 0
        for order in orders.only("pk").iterator(chunk_size=500):
            result = selectors.order_audit(order)
            checked += 1
            events += result.events
            if not result.valid:
                broken += 1
                self.stderr.write(f"BROKEN {order.pk} at {result.broken_at}: {result.reason}")
            elif options["order"]:
                self.stdout.write(f"{order.pk}: {result.events} event(s), head {result.head}")
        if broken:
            self.stderr.write(f"{broken} of {checked} order(s) have a broken audit chain.")
            sys.exit(1)
        self.stdout.write(f"OK: {checked} order(s), {events} event(s), every chain holds.")
