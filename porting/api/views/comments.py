"""POST/GET /v1/port-orders/{id}/comments: the conversation with the porting desk about one order."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from porting import selectors, services
from porting.api import serializers as s
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems, validated
from porting.representations import comment_json


class PortOrderCommentsView(AccountScopedView):
    @extend_schema(
        operation_id="list_port_order_comments", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.CommentListOut, **problems(400, 401, 404, 429)},
        summary="The order's public comments, yours and the porting desk's, oldest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [comment_json(c) for c in selectors.public_comments(order)]})

    @extend_schema(
        operation_id="create_port_order_comment", parameters=[ACCOUNT_HEADER_PARAM], request=s.CommentCreateSerializer,
        responses={201: s.CommentOut, **problems(400, 401, 404, 429)},
        summary="Write to the porting desk about this order (answers an action_required).",
    )
    def post(self, request: Request, order_id: str) -> Response:
        data = validated(s.CommentCreateSerializer, request.data)
        comment = services.port_order_comment_from_api(
            order=self.get_order(order_id), api_key=self.client.key, actor=self.actor(), body=data["body"],
        )
        return Response(comment_json(comment), status=status.HTTP_201_CREATED)
