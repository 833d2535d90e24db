"""Webhook endpoints, their deliveries, and the platform's events feed: request and documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.events import event_fields
from porting.api.serializers.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateTimeField,
    StrictSerializer,
    documented,
    event_glob_field,
    typeid_cursor_field,
    webhook_url_field,
)

EVENT_GLOB_HELP = 'Event types or globs such as "port_order.*"; absent or empty: every event.'


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = webhook_url_field(help_text="https (required for live mode); public hosts only.")
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    enabled_events = serializers.ListField(child=event_glob_field(), required=False,
                                          max_length=100, help_text=EVENT_GLOB_HELP)
    account = StrictCharField(max_length=64, required=False, allow_null=True,
                                    help_text="Only this account's events (acct_…); absent: every account.")


class WebhookEndpointUpdateSerializer(StrictSerializer):
    url = webhook_url_field(required=False)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    enabled_events = serializers.ListField(child=event_glob_field(), required=False,
                                          max_length=100, help_text=EVENT_GLOB_HELP)
    disabled = StrictBooleanField(required=False, help_text="true stops deliveries; false resumes them.")


class RecoverSerializer(StrictSerializer):
    since = StrictDateTimeField(help_text="Re-send every delivery to this endpoint that failed since then.")


class RedeliverSerializer(StrictSerializer):
    endpoint = StrictCharField(max_length=64, required=False,
                                     help_text="One endpoint (we_…); absent: every subscribed endpoint.")


class PageQuerySerializer(StrictSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    cursor = typeid_cursor_field()


class DeliveriesQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=["pending", "succeeded", "failed"], required=False)


class EventsQuerySerializer(PageQuerySerializer):
    type = StrictCharField(max_length=64, required=False, help_text="An event type, or a glob: port_order.*")
    account = StrictCharField(max_length=64, required=False)
    order = StrictCharField(max_length=64, required=False)
    created_after = StrictDateTimeField(required=False)
    created_before = StrictDateTimeField(required=False)


class WebhookEndpointOut(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    object = serializers.CharField()
    url = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    enabled_events = serializers.ListField(child=serializers.CharField())
    account = serializers.CharField(allow_null=True)
    livemode = serializers.BooleanField()
    disabled = serializers.BooleanField()
    disabled_reason = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()
    secret = serializers.CharField(required=False, help_text="whsec_…: only when created or rotated; shown once.")


class DeliveryAttemptOut(serializers.Serializer[dict[str, Any]]):
    at = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField()
    response = serializers.CharField(help_text="The first 500 bytes of the response.")
    error = serializers.CharField()


class WebhookDeliveryOut(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    object = serializers.CharField()
    endpoint = serializers.CharField()
    event = serializers.CharField()
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "succeeded", "failed"])
    attempts = DeliveryAttemptOut(many=True)
    next_attempt_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    finished_at = serializers.CharField(allow_null=True)


FeedEventOut = documented("FeedEventOut", **event_fields(), order_id=serializers.CharField(),
                          account_id=serializers.CharField())


def page_of(name: str, item: Any) -> type[serializers.Serializer[dict[str, Any]]]:
    return documented(name, data=item(many=True), has_more=serializers.BooleanField(),
                      next_cursor=serializers.CharField(allow_null=True))


WebhookEndpointListOut = page_of("WebhookEndpointListOut", WebhookEndpointOut)
WebhookDeliveryListOut = page_of("WebhookDeliveryListOut", WebhookDeliveryOut)
FeedEventListOut = page_of("FeedEventListOut", FeedEventOut)
CountOut = documented("CountOut", count=serializers.IntegerField(help_text="How many deliveries were queued."))


# What each delivery POSTs (headers: webhook-id, webhook-timestamp, webhook-signature).
WebhookPayloadOut = documented(
    "WebhookPayloadOut",
    id=serializers.CharField(help_text="The event id; also the webhook-id header, the same on every retry."),
    type=serializers.CharField(),
    created_at=serializers.CharField(),
    livemode=serializers.BooleanField(),
    account_id=serializers.CharField(allow_null=True),
    sequence=serializers.IntegerField(help_text="1, 2, … per order: discard a delivery older than one you have."),
    data=serializers.DictField(help_text='{"object": the port order as GET returns it (numbers past 100 left '
                                         'out, with numbers_count)}'),
)
