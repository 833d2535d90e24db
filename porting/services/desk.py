"""The porting desk (staff in the admin): transitions, the audited reveal of secrets.

Every desk action runs the same service as the API (rules, events, side effects); this module
adds the permission check and is the one map from a desk action to its transition.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import can_proceed

from porting import outbox
from porting.errors import InvalidState, ValidationFailed
from porting.models import ActorType, OutboxMessage, PortOrder
from porting.permissions import REVEAL_PERMISSION, WORK_PERMISSION
from porting.services.audit import Actor, record_event
from porting.services.carrier_outcomes import port_order_complete, port_order_record_foc, port_order_record_rejection
from porting.services.orders import port_order_cancel, port_order_losing_carrier_confirm, port_order_submit

# request.user on a desk page (the admin only lets active staff in, but the type says either).
StaffUser = User | AnonymousUser


@dataclass(frozen=True)
class DeskAction:
    """A button on the order page: its label, the transition it makes, and the service that makes it."""

    name: str
    label: str
    transition: str
    run: Callable[[PortOrder, Actor, dict[str, Any]], PortOrder]


DESK_ACTIONS: dict[str, DeskAction] = {action.name: action for action in [
    DeskAction("submit", "Submit to carrier", "submit",
               lambda order, actor, data: port_order_submit(order=order, actor=actor)),
    DeskAction("foc", "Record FOC", "confirm_foc",
               lambda order, actor, data: port_order_record_foc(order=order, actor=actor, date=data["date"],
                                                                time=data.get("time"))),
    DeskAction("reject", "Record rejection", "reject",
               lambda order, actor, data: port_order_record_rejection(order=order, actor=actor, code=data["code"],
                                                                      message=data.get("message", ""))),
    DeskAction("complete", "Complete", "complete",
               lambda order, actor, data: port_order_complete(order=order, actor=actor)),
    DeskAction("cancel", "Cancel order", "cancel",
               lambda order, actor, data: port_order_cancel(order=order, actor=actor, reason=data.get("reason", ""))),
]}


def staff_actor(user: StaffUser) -> Actor:
    return Actor(ActorType.STAFF, user.get_username())


def require_permission(user: StaffUser, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"{user.get_username()} lacks the permission {permission}.")


def desk_actions_allowed(*, order: PortOrder, user: StaffUser) -> list[DeskAction]:
    """The actions this user may take on the order in its current status (none without the permission)."""
    if not user.has_perm(WORK_PERMISSION):
        return []
    return [action for action in DESK_ACTIONS.values() if can_proceed(getattr(order, action.transition))]


def port_order_desk_action(
    *, order: PortOrder, user: StaffUser, action: str, data: dict[str, Any] | None = None
) -> PortOrder:
    """A transition the porting desk performs: the same services (rules, events, side effects) as the API."""
    require_permission(user, WORK_PERMISSION)
    if action not in DESK_ACTIONS:
        raise ValidationFailed(f"Unknown action {action!r}.")
    return DESK_ACTIONS[action].run(order, staff_actor(user), data or {})


def port_order_desk_losing_carrier(
    *, order: PortOrder, user: StaffUser, name: str, spid: str, is_wireless: bool,
    phone_numbers: list[str] | None = None,
) -> PortOrder:
    """The desk confirms the losing carrier of some or all numbers (for a user who may work orders)."""
    require_permission(user, WORK_PERMISSION)
    return port_order_losing_carrier_confirm(order=order, actor=staff_actor(user), name=name, spid=spid,
                                             is_wireless=is_wireless, phone_numbers=phone_numbers)


def port_order_reveal_secrets(*, order: PortOrder, user: StaffUser) -> dict[str, str | None]:
    """PIN and account number in full, for a permitted user; the reveal is written to the audit trail."""
    require_permission(user, REVEAL_PERMISSION)
    with transaction.atomic():
        record_event(order, "port_order.secrets_revealed", staff_actor(user),
                     data={"fields": ["pin", "account_number"]})
    return {"pin": order.pin, "account_number": order.account_number}


def outbox_message_retry(*, order: PortOrder, message_id: str, user: StaffUser) -> OutboxMessage:
    """The desk's "retry now": a waiting or dead side effect of the order is attempted again at once."""
    require_permission(user, WORK_PERMISSION)
    with transaction.atomic():
        message = OutboxMessage.objects.filter(order=order, pk=message_id).first()
        if message is None:
            raise ValidationFailed(f"Port order {order.pk} has no side effect {message_id!r}.")
        if not outbox.retry_now(message):
            raise InvalidState("This side effect is done or being attempted right now.")
    return message
