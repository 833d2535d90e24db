"""API views: parse input, call one service, render (STYLE rule 4)."""
from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from porting import services
from porting.api import serializers as s
from porting.api.pagination import cursor_page
from porting.api.representations import (
    approval_request_json,
    event_json,
    non_portable_json,
    port_order_json,
    portable_json,
)
from porting.eligibility import check_eligibility
from porting.errors import NotFound, ValidationFailed, field_error
from porting.loa import pdf_response
from porting.models import ActorType, Platform, PortOrder, PortOrderNumber

PROBLEM = "application/problem+json"
PARTIAL_NUMBER_RE = re.compile(r"^\+?[0-9]{1,15}$")
ACCOUNT_HEADER_PARAM = OpenApiParameter(
    name=settings.PORTING_ACCOUNT_HEADER, location=OpenApiParameter.HEADER, required=True,
    description="The account (acct_…) the request acts for.",
)


def problems(*codes: int) -> dict:
    """Documented problem responses for ``extend_schema``."""
    return {(code, PROBLEM): OpenApiResponse(s.ProblemOut, description="Problem details (RFC 9457)") for code in codes}


def validated(serializer_class: type, data: Any) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ApiView(APIView):
    """Base view: the caller is an API key (``request.user`` is an ``ApiClient``)."""

    def actor(self) -> services.Actor:
        return services.Actor(ActorType.API_KEY, self.request.user.actor_id)


class AccountScopedView(ApiView):
    """Requires the account header, verified against the key's platform: tenancy is enforced here.

    Authentication checks the header's account in the key's own query; an account of another
    platform is as unknown as one that does not exist.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        header = settings.PORTING_ACCOUNT_HEADER
        account_id = request.headers.get(header, "").strip()
        if not account_id:
            raise ValidationFailed(f"The {header} header is required for this endpoint.", code="account_header_missing")
        if request.user.account_id != account_id:
            raise NotFound(f"No such account: {account_id}")
        self.account_id = account_id

    def get_order(self, order_id: str) -> PortOrder:
        return services.port_order_get(
            account_id=self.account_id, livemode=self.request.user.livemode, order_id=order_id
        )


class EligibilityView(ApiView):
    @extend_schema(
        operation_id="check_port_in_eligibility", request=s.EligibilityRequestSerializer,
        responses={200: s.EligibilityOut, **problems(400, 401, 429)},
        summary="Check which numbers can be ported in (platform-scoped, no account header).",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.EligibilityRequestSerializer, request.data)
        result = check_eligibility(data["phone_numbers"], livemode=request.user.livemode)
        return Response({
            "portable_numbers": [portable_json(r) for r in result.portable],
            "non_portable_numbers": [non_portable_json(r) for r in result.non_portable],
        })


class PortOrderListView(AccountScopedView):
    @extend_schema(
        operation_id="list_port_orders", parameters=[ACCOUNT_HEADER_PARAM, s.ListQuerySerializer],
        responses={200: s.PortOrderListOut, **problems(400, 401, 404, 429)},
        summary="List port orders, newest first.",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.ListQuerySerializer, request.query_params.dict())
        orders = PortOrder.objects.filter(account_id=self.account_id, livemode=request.user.livemode)
        if "status" in query:
            orders = orders.filter(status=query["status"])
        if "phone_number" in query:
            orders = orders.filter(pk__in=Subquery(_numbers_matching(query["phone_number"]).values("order_id")))
        rows, has_more, next_cursor = cursor_page(
            orders.prefetch_related("numbers"), limit=query["limit"], cursor=query.get("cursor")
        )
        return Response({"data": [port_order_json(o) for o in rows], "has_more": has_more, "next_cursor": next_cursor})

    @extend_schema(
        operation_id="create_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=s.PortOrderCreateSerializer,
        responses={201: s.PortOrderOut, **problems(400, 401, 404, 429)},
        summary="Create a draft port order.",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.PortOrderCreateSerializer, request.data)
        order = services.port_order_create(
            account_id=self.account_id, livemode=request.user.livemode, data=data, actor=self.actor()
        )
        return Response(port_order_json(order), status=status.HTTP_201_CREATED)


def _numbers_matching(text: str):  # noqa: ANN202 - a queryset
    if not PARTIAL_NUMBER_RE.match(text):
        raise ValidationFailed(
            "phone_number must be an E.164 number or a part of one (digits).",
            errors=[field_error("/phone_number", "Digits only, optionally starting with +.")],
        )
    numbers = PortOrderNumber.objects.order_by()
    if text.startswith("+") and len(text) >= 11:
        return numbers.filter(phone_number=text)
    return numbers.filter(phone_number__contains=text)


class PortOrderDetailView(AccountScopedView):
    @extend_schema(
        operation_id="retrieve_port_order", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.PortOrderOut, **problems(401, 404, 429)},
        summary="Get a port order; a non-terminal order is refreshed from its carrier first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = services.port_order_refresh(order=self.get_order(order_id))
        return Response(port_order_json(order))

    @extend_schema(
        operation_id="update_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=s.PortOrderUpdateSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Update a port order (merge). An approved order returns to draft.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.PortOrderUpdateSerializer, request.data)
        return Response(port_order_json(services.port_order_update(order=order, data=data, actor=self.actor())))


class PortOrderApproveView(AccountScopedView):
    @extend_schema(
        operation_id="approve_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=s.ApproveSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Record the customer's approval (electronic signature and IP).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.ApproveSerializer, request.data)
        order = services.port_order_approve(
            order=order, signature=data["signature"], ip=data["ip"], user_agent=data.get("user_agent", ""),
            actor=self.actor(),
        )
        return Response(port_order_json(order))


class PortOrderSubmitView(AccountScopedView):
    @extend_schema(
        operation_id="submit_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=None,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 422, 429)},
        summary="Submit an approved order to the carrier.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response(port_order_json(services.port_order_submit(order=order, actor=self.actor())))


class PortOrderCancelView(AccountScopedView):
    @extend_schema(
        operation_id="cancel_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=s.CancelSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409, 429)},
        summary="Cancel an order that is not complete or cancelled.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.CancelSerializer, request.data or {})
        order = services.port_order_cancel(order=order, actor=self.actor(), reason=data.get("reason", ""))
        return Response(port_order_json(order))


class PortOrderEventsView(AccountScopedView):
    @extend_schema(
        operation_id="list_port_order_events", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.EventListOut, **problems(401, 404, 429)},
        summary="The order's audit trail, oldest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [event_json(e) for e in order.events.order_by("pk")]})


class TestHelperView(AccountScopedView):
    """Sandbox controls: act as the carrier on a test-mode order. Live keys get 404."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.user.livemode:
            raise NotFound("Test helpers exist only for test-mode keys (sk_test_…).")

    def carrier(self) -> services.Actor:
        return services.Actor(ActorType.CARRIER, "sandbox")


class TestFocView(TestHelperView):
    @extend_schema(
        operation_id="test_helper_foc", parameters=[ACCOUNT_HEADER_PARAM], request=s.TestFocSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409)},
        summary="Test mode: the carrier confirms the FOC (default: the requested date and time).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.TestFocSerializer, request.data or {})
        order = services.port_order_record_foc(order=order, actor=self.carrier(), date=data.get("date"),
                                               time=data.get("time"))
        return Response(port_order_json(order))


class TestRejectView(TestHelperView):
    @extend_schema(
        operation_id="test_helper_reject", parameters=[ACCOUNT_HEADER_PARAM], request=s.TestRejectSerializer,
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 409)},
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
        responses={200: s.PortOrderOut, **problems(401, 404, 409)},
        summary="Test mode: the carrier completes the port (from foc).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response(port_order_json(services.port_order_complete(order=order, actor=self.carrier())))


class PDFRenderer(BaseRenderer):
    """Lets clients ask for ``application/pdf``; problem bodies still render as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class PortOrderLoaView(AccountScopedView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="download_port_order_loa", parameters=[ACCOUNT_HEADER_PARAM],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed LOA"),
                   **problems(401, 404, 429)},
        summary="Download the signed Letter of Authorization (PDF); 404 until the order is approved.",
    )
    def get(self, request: Request, order_id: str) -> HttpResponse:
        loa = services.port_order_current_loa(order=self.get_order(order_id))
        return pdf_response(bytes(loa.pdf), f"loa-{order_id}.pdf")


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
        platform = Platform.objects.filter(pk=request.user.platform_id).values_list("notification_email", flat=True)
        approval, _ = services.approval_request_create(
            order=order, email=data["email"], name=data.get("name", ""), actor=self.actor(),
            requester_email=platform.first() or "",
        )
        return Response(approval_request_json(approval), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="list_approval_requests", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.ApprovalRequestListOut, **problems(401, 404, 429)},
        summary="The order's approval requests, newest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [approval_request_json(a) for a in order.approval_requests.order_by("-pk")]})
