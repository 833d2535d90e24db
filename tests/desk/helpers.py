"""Helpers shared by the desk's tests: logged-in clients, orders brought to a status, the desk's URLs."""
from __future__ import annotations

import datetime as dt
import itertools
import re

from django.contrib.auth.models import Group, User
from django.test import Client

from porting import services
from porting.models import PortOrder
from tests.conftest import confirm_losing_carrier, make_tenant, order_body

LIST = "/admin/porting/portorder/"
ACTOR = services.Actor("system", "test")


def user_in(group: str | None, name: str, superuser: bool = False) -> Client:
    user = User.objects.create_user(name, f"{name}@example.com", "pw-12345-long", is_staff=True,
                                    is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


# Each order made without numbers gets its own (a number is in one open order at a time).
_fresh_numbers = (f"+1202555{line}" for line in itertools.cycle(range(1300, 2000)))


def create(numbers=None, live: bool = True, account=None, **overrides) -> PortOrder:
    body = order_body(numbers or [next(_fresh_numbers)], **overrides)
    body["requested_foc_date"] = dt.date(2026, 12, 18)
    body["requested_foc_time"] = dt.time(10, 0)
    account = account or make_tenant().account
    return services.port_order_create(account_id=account.pk, livemode=live, data=body, actor=ACTOR)


def approved(**kwargs) -> PortOrder:
    order = create(**kwargs)
    if order.livemode:
        confirm_losing_carrier(order.pk)
    return services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR)


def submitted(**kwargs) -> PortOrder:
    return services.port_order_submit(order=approved(**kwargs), actor=ACTOR)


def status_of(order: PortOrder) -> str:
    return PortOrder.objects.get(pk=order.pk).status


def desk(order: PortOrder, action: str) -> str:
    return f"{LIST}{order.pk}/desk/{action}/"


def listed_ids(response) -> list[str]:
    return re.findall(r'<th class="field-id"><a href="[^"]+">(port_[0-9a-z]{26})</a>', response.content.decode())
