"""Portico's data, one module per area; import models from here (``from porting.models import PortOrder``)."""
from __future__ import annotations

from porting.models.audit import ActorType, Event
from porting.models.comments import Comment
from porting.models.esign import OPEN_APPROVAL_STATUSES, ApprovalRequest, ApprovalRequestStatus, LoaDocument
from porting.models.idempotency import IdempotencyRecord
from porting.models.orders import (
    AT_CARRIER_STATUSES,
    CANCELLABLE_STATUSES,
    ENDED_STATUSES,
    NumberType,
    PortOrder,
    PortOrderNumber,
    PortStatus,
)
from porting.models.outbox import OutboxMessage, OutboxStatus
from porting.models.tenancy import Account, ApiKey, Platform
from porting.models.webhooks import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint

__all__ = [
    "AT_CARRIER_STATUSES",
    "ENDED_STATUSES",
    "CANCELLABLE_STATUSES",
    "OPEN_APPROVAL_STATUSES",
    "Account",
    "ActorType",
    "ApiKey",
    "ApprovalRequest",
    "ApprovalRequestStatus",
    "Comment",
    "Event",
    "IdempotencyRecord",
    "LoaDocument",
    "NumberType",
    "OutboxMessage",
    "OutboxStatus",
    "Platform",
    "PortOrder",
    "PortOrderNumber",
    "PortStatus",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
]
