"""Celery tasks: load by id, call a service."""
from __future__ import annotations

from celery import shared_task

from porting import services
from porting.carriers import CarrierError


@shared_task(bind=True, autoretry_for=(CarrierError,), retry_backoff=30, retry_backoff_max=3600, max_retries=10)
def port_order_send_to_carrier(self, order_id: str) -> None:  # noqa: ANN001
    services.port_order_send_to_carrier(order_id=order_id)


@shared_task(bind=True, autoretry_for=(CarrierError,), retry_backoff=30, max_retries=10)
def port_order_cancel_at_carrier(self, order_id: str) -> None:  # noqa: ANN001
    services.port_order_cancel_at_carrier(order_id=order_id)


@shared_task
def refresh_open_port_orders() -> int:
    return services.port_orders_refresh_open()


@shared_task
def port_order_generate_loa(order_id: str) -> None:
    services.port_order_generate_loa(order_id=order_id)


@shared_task
def send_approval_request_email(request_id: str, token: str) -> None:
    from porting.emails import approval_request_email

    approval_request_email(request_id=request_id, token=token)


@shared_task
def send_approval_declined_email(request_id: str) -> None:
    from porting.emails import approval_declined_email

    approval_declined_email(request_id=request_id)


@shared_task
def expire_approval_requests() -> int:
    return services.approval_requests_expire_due()
