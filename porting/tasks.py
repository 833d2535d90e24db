"""Celery tasks: load by id, call a service; never business logic.

Importing this module registers each task as the runner of its ``porting.effects.Effect``, so the
services name an effect and never import this layer.
"""
from __future__ import annotations

from celery import Task, shared_task

from porting import services
from porting.carriers import CarrierError
from porting.effects import Effect, register
from porting.notifications.emails import approval_declined_email, approval_request_email


@shared_task(bind=True, autoretry_for=(CarrierError,), retry_backoff=30, retry_backoff_max=3600, max_retries=10)
def port_order_send_to_carrier(self: Task, order_id: str) -> None:
    services.port_order_send_to_carrier(order_id=order_id)


@shared_task(bind=True, autoretry_for=(CarrierError,), retry_backoff=30, max_retries=10)
def port_order_cancel_at_carrier(self: Task, order_id: str) -> None:
    services.port_order_cancel_at_carrier(order_id=order_id)


@shared_task
def refresh_open_port_orders() -> int:
    return services.port_orders_refresh_open()


@shared_task
def port_order_generate_loa(order_id: str) -> None:
    services.port_order_generate_loa(order_id=order_id)


@shared_task
def send_approval_request_email(request_id: str, token: str) -> None:
    approval_request_email(request_id=request_id, token=token)


@shared_task
def send_approval_declined_email(request_id: str) -> None:
    approval_declined_email(request_id=request_id)


@shared_task
def expire_approval_requests() -> int:
    return services.approval_requests_expire_due()


register(Effect.CARRIER_SUBMIT, port_order_send_to_carrier.delay)
register(Effect.CARRIER_CANCEL, port_order_cancel_at_carrier.delay)
register(Effect.LOA_RENDER, port_order_generate_loa.delay)
register(Effect.APPROVAL_REQUEST_EMAIL, send_approval_request_email.delay)
register(Effect.APPROVAL_DECLINED_EMAIL, send_approval_declined_email.delay)
