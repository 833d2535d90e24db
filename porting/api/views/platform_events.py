"""The platform-wide events feed (GET /v1/events), one event, and its redelivery to webhook endpoints."""
from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from porting import selectors, services
from porting.api import serializers as s
from porting.api.pagination import cursor_page
from porting.api.views.base import ApiView, problems, validated
from porting.representations import feed_event_json


class EventFeedView(ApiView):
    @extend_schema(
        operation_id="list_events", parameters=[s.EventsQuerySerializer],
        responses={200: s.FeedEventListOut, **problems(400, 401, 429)},
        summary="Every event of the platform's orders in this mode, newest first: catch up on missed webhooks.",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.EventsQuerySerializer, request.query_params.dict())
        events = selectors.events_of_platform(platform_id=self.client.platform_id, livemode=self.client.livemode)
        if query.get("type"):  # a type, or a glob: "port_order.*"
            pattern = "^" + ".*".join(re.escape(part) for part in query["type"].split("*")) + "$"
            events = events.filter(type__regex=pattern)
        if query.get("account"):
            events = events.filter(order__account_id=query["account"])
        if query.get("order"):
            events = events.filter(order_id=query["order"])
        if query.get("created_after"):
            events = events.filter(created_at__gt=query["created_after"])
        if query.get("created_before"):
            events = events.filter(created_at__lt=query["created_before"])
        rows, has_more, cursor = cursor_page(events, limit=query["limit"], cursor=query.get("cursor"))
        return Response({"data": [feed_event_json(e) for e in rows], "has_more": has_more, "next_cursor": cursor})


class EventDetailView(ApiView):
    @extend_schema(operation_id="get_event", responses={200: s.FeedEventOut, **problems(401, 404, 429)},
                   summary="One event of the platform's orders.")
    def get(self, request: Request, event_id: str) -> Response:
        return Response(feed_event_json(selectors.event_get(
            platform_id=self.client.platform_id, livemode=self.client.livemode, event_id=event_id)))


class EventRedeliverView(ApiView):
    @extend_schema(operation_id="redeliver_event", request=s.RedeliverSerializer,
                   responses={202: s.CountOut, **problems(400, 401, 404, 429)},
                   summary="Send the event again to every subscribed endpoint, or to one.")
    def post(self, request: Request, event_id: str) -> Response:
        event = selectors.event_get(platform_id=self.client.platform_id, livemode=self.client.livemode,
                                    event_id=event_id)
        data = validated(s.RedeliverSerializer, request.data)
        endpoint_id = data.get("endpoint")
        if endpoint_id:
            selectors.webhook_endpoint_get(platform_id=self.client.platform_id, livemode=self.client.livemode,
                                           endpoint_id=endpoint_id)
        count = services.event_redeliver(event=event, endpoint_id=endpoint_id)
        return Response({"count": count}, status=status.HTTP_202_ACCEPTED)
