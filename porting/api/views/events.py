"""GET /v1/port-orders/{id}/events: the order's audit trail."""
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
        responses={200: s.EventListOut, **problems(401, 404, 429)},
        summary="The order's audit trail, oldest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [event_json(e) for e in selectors.order_events(order)]})
