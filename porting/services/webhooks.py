"""Webhooks: a platform's endpoints, the fan-out of each event to them (one outbox row per delivery),
the delivery itself with its outcome, and redelivery and recovery.

Deliveries are at least once and may arrive out of order: each carries the event's ``sequence``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from porting import outbox
from porting.effects import Effect, RetryLater
from porting.errors import InvalidState, ValidationFailed, field_error
from porting.fields import is_unreadable, new_typeid
from porting.formatting import utc_timestamp
from porting.models import (
    Account,
    Event,
    OutboxMessage,
    PortOrder,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from porting.models.audit import DESK_ONLY_EVENT_TYPES
from porting.notifications.webhooks import UnsafeUrl, event_body, new_secret, post_json, resolve_safely, test_body
from porting.notifications.webhooks import signed_headers as webhook_headers

ROTATION_OVERLAP = dt.timedelta(hours=24)
DISABLE_AFTER_FAILING = dt.timedelta(days=5)
# Internal desk notes are never delivered (DESIGN §5); everything else about an order is.
DELIVERED_PREFIXES = ("port_order.", "approval_request.", "loa.", "comment.", "document.")


def is_public_event(event_type: str, data: dict[str, Any]) -> bool:
    """Whether an event may leave the desk (API feed, webhooks): internal notes and the desk's reveal of
    secrets may not."""
    if (event_type == "comment.created" and not data.get("public")) or event_type in DESK_ONLY_EVENT_TYPES:
        return False
    return event_type.startswith(DELIVERED_PREFIXES)



# --- endpoints -----------------------------------------------------------------------------------
def _check_url(url: str, livemode: bool) -> None:
    try:
        resolve_safely(url, livemode=livemode)
    except UnsafeUrl as exc:
        raise ValidationFailed(str(exc), errors=[field_error("/url", str(exc))])


def _check_events(patterns: list[str]) -> None:
    for i, pattern in enumerate(patterns):
        if not pattern or len(pattern) > 100 or not all(c.isalnum() or c in "._*" for c in pattern):
            hint = 'Use an event type or a glob such as "port_order.*".'
            raise ValidationFailed("An event type or glob is not valid.",
                                   errors=[field_error(f"/enabled_events/{i}", hint)])


def webhook_endpoint_create(
    *, platform_id: str, livemode: bool, url: str, description: str = "", enabled_events: list[str] | None = None,
    account_id: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (returned once); ``account_id`` must be one of the platform's accounts."""
    if account_id and not Account.objects.filter(pk=account_id, platform_id=platform_id).exists():
        raise ValidationFailed(f"No such account: {account_id}", errors=[field_error("/account", "Unknown account.")])
    _check_url(url, livemode)
    _check_events(enabled_events or [])
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        platform_id=platform_id, livemode=livemode, url=url, description=description,
        enabled_events=enabled_events or [], account_id=account_id, secret=secret,
    )
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, data: dict[str, Any]) -> WebhookEndpoint:
    """Change the URL, events, description, or disable / enable (merge: absent keys stay)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if "url" in data:
            _check_url(data["url"], endpoint.livemode)
            endpoint.url = data["url"]
        if "enabled_events" in data:
            _check_events(data["enabled_events"])
            endpoint.enabled_events = data["enabled_events"]
        if "description" in data:
            endpoint.description = data["description"]
        if "disabled" in data:
            if data["disabled"] and endpoint.disabled_at is None:
                endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), "disabled by the platform"
            elif not data["disabled"]:
                endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
        endpoint.updated_at = timezone.now()
        endpoint.save()
    return endpoint


def webhook_endpoint_set_disabled(*, endpoint: WebhookEndpoint, disabled: bool, reason: str) -> WebhookEndpoint:
    """The desk's disable / enable."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.disabled_at = timezone.now() if disabled else None
        endpoint.disabled_reason = reason if disabled else ""
        endpoint.failing_since = None
        endpoint.save(update_fields=["disabled_at", "disabled_reason", "failing_since"])
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Deleted endpoints receive nothing more; their delivery log stays for the desk."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(deleted_at=timezone.now(), disabled_at=timezone.now(),
                                                          disabled_reason="deleted")


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new secret; the old one keeps signing (a second signature) for 24 hours."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        secret = new_secret()
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
        endpoint.secret = secret
        endpoint.updated_at = timezone.now()
        endpoint.save()
    return endpoint, secret


def _deliver_later(endpoint: WebhookEndpoint, *, event: Event | None, message_id: str, event_type: str, body: str,
                   order: PortOrder | None) -> WebhookDelivery:
    delivery_id = new_typeid("whd")  # known before the insert, so the outbox row can name it: two INSERTs
    message = outbox.put(Effect.WEBHOOK_DELIVERY, target_id=delivery_id, order=order)
    return WebhookDelivery.objects.create(id=delivery_id, endpoint=endpoint, event=event, event_id_sent=message_id,
                                          event_type=event_type, body=body, outbox_message=message)


def webhook_endpoint_test(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``webhook_endpoint.test`` event to this endpoint only."""
    if endpoint.disabled_at:
        raise InvalidState("This endpoint is disabled; enable it first.")
    message_id = new_typeid("evt")
    with transaction.atomic():
        return _deliver_later(endpoint, event=None, message_id=message_id, event_type="webhook_endpoint.test",
                              body=test_body(message_id, endpoint, utc_timestamp(timezone.now()) or ""), order=None)


def _subscribed(event: Event, order: PortOrder, endpoint_id: str | None = None) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(
        Q(account__isnull=True) | Q(account_id=order.account_id),
        platform__accounts=order.account_id, livemode=order.livemode, disabled_at__isnull=True,
    )
    if endpoint_id:
        endpoints = endpoints.filter(pk=endpoint_id)
    return [e for e in endpoints if e.subscribes_to(event.type)]


def webhook_deliveries_create(event: Event, order: PortOrder, *, endpoint_id: str | None = None) -> int:
    """Fan an event out: one delivery (and its outbox row) per subscribed endpoint. In the caller's transaction."""
    if not is_public_event(event.type, event.data):
        return 0
    endpoints = _subscribed(event, order, endpoint_id)
    if not endpoints:
        return 0
    body = event_body(event, PortOrder.objects.prefetch_related("numbers").get(pk=order.pk))
    for endpoint in endpoints:
        _deliver_later(endpoint, event=event, message_id=event.pk, event_type=event.type, body=body, order=order)
    return len(endpoints)


def event_redeliver(*, event: Event, endpoint_id: str | None = None) -> int:
    """Send an event again, to every subscribed endpoint or to one; returns how many deliveries."""
    with transaction.atomic():
        count = webhook_deliveries_create(event, event.order, endpoint_id=endpoint_id)
    if endpoint_id and not count:
        raise ValidationFailed("That endpoint does not receive this event (disabled, or not subscribed).",
                               errors=[field_error("/endpoint", "Not subscribed to this event.")])
    return count


def webhook_endpoint_recover(*, endpoint: WebhookEndpoint, since: dt.datetime) -> int:
    """Send again every delivery to this endpoint that failed since ``since``; returns how many."""
    if endpoint.disabled_at:
        raise InvalidState("This endpoint is disabled; enable it first.")
    failed = endpoint.deliveries.filter(status=WebhookDeliveryStatus.FAILED, created_at__gte=since).order_by("pk")
    count = 0
    with transaction.atomic():
        for old in failed.select_related("event__order"):
            order = old.event.order if old.event else None
            _deliver_later(endpoint, event=old.event, message_id=old.event_id_sent, event_type=old.event_type,
                           body=old.body, order=order)
            count += 1
    return count


# --- the delivery (the outbox's handler) -----------------------------------------------------------
def _end(delivery: WebhookDelivery, *, succeeded: bool) -> None:
    """Record the outcome with the attempts, in one UPDATE. Only this delivery's outbox row (claimed by one
    worker at a time) ever changes it: redelivery and recovery make new deliveries."""
    if succeeded:
        delivery.succeed(at=timezone.now())
    else:
        delivery.fail(at=timezone.now())
    delivery.save(update_fields=["status", "finished_at", "attempts"])


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    with transaction.atomic():
        changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
            disabled_at=timezone.now(), disabled_reason=reason)
        if changed:
            outbox.put(Effect.WEBHOOK_DISABLED_EMAIL, target_id=endpoint.pk)


def webhook_deliver(*, message: OutboxMessage) -> None:
    """POST one delivery. 2xx: succeeded. 410: failed and the endpoint disabled. Otherwise raise, so the
    outbox retries on the webhook schedule (honouring Retry-After); the last attempt marks it failed.
    An endpoint that has failed for 5 days is disabled and its platform emailed."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=message.target_id).first()
    if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
        return
    endpoint = delivery.endpoint
    if endpoint.disabled_at is not None:
        _add_attempt(delivery, None, 0, "", f"not sent: the endpoint is disabled ({endpoint.disabled_reason})")
        _end(delivery, succeeded=False)
        return
    secrets = [secret for secret in endpoint.signing_secrets() if not is_unreadable(secret)]
    if not secrets:  # never sign with a placeholder: the receiver would reject it anyway
        _add_attempt(delivery, None, 0, "", "not sent: the endpoint's signing secret cannot be decrypted with "
                                            "FIELD_ENCRYPTION_KEYS (restore the key, or rotate the secret)")
        _end(delivery, succeeded=False)
        return
    headers = webhook_headers(secrets, delivery.event_id_sent, delivery.body)
    result = post_json(endpoint.url, delivery.body, headers, livemode=endpoint.livemode)
    _add_attempt(delivery, result.status, result.duration_ms, result.response_excerpt, result.error)
    if result.status is not None and 200 <= result.status < 300:
        _end(delivery, succeeded=True)
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return
    if result.status == 410:
        _end(delivery, succeeded=False)
        _disable(endpoint, "the endpoint answered 410 Gone")
        return
    now = timezone.now()
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        endpoint.refresh_from_db(fields=["failing_since"])
    if endpoint.failing_since and now - endpoint.failing_since >= DISABLE_AFTER_FAILING:
        _end(delivery, succeeded=False)
        _disable(endpoint, "every delivery failed for 5 days")
        return
    if outbox.is_last_attempt(message):
        _end(delivery, succeeded=False)
        return
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts)  # pending: retried
    problem = result.error or f"HTTP {result.status}"
    if result.status in (429, 503) and result.retry_after is not None:
        raise RetryLater(f"{problem}; Retry-After {result.retry_after:.0f} s", result.retry_after)
    raise RuntimeError(problem)


def _add_attempt(delivery: WebhookDelivery, status: int | None, duration_ms: int, excerpt: str, error: str) -> None:
    """Append an attempt to the delivery in memory; it is saved with the outcome (or before a retry)."""
    attempt = {"at": utc_timestamp(timezone.now()), "status_code": status, "duration_ms": duration_ms,
               "response": excerpt, "error": error}
    delivery.attempts = [*delivery.attempts, attempt]
