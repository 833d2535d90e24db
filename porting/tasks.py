"""Celery tasks: load by id, call a service or the outbox; never business logic.

Importing this module registers, with ``porting.effects``, the handler of each kind of side effect
and how an outbox row or a batch of carrier polls is handed to the broker, so the services name an
effect and never import this layer. Results are never kept (``CELERY_TASK_IGNORE_RESULT``).
Queues: ``carrier``, ``loa``, ``email``, ``webhooks`` (one worker pool each if you like: a slow
receiver never delays a carrier submit).
"""
from __future__ import annotations

from celery import shared_task

from porting import outbox, services
from porting.effects import Effect, GiveUp, register_dispatcher, register_handler, register_refresh_fanout
from porting.fields import is_unreadable
from porting.models import OutboxMessage
from porting.notifications.emails import approval_request_email, status_email, webhook_disabled_email


@shared_task
def run_outbox_message(message_id: str) -> str:
    """Claim and perform one outbox row (a duplicate delivery finds it claimed or done and does nothing)."""
    return outbox.run(message_id)


@shared_task
def sweep_outbox() -> int:
    """Beat: enqueue due rows that no worker holds (broker down at commit, worker killed, message lost)."""
    return outbox.sweep()


@shared_task
def refresh_open_port_orders() -> int:
    """Beat: poll every order the carriers hold, fanned out in batches."""
    return services.port_orders_refresh_open()


@shared_task
def refresh_port_order_batch(order_ids: list[str]) -> int:
    return services.port_orders_refresh(order_ids=order_ids)


@shared_task
def purge_idempotency_keys() -> int:
    """Beat: forget idempotency keys older than 24 hours."""
    return services.idempotency_records_purge_expired()


@shared_task
def expire_approval_requests() -> int:
    return services.approval_requests_expire_due()


def _send_approval_request_email(message: OutboxMessage) -> None:
    if message.secret is None:
        return  # already sent: the token was purged with the row
    if is_unreadable(message.secret):
        raise GiveUp("The signing token cannot be decrypted with FIELD_ENCRYPTION_KEYS: restore the key, or send "
                     "a new approval request.")
    approval_request_email(request_id=message.target_id, token=message.secret)


register_handler(Effect.CARRIER_SUBMIT, lambda m: services.port_order_send_to_carrier(order_id=m.target_id))
register_handler(Effect.CARRIER_CANCEL, lambda m: services.port_order_cancel_at_carrier(order_id=m.target_id))
register_handler(Effect.LOA_RENDER, lambda m: services.port_order_generate_loa(order_id=m.target_id))
register_handler(Effect.APPROVAL_REQUEST_EMAIL, _send_approval_request_email)
register_handler(Effect.DOCUMENT_FILE_DELETE, lambda m: services.document_file_remove(document_id=m.target_id))
register_handler(Effect.STATUS_EMAIL, lambda m: status_email(event_id=m.target_id, audience=m.payload["audience"]))
register_handler(Effect.WEBHOOK_DELIVERY, lambda m: services.webhook_deliver(message=m))
register_handler(Effect.WEBHOOK_DISABLED_EMAIL, lambda m: webhook_disabled_email(endpoint_id=m.target_id))
register_dispatcher(
    lambda message_id, queue, countdown: run_outbox_message.apply_async(
        (message_id,), queue=queue, countdown=countdown or 0
    )
)
register_refresh_fanout(lambda order_ids: refresh_port_order_batch.apply_async((order_ids,), queue="carrier"))
