"""Sandbox test helpers: act as the carrier on a test-mode order. Live keys get 404."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from porting import services
from porting.api import serializers as s
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems, validated
from porting.errors import NotFound
from porting.models import ActorType
from porting.representations import port_order_json


class TestHelperView(AccountScopedView):
    """Sandbox controls: act as the carrier on a test-mode order. Live keys get 404."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.client.livemode:
            raise NotFound("Test helpers exist only for test-mode keys (sk_test_…).")

    def carrier(self) -> services.Actor:
        return services.Actor(ActorType.CARRIER, "sandbox")


class TestFocView(TestHelperView):
    @extend_schema(
        operation_id="test_helper_foc", parameters=[ACCOUNT_HEADER_PARAM], request=s.TestFocSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Test mode: the carrier confirms the FOC (default: the requested date and time).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.TestFocSerializer, request.data)
        order = services.port_order_record_foc(order=order, actor=self.carrier(), date=data.get("date"),
                                               time=data.get("time"))
        return Response(port_order_json(order))


class TestRejectView(TestHelperView):
    @extend_schema(
        operation_id="test_helper_reject", parameters=[ACCOUNT_HEADER_PARAM], request=s.TestRejectSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Test mode: the carrier rejects the order.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.TestRejectSerializer, request.data)
        order = services.port_order_record_rejection(order=order, actor=self.carrier(), code=data["code"],
                                                     message=data.get("message", ""))
        return Response(port_order_json(order))


class TestCompleteView(TestHelperView):
    @extend_schema(
        operation_id="test_helper_complete", parameters=[ACCOUNT_HEADER_PARAM], request=None,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Test mode: the carrier completes the port (from foc).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response(port_order_json(services.port_order_complete(order=order, actor=self.carrier())))
