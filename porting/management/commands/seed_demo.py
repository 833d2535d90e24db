"""Demo data for `make run`: a platform, the seed's account, a sandbox key, an admin, a few orders."""
from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from pypdf import PdfWriter

from porting.apikeys import DISPLAY_PREFIX_LENGTH, hash_api_key
from porting.foc import allowed_foc_dates
from porting.models import Account, ActorType, ApiKey, Platform
from porting.services import (
    Actor,
    port_order_approve,
    port_order_create,
    port_order_document_attach,
    port_order_submit,
)

DEMO_ACCOUNT_ID = "acct_01h2xcejqtf2nbrexx3vqjhp41"  # the id in the seed's curl examples
DEMO_API_KEY = "sk_test_PorticoDemoSandboxKey0000000000000000"
DEMO_ADMIN = ("admin", "portico-demo")


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print how to log in and call the API."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            platform, _ = Platform.objects.get_or_create(name="Demo Platform")
            account, _ = Account.objects.get_or_create(
                pk=DEMO_ACCOUNT_ID, defaults={"platform": platform, "name": "Smith Consulting"}
            )
            ApiKey.objects.get_or_create(
                secret_hash=hash_api_key(DEMO_API_KEY),
                defaults={"platform": platform, "livemode": False, "name": "Demo sandbox key",
                          "prefix": DEMO_API_KEY[:DISPLAY_PREFIX_LENGTH]},
            )
            user_model = get_user_model()
            if not user_model.objects.filter(username=DEMO_ADMIN[0]).exists():
                user_model.objects.create_superuser(DEMO_ADMIN[0], "admin@example.com", DEMO_ADMIN[1])
            if not account.port_orders.exists():
                self._demo_orders(account)
        self.stdout.write(
            "Portico demo data is ready.\n"
            f"  Admin:    http://127.0.0.1:8000/admin/  user {DEMO_ADMIN[0]!r}, password {DEMO_ADMIN[1]!r}\n"
            f"  API docs: http://127.0.0.1:8000/docs/\n"
            f"  API key:  {DEMO_API_KEY}  (test mode: the sandbox carrier answers)\n"
            f"  Account:  {DEMO_ACCOUNT_ID}  (send it as the DialStack-Account header)\n"
            "This is demo data with a published key and password: never run seed_demo in production."
        )

    def _demo_orders(self, account: Account) -> None:
        actor = Actor(ActorType.SYSTEM, "seed_demo")
        foc_date = allowed_foc_dates()[0]
        subscriber = {
            "btn": "+12025550100", "business_name": "Smith Consulting", "approver_name": "Jane Smith",
            "address": {"house_number": "123", "street_name": "Main St", "city": "Washington", "state": "DC",
                        "zip": "20001"},
        }
        port_order_create(account_id=account.pk, livemode=False, actor=actor,
                          data={"phone_numbers": ["+12025550100", "+12025550199"], "subscriber": subscriber})
        ready = port_order_create(
            account_id=account.pk, livemode=False, actor=actor,
            data={"phone_numbers": ["+12025553100"], "subscriber": {**subscriber, "btn": "+12025553100"},
                  "requested_foc_date": foc_date},
        )
        approved = port_order_approve(order=ready, signature="Jane Smith", ip="203.0.113.42", actor=actor)
        # Comcast Business (line 3xxx) needs a recent bill before submit: a one-page demo PDF stands in for it.
        port_order_document_attach(order=approved, file=ContentFile(_demo_pdf(), name="demo-invoice.pdf"),
                                   type="invoice", description="Demo invoice (a blank page)", actor=actor)
        port_order_submit(order=approved, actor=actor)


def _demo_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
