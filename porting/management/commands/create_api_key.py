"""Create an API key (and, without names, a new platform with one account)."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from porting.models import Account, Platform
from porting.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key. Without --platform/--account a new platform with one account is created."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--platform", help="Platform name (reused if it exists, created otherwise).")
        parser.add_argument("--account", help="Account name under the platform (reused or created).")
        parser.add_argument("--live", action="store_true", help="Create an sk_live_ key (default: sk_test_).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            if options["platform"]:
                platform, _ = Platform.objects.get_or_create(name=options["platform"])
            else:
                platform = Platform.objects.create(name="Platform")
            account_name = options["account"] or "Default account"
            if options["account"] or not options["platform"]:
                account, _ = Account.objects.get_or_create(platform=platform, name=account_name)
            else:
                account = platform.accounts.order_by("created_at").first() or Account.objects.create(
                    platform=platform, name=account_name
                )
            _, raw = api_key_create(platform=platform, livemode=options["live"])
        result = {"platform_id": platform.pk, "account_id": account.pk, "api_key": raw, "livemode": options["live"]}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Platform: {platform.pk} ({platform.name})\nAccount:  {account.pk} ({account.name})\n"
                f"API key:  {raw}\nThis key is shown once; store it now."
            )
