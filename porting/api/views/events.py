"""GET /v1/port-orders/{id}/events: the order's audit trail; GET …/audit: its hash chain checked."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from porting import selectors
from porting.api import serializers as s
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems
from porting.representations import event_json


class PortOrderEventsView(AccountScopedView):
    @extend_schema(
        operation_id="list_port_order_events", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.EventListOut, **problems(400, 401, 404, 429)},
        summary="The order's audit trail, oldest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [event_json(e) for e in selectors.order_events(order)]})


class PortOrderAuditView(AccountScopedView):
    @extend_schema(
        operation_id="check_port_order_audit", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.AuditOut, **problems(400, 401, 404, 429)},
        summary="Check the order's audit chain: valid with its head hash, or where and why it breaks.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        return Response(selectors.order_audit(self.get_order(order_id)).as_json())
