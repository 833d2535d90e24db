"""The only code that creates or changes state (STYLE rules 1-3), one module per area.

Callers use the package: ``services.port_order_submit(order=…, actor=…)``. Every function is
atomic, takes keyword-only arguments, checks what it must, and writes the audit event in the same
transaction; side effects are named for after the commit (``porting.effects``).
"""
from __future__ import annotations

from porting.services.api_keys import api_key_create, api_key_revoke, idempotency_records_purge_expired
from porting.services.approval_requests import (
    ESIGN_CONSENT_VERSION,
    approval_request_create,
    approval_request_decline,
    approval_request_sign,
    approval_request_viewed,
    approval_requests_expire_due,
)
from porting.services.audit import SYSTEM, Actor
from porting.services.carrier_outcomes import (
    port_order_cancel_at_carrier,
    port_order_complete,
    port_order_record_foc,
    port_order_record_rejection,
    port_order_refresh,
    port_order_send_to_carrier,
    port_orders_refresh,
    port_orders_refresh_open,
)
from porting.services.comments import port_order_comment, port_order_comment_from_api
from porting.services.desk import (
    DESK_ACTIONS,
    DeskAction,
    desk_actions_allowed,
    outbox_message_retry,
    port_order_desk_action,
    port_order_desk_losing_carrier,
    port_order_reveal_secrets,
    staff_actor,
)
from porting.services.documents import (
    approval_request_document_attach,
    document_file_remove,
    port_order_document_attach,
    port_order_document_delete,
)
from porting.services.loa import port_order_current_loa, port_order_generate_loa
from porting.services.orders import (
    port_order_approve,
    port_order_cancel,
    port_order_create,
    port_order_losing_carrier_confirm,
    port_order_submit,
    port_order_update,
)
from porting.services.webhooks import (
    event_redeliver,
    webhook_deliver,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_recover,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_set_disabled,
    webhook_endpoint_test,
    webhook_endpoint_update,
)

__all__ = [
    "document_file_remove",
    "DESK_ACTIONS",
    "ESIGN_CONSENT_VERSION",
    "SYSTEM",
    "Actor",
    "DeskAction",
    "api_key_create",
    "api_key_revoke",
    "approval_request_create",
    "approval_request_decline",
    "approval_request_document_attach",
    "approval_request_sign",
    "approval_request_viewed",
    "approval_requests_expire_due",
    "desk_actions_allowed",
    "idempotency_records_purge_expired",
    "outbox_message_retry",
    "port_order_approve",
    "port_order_cancel",
    "port_order_cancel_at_carrier",
    "port_order_comment",
    "port_order_comment_from_api",
    "port_order_complete",
    "port_order_create",
    "port_order_current_loa",
    "port_order_desk_action",
    "port_order_document_attach",
    "port_order_document_delete",
    "port_order_generate_loa",
    "port_order_record_foc",
    "port_order_record_rejection",
    "port_order_refresh",
    "port_order_reveal_secrets",
    "port_order_send_to_carrier",
    "port_order_submit",
    "port_order_update",
    "port_order_desk_losing_carrier",
    "port_order_losing_carrier_confirm",
    "port_orders_refresh",
    "port_orders_refresh_open",
    "staff_actor",
    "event_redeliver",
    "webhook_deliver",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_recover",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_set_disabled",
    "webhook_endpoint_test",
    "webhook_endpoint_update",
]
