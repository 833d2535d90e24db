"""Read-only queries shared by the API, the desk and the signing pages. Nothing here writes."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from porting.audit_chain import ChainCheck, verify_chain
from porting.compiled import CompiledQuery, attach_prefetched
from porting.errors import NotFound, ValidationFailed, field_error
from porting.foc import EASTERN, eastern_today, subtract_business_days
from porting.models import (
    ApprovalRequest,
    Comment,
    CommentAuthorType,
    Event,
    OutboxMessage,
    OutboxStatus,
    PortOrder,
    PortOrderNumber,
    PortStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from porting.models.audit import DESK_ONLY_EVENT_TYPES
from porting.tokens import token_digest

# --- one order, for the API -------------------------------------------------------
_NUMBER_COLUMNS = ["phone_number", "number_type", "losing_carrier_name", "losing_carrier_spid", "is_wireless"]
_NUMBERS_AS_JSON = {
    # One order's numbers as a JSON array of arrays, in position order, fetched with the order itself.
    "postgresql": "SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY n.position), '[]'::json) "
    "FROM porting_portordernumber n WHERE n.order_id = porting_portorder.id",
    "sqlite": "SELECT COALESCE(json_group_array(json_array({cols})), '[]') FROM (SELECT * FROM "
    "porting_portordernumber WHERE order_id = porting_portorder.id ORDER BY position) n",
}


def _order_with_numbers(livemode: bool, *, order_id: str, account_id: str) -> QuerySet[PortOrder]:
    sql = _NUMBERS_AS_JSON[connection.vendor].format(cols=", ".join(f"n.{c}" for c in _NUMBER_COLUMNS))
    orders: QuerySet[PortOrder] = (
        PortOrder.objects.filter(pk=order_id, account_id=account_id, livemode=livemode)
        .order_by()
        .annotate(numbers_json=RawSQL(sql, []))  # noqa: S611 - constant SQL above, no user input
    )
    return orders


_ORDER_OF_ACCOUNT: CompiledQuery[PortOrder] = CompiledQuery(PortOrder, _order_with_numbers, ("order_id", "account_id"))


def port_order_get(*, account_id: str, livemode: bool, order_id: str) -> PortOrder:
    """The account's order in this mode, or ``not_found`` with the same body whoever owns it.

    ``account_id`` must be verified to belong to the caller's platform (the API's
    AccountScopedView does it in the key's own query). One query: the order and its numbers
    (as JSON), compiled once per process (porting.compiled).
    """
    found = _ORDER_OF_ACCOUNT.fetch(bool(livemode), order_id=order_id, account_id=account_id)
    if not found:
        raise NotFound(f"No such port order: {order_id}")
    order = found[0]
    rows: Any = getattr(order, "numbers_json")  # noqa: B009 - an annotation the ORM adds
    if isinstance(rows, str):
        rows = json.loads(rows)
    numbers = []
    for position, row in enumerate(rows):
        values = dict(zip(_NUMBER_COLUMNS, row, strict=True))
        if values["is_wireless"] is not None:
            values["is_wireless"] = bool(values["is_wireless"])
        numbers.append(PortOrderNumber(order_id=order.pk, position=position, **values))
    attach_prefetched(order, "numbers", numbers)
    return order


# --- lists ---------------------------------------------------------------------------
PARTIAL_NUMBER_RE = re.compile(r"^\+?[0-9]{1,15}$")


def _numbers_matching(text: str) -> QuerySet[PortOrderNumber]:
    if not PARTIAL_NUMBER_RE.match(text):
        raise ValidationFailed(
            "phone_number must be an E.164 number or a part of one (digits).",
            errors=[field_error("/phone_number", "Digits only, optionally starting with +.")],
        )
    numbers = PortOrderNumber.objects.order_by()
    if text.startswith("+") and len(text) >= 11:
        return numbers.filter(phone_number=text)
    return numbers.filter(phone_number__contains=text)


def port_orders_of_account(
    *, account_id: str, livemode: bool, status: str | None = None, phone_number: str | None = None,
    customer_reference: str | None = None, created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
) -> QuerySet[PortOrder]:
    """The account's orders in this mode, filtered by status, a whole or partial number, the integrator's
    reference and the creation time as the API shows it, to the second (after and before: both exclusive,
    so an order's own ``created_at`` as a bound leaves it out)."""
    orders: QuerySet[PortOrder] = PortOrder.objects.filter(account_id=account_id, livemode=livemode)
    if status:
        orders = orders.filter(status=status)
    if customer_reference is not None:
        orders = orders.filter(customer_reference=customer_reference)
    if created_after is not None:  # shown second > bound: from the next whole second on
        orders = orders.filter(created_at__gte=created_after.replace(microsecond=0) + dt.timedelta(seconds=1))
    if created_before is not None:  # shown second < bound: before the bound rounded up to a whole second
        ceiling = created_before.replace(microsecond=0)
        if ceiling < created_before:
            ceiling += dt.timedelta(seconds=1)
        orders = orders.filter(created_at__lt=ceiling)
    if phone_number:
        orders = orders.filter(pk__in=Subquery(_numbers_matching(phone_number).values("order_id")))
    return orders.prefetch_related("numbers")


def approval_request_by_token(token: str) -> ApprovalRequest | None:
    """The request a link's token names, or None. Reads only: expiry is written by
    ``approval_requests_expire_due`` (a periodic task), never by opening a link."""
    found: ApprovalRequest | None = (
        ApprovalRequest.objects.select_related("order").filter(token_hash=token_digest(token)).first()
    )
    return found


# --- the porting desk's queue ----------------------------------------------------------
NEEDS_ACTION = {
    "stale": "Submitted, no carrier answer",
    "exception": "Rejected (exception)",
    "foc_soon": "FOC within 48 hours",
    "effect_failed": "A side effect failed (dead)",
    "comment": "The integrator commented (unanswered)",
}


def stale_submission_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Orders submitted before this moment have waited N business days for the carrier."""
    now = (now or timezone.now()).astimezone(EASTERN)
    day = subtract_business_days(now.date(), settings.PORTING_DESK_STALE_BUSINESS_DAYS)
    return dt.datetime.combine(day, now.time(), tzinfo=EASTERN)


def focs_due_by(now: dt.datetime | None = None) -> dt.date:
    """FOC dates up to this one are within 48 hours (or overdue)."""
    return ((now or timezone.now()).astimezone(EASTERN) + dt.timedelta(hours=48)).date()


def needs_action_q(kind: str | None = None, now: dt.datetime | None = None) -> Q:
    parts = {
        "stale": Q(status=PortStatus.SUBMITTED, submitted_at__lt=stale_submission_cutoff(now)),
        "exception": Q(status=PortStatus.EXCEPTION),
        "foc_soon": Q(status=PortStatus.FOC, foc_date__lte=focs_due_by(now)),
        "effect_failed": Q(Exists(OutboxMessage.objects.filter(order=OuterRef("pk"), status=OutboxStatus.DEAD))),
        # An integrator's comment with no public desk comment after it (ids sort by creation time).
        "comment": Q(Exists(
            Comment.objects.filter(order=OuterRef("pk"), public=True, author_type=CommentAuthorType.API_KEY)
            .exclude(Exists(Comment.objects.filter(order=OuterRef("order"), public=True,
                                                   author_type=CommentAuthorType.STAFF, pk__gt=OuterRef("pk"))))
        )),
    }
    if kind:
        return parts[kind]
    return parts["stale"] | parts["exception"] | parts["foc_soon"] | parts["effect_failed"] | parts["comment"]


def outbox_messages_of_order(order: PortOrder) -> list[OutboxMessage]:
    """The order's side effects, newest first, for the desk (webhook deliveries are listed on their own)."""
    return list(OutboxMessage.objects.filter(order=order).exclude(kind="webhook_delivery").order_by("-pk"))


def webhook_deliveries_of_order(order: PortOrder) -> list[WebhookDelivery]:
    """The webhook deliveries of the order's events, newest first, for the desk."""
    return list(WebhookDelivery.objects.filter(event__order=order).select_related("endpoint", "outbox_message")
                .order_by("-pk")[:200])


def dashboard(orders: QuerySet[PortOrder] | None = None) -> dict[str, Any]:
    """Counts by status, the desk's queue, FOCs of the next 7 days, exceptions by rejection code."""
    orders = orders if orders is not None else PortOrder.objects.all()
    today = eastern_today()
    by_status = dict(orders.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "by_status": [(s.value, s.label, by_status.get(s.value, 0)) for s in PortStatus],
        "waiting_on_desk": orders.filter(livemode=True, status=PortStatus.SUBMITTED).count(),
        "needs_action": orders.filter(needs_action_q()).count(),
        "dead_effects": OutboxMessage.objects.filter(status=OutboxStatus.DEAD).count(),
        "focs_next_7_days": list(
            orders.filter(status=PortStatus.FOC, foc_date__gte=today, foc_date__lte=today + dt.timedelta(days=7))
            .select_related("account").order_by("foc_date", "foc_time")[:25]
        ),
        "exceptions_by_code": list(
            orders.filter(status=PortStatus.EXCEPTION).order_by().values_list("rejection_code")
            .annotate(n=Count("pk")).order_by("-n")
        ),
    }


# --- webhooks and the platform's events feed ----------------------------------------------
def webhook_endpoints_of(*, platform_id: str, livemode: bool) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(platform_id=platform_id, livemode=livemode, deleted_at__isnull=True)


def webhook_endpoint_get(*, platform_id: str, livemode: bool, endpoint_id: str) -> WebhookEndpoint:
    endpoint: WebhookEndpoint | None = (
        webhook_endpoints_of(platform_id=platform_id, livemode=livemode).filter(pk=endpoint_id).first()
    )
    if endpoint is None:
        raise NotFound(f"No such webhook endpoint: {endpoint_id}")
    return endpoint


def public_events_q() -> Q:
    """Events that may leave the desk (API, feed, webhooks): internal desk notes and the desk's audited
    reveal of secrets may not (porting.services.webhooks.is_public_event says the same of one event)."""
    return (~Q(type="comment.created") | Q(data__public=True)) & ~Q(type__in=DESK_ONLY_EVENT_TYPES)


def public_comments(order: PortOrder) -> QuerySet[Comment]:
    """The order's public comments (the integrator's and the desk's), oldest first; never internal notes."""
    return order.comments.filter(public=True).order_by("pk")


def order_audit(order: PortOrder) -> ChainCheck:
    """The order's hash chain checked, every event included (internal ones are links of the chain too)."""
    return verify_chain(order.events.order_by("sequence", "pk").iterator(chunk_size=2000))


def order_events(order: PortOrder) -> QuerySet[Event]:
    """The order's audit trail as the API shows it, oldest first."""
    return order.events.filter(public_events_q()).order_by("pk")


def events_of_platform(*, platform_id: str, livemode: bool) -> QuerySet[Event]:
    """Every public event of the platform's orders in one mode."""
    return (
        Event.objects.filter(order__account__platform_id=platform_id, order__livemode=livemode)
        .filter(public_events_q())
        .select_related("order")
    )


def event_get(*, platform_id: str, livemode: bool, event_id: str) -> Event:
    event: Event | None = events_of_platform(platform_id=platform_id, livemode=livemode).filter(pk=event_id).first()
    if event is None:
        raise NotFound(f"No such event: {event_id}")
    return event
