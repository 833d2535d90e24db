"""The porting desk's view of the queue: what needs action and the dashboard's figures."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from porting.foc import EASTERN, eastern_today, is_business_day
from porting.models import PortOrder, PortStatus


def subtract_business_days(start: dt.date, count: int) -> dt.date:
    day = start
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def stale_submission_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Orders submitted before this moment have waited N business days for the carrier."""
    now = (now or timezone.now()).astimezone(EASTERN)
    day = subtract_business_days(now.date(), settings.PORTING_DESK_STALE_BUSINESS_DAYS)
    return dt.datetime.combine(day, now.time(), tzinfo=EASTERN)


def focs_due_by(now: dt.datetime | None = None) -> dt.date:
    """FOC dates up to this one are within 48 hours (or overdue)."""
    return ((now or timezone.now()).astimezone(EASTERN) + dt.timedelta(hours=48)).date()


NEEDS_ACTION = {
    "stale": "Submitted, no carrier answer",
    "exception": "Rejected (exception)",
    "foc_soon": "FOC within 48 hours",
}


def needs_action_q(kind: str | None = None, now: dt.datetime | None = None) -> Q:
    parts = {
        "stale": Q(status=PortStatus.SUBMITTED, submitted_at__lt=stale_submission_cutoff(now)),
        "exception": Q(status=PortStatus.EXCEPTION),
        "foc_soon": Q(status=PortStatus.FOC, foc_date__lte=focs_due_by(now)),
    }
    if kind:
        return parts[kind]
    return parts["stale"] | parts["exception"] | parts["foc_soon"]


def dashboard(orders: QuerySet[PortOrder] | None = None) -> dict:
    """Counts by status, the desk's queue, FOCs of the next 7 days, exceptions by rejection code."""
    orders = orders if orders is not None else PortOrder.objects.all()
    today = eastern_today()
    by_status = dict(orders.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "by_status": [(s.value, s.label, by_status.get(s.value, 0)) for s in PortStatus],
        "waiting_on_desk": orders.filter(livemode=True, status=PortStatus.SUBMITTED).count(),
        "needs_action": orders.filter(needs_action_q()).count(),
        "focs_next_7_days": list(
            orders.filter(status=PortStatus.FOC, foc_date__gte=today, foc_date__lte=today + dt.timedelta(days=7))
            .select_related("account").order_by("foc_date", "foc_time")[:25]
        ),
        "exceptions_by_code": list(
            orders.filter(status=PortStatus.EXCEPTION).order_by().values_list("rejection_code")
            .annotate(n=Count("pk")).order_by("-n")
        ),
    }
