"""POST/GET /v1/port-orders/{id}/approval-requests: emailed signing links."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from porting import services
from porting.api import serializers as s
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems, validated
from porting.representations import approval_request_json


class ApprovalRequestsView(AccountScopedView):
    @extend_schema(
        operation_id="create_approval_request", parameters=[ACCOUNT_HEADER_PARAM],
        request=s.ApprovalRequestCreateSerializer,
        responses={201: s.ApprovalRequestOut, **problems(400, 401, 404, 409, 429)},
        summary="Email the customer a link to review and sign a complete draft order.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.ApprovalRequestCreateSerializer, request.data)
        approval, _ = services.approval_request_create(
            order=order, email=data["email"], name=data.get("name", ""), actor=self.actor(),
        )
        return Response(approval_request_json(approval), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="list_approval_requests", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.ApprovalRequestListOut, **problems(400, 401, 404, 429)},
        summary="The order's approval requests, newest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [approval_request_json(a) for a in order.approval_requests.order_by("-pk")]})
