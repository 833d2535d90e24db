"""Portico's data, one module per area; import models from here (``from porting.models import PortOrder``)."""
from __future__ import annotations

from porting.models.audit import ActorType, Event
from porting.models.comments import COMMENT_MAX_CHARS, Comment, CommentAuthorType
from porting.models.documents import (
    DOCUMENT_DESCRIPTION_MAX_CHARS,
    DOCUMENT_FILENAME_MAX_CHARS,
    Document,
    DocumentType,
)
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
from porting.models.seal import LoaSeal, SealKey, SealKeySource
from porting.models.tenancy import Account, ApiKey, LogoType, Platform, PlatformLogo
from porting.models.webhooks import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint

__all__ = [
    "AT_CARRIER_STATUSES",
    "COMMENT_MAX_CHARS",
    "CommentAuthorType",
    "DOCUMENT_DESCRIPTION_MAX_CHARS",
    "DOCUMENT_FILENAME_MAX_CHARS",
    "ENDED_STATUSES",
    "CANCELLABLE_STATUSES",
    "OPEN_APPROVAL_STATUSES",
    "Account",
    "ActorType",
    "ApiKey",
    "ApprovalRequest",
    "ApprovalRequestStatus",
    "Comment",
    "Document",
    "DocumentType",
    "Event",
    "IdempotencyRecord",
    "LoaDocument",
    "LoaSeal",
    "LogoType",
    "NumberType",
    "OutboxMessage",
    "OutboxStatus",
    "Platform",
    "PlatformLogo",
    "PortOrder",
    "PortOrderNumber",
    "PortStatus",
    "SealKey",
    "SealKeySource",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
]
