"""Port orders: list, create, retrieve (refreshed from the carrier), update, approve, submit, cancel."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from porting import selectors, services
from porting.api import serializers as s
from porting.api.pagination import cursor_page
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems, validated
from porting.documents import attach_provided_document_types
from porting.representations import port_order_json


class PortOrderListView(AccountScopedView):
    @extend_schema(
        operation_id="list_port_orders", parameters=[ACCOUNT_HEADER_PARAM, s.ListQuerySerializer],
        responses={200: s.PortOrderListOut, **problems(400, 401, 404, 429)},
        summary="List port orders, newest first.",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.ListQuerySerializer, request.query_params.dict())
        orders = selectors.port_orders_of_account(
            account_id=self.account_id, livemode=self.client.livemode, status=query.get("status"),
            phone_number=query.get("phone_number"), customer_reference=query.get("customer_reference"),
            created_after=query.get("created_after"), created_before=query.get("created_before"),
        )
        rows, has_more, next_cursor = cursor_page(orders, limit=query["limit"], cursor=query.get("cursor"))
        attach_provided_document_types(rows)  # the page's requirements in one query, not one per order
        return Response({"data": [port_order_json(o) for o in rows], "has_more": has_more, "next_cursor": next_cursor})

    @extend_schema(
        operation_id="create_port_order", parameters=[ACCOUNT_HEADER_PARAM], request=s.PortOrderCreateSerializer,
        responses={201: s.PortOrderOut, **problems(400, 401, 404, 429)},
        summary="Create a draft port order.",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.PortOrderCreateSerializer, request.data)
        order = services.port_order_create(
            account_id=self.account_id, livemode=self.client.livemode, data=data, actor=self.actor()
        )
        return Response(port_order_json(order), status=status.HTTP_201_CREATED)


class PortOrderDetailView(AccountScopedView):
    @extend_schema(
        operation_id="retrieve_port_order", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.PortOrderOut, **problems(400, 401, 404, 429)},
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
        data = validated(s.CancelSerializer, request.data)
        order = services.port_order_cancel(order=order, actor=self.actor(), reason=data.get("reason", ""))
        return Response(port_order_json(order))
