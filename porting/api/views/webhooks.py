"""Webhook endpoints (platform-scoped: the key's platform and mode, no account header) and their delivery log."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiCallback, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from porting import selectors, services
from porting.api import serializers as s
from porting.api.pagination import cursor_page
from porting.api.views.base import ApiView, problems, validated
from porting.models import WebhookEndpoint
from porting.representations import webhook_delivery_json, webhook_endpoint_json

DELIVERY_HEADERS = [
    OpenApiParameter("webhook-id", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="The event id (evt_…), the same on every retry: deduplicate on it."),
    OpenApiParameter("webhook-timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="Unix seconds when this attempt was signed."),
    OpenApiParameter("webhook-signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="Space-separated v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\"> keyed with "
                                 "the secret's base64-decoded bytes (two during a rotation). Verify with the "
                                 "standardwebhooks package: Webhook(secret).verify(body, headers)."),
]
EVENT_DELIVERY = OpenApiCallback(
    "event", "{$request.body#/url}",
    extend_schema(
        request=s.WebhookPayloadOut, parameters=DELIVERY_HEADERS,
        responses={200: OpenApiResponse(description="Any 2xx acknowledges; anything else is retried (410 disables "
                                                    "the endpoint, 429/503 Retry-After is honoured).")},
        summary="A delivery: an event of the platform's orders (at least once, possibly out of order).",
    ),
)


class WebhookEndpointView(ApiView):
    """Shared lookups: an endpoint of the key's platform and mode, or 404."""

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        return selectors.webhook_endpoint_get(platform_id=self.client.platform_id, livemode=self.client.livemode,
                                              endpoint_id=endpoint_id)


class WebhookEndpointListView(WebhookEndpointView):
    @extend_schema(
        operation_id="list_webhook_endpoints", parameters=[s.PageQuerySerializer],
        responses={200: s.WebhookEndpointListOut, **problems(400, 401, 429)},
        summary="The platform's webhook endpoints in this mode, newest first.",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.PageQuerySerializer, request.query_params.dict())
        endpoints = selectors.webhook_endpoints_of(platform_id=self.client.platform_id, livemode=self.client.livemode)
        rows, has_more, cursor = cursor_page(endpoints, limit=query["limit"], cursor=query.get("cursor"))
        return Response({"data": [webhook_endpoint_json(e) for e in rows], "has_more": has_more, "next_cursor": cursor})

    @extend_schema(
        operation_id="create_webhook_endpoint", request=s.WebhookEndpointCreateSerializer,
        responses={201: s.WebhookEndpointOut, **problems(400, 401, 429)},
        summary="Add an endpoint; the answer carries its signing secret (whsec_…), shown once.",
        callbacks=[EVENT_DELIVERY],
        description="Deliveries follow Standard Webhooks: headers webhook-id, webhook-timestamp and "
                    "webhook-signature (v1,<base64 HMAC-SHA256 of id.timestamp.body>); see the "
                    "WebhookPayloadOut schema for the body.",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.WebhookEndpointCreateSerializer, request.data)
        endpoint, secret = services.webhook_endpoint_create(
            platform_id=self.client.platform_id, livemode=self.client.livemode, url=data["url"],
            description=data.get("description", ""), enabled_events=data.get("enabled_events"),
            account_id=data.get("account"),
        )
        return Response(webhook_endpoint_json(endpoint, secret=secret), status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(WebhookEndpointView):
    @extend_schema(operation_id="get_webhook_endpoint",
                   responses={200: s.WebhookEndpointOut, **problems(401, 404, 429)},
                   summary="One webhook endpoint (the secret is never shown again).")
    def get(self, request: Request, endpoint_id: str) -> Response:
        return Response(webhook_endpoint_json(self.get_endpoint(endpoint_id)))

    @extend_schema(
        operation_id="update_webhook_endpoint", request=s.WebhookEndpointUpdateSerializer,
        responses={200: s.WebhookEndpointOut, **problems(400, 401, 404, 429)},
        summary="Change the URL, the events or the description, or disable / enable the endpoint.",
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.get_endpoint(endpoint_id)
        data = validated(s.WebhookEndpointUpdateSerializer, request.data)
        return Response(webhook_endpoint_json(services.webhook_endpoint_update(endpoint=endpoint, data=data)))

    @extend_schema(operation_id="delete_webhook_endpoint",
                   responses={204: OpenApiResponse(description="Deleted."), **problems(401, 404, 429)},
                   summary="Delete the endpoint: nothing more is sent to it.")
    def delete(self, request: Request, endpoint_id: str) -> Response:
        services.webhook_endpoint_delete(endpoint=self.get_endpoint(endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateView(WebhookEndpointView):
    @extend_schema(operation_id="rotate_webhook_endpoint_secret", request=None,
                   responses={200: s.WebhookEndpointOut, **problems(401, 404, 429)},
                   summary="A new secret (shown once); the old one also signs for 24 hours.")
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint, secret = services.webhook_endpoint_rotate_secret(endpoint=self.get_endpoint(endpoint_id))
        return Response(webhook_endpoint_json(endpoint, secret=secret))


class WebhookEndpointTestView(WebhookEndpointView):
    @extend_schema(operation_id="test_webhook_endpoint", request=None,
                   responses={202: s.WebhookDeliveryOut, **problems(401, 404, 409, 429)},
                   summary="Send a webhook_endpoint.test event to this endpoint only.")
    def post(self, request: Request, endpoint_id: str) -> Response:
        delivery = services.webhook_endpoint_test(endpoint=self.get_endpoint(endpoint_id))
        delivery.refresh_from_db()
        return Response(webhook_delivery_json(delivery), status=status.HTTP_202_ACCEPTED)


class WebhookEndpointDeliveriesView(WebhookEndpointView):
    @extend_schema(
        operation_id="list_webhook_deliveries", parameters=[s.DeliveriesQuerySerializer],
        responses={200: s.WebhookDeliveryListOut, **problems(400, 401, 404, 429)},
        summary="The endpoint's deliveries, newest first, with every attempt.",
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.get_endpoint(endpoint_id)
        query = validated(s.DeliveriesQuerySerializer, request.query_params.dict())
        deliveries = endpoint.deliveries.select_related("outbox_message")
        if query.get("status"):
            deliveries = deliveries.filter(status=query["status"])
        rows, has_more, cursor = cursor_page(deliveries, limit=query["limit"], cursor=query.get("cursor"))
        data = [webhook_delivery_json(d, d.outbox_message.due_at if d.outbox_message else None) for d in rows]
        return Response({"data": data, "has_more": has_more, "next_cursor": cursor})


class WebhookEndpointRecoverView(WebhookEndpointView):
    @extend_schema(operation_id="recover_webhook_endpoint", request=s.RecoverSerializer,
                   responses={202: s.CountOut, **problems(400, 401, 404, 409, 429)},
                   summary="Re-send every delivery to this endpoint that failed since a time.")
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.get_endpoint(endpoint_id)
        data = validated(s.RecoverSerializer, request.data)
        count = services.webhook_endpoint_recover(endpoint=endpoint, since=data["since"])
        return Response({"count": count}, status=status.HTTP_202_ACCEPTED)
