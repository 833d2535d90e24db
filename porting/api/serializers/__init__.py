"""Request shapes (type and format only; business rules live in the domain) and documented
response shapes, one module per resource; views say ``s.PortOrderCreateSerializer``."""
from __future__ import annotations

from porting.api.serializers.approval_requests import (
    ApprovalRequestCreateSerializer,
    ApprovalRequestListOut,
    ApprovalRequestOut,
)
from porting.api.serializers.comments import CommentCreateSerializer, CommentListOut, CommentOut
from porting.api.serializers.documents import (
    DocumentCreateSerializer,
    DocumentListOut,
    DocumentOut,
    DownloadLinkOut,
    RequirementOut,
)
from porting.api.serializers.eligibility import EligibilityOut, EligibilityRequestSerializer
from porting.api.serializers.events import AuditOut, EventListOut, EventOut
from porting.api.serializers.foc_windows import FocWindowListOut, FocWindowOut
from porting.api.serializers.orders import (
    ApproveSerializer,
    CancelSerializer,
    ListQuerySerializer,
    PortOrderCreateSerializer,
    PortOrderListOut,
    PortOrderOut,
    PortOrderUpdateSerializer,
)
from porting.api.serializers.problems import ProblemOut
from porting.api.serializers.test_helpers import TestFocSerializer, TestRejectSerializer
from porting.api.serializers.webhooks import (
    CountOut,
    DeliveriesQuerySerializer,
    EventsQuerySerializer,
    FeedEventListOut,
    FeedEventOut,
    PageQuerySerializer,
    RecoverSerializer,
    RedeliverSerializer,
    WebhookDeliveryListOut,
    WebhookDeliveryOut,
    WebhookEndpointCreateSerializer,
    WebhookEndpointListOut,
    WebhookEndpointOut,
    WebhookEndpointUpdateSerializer,
    WebhookPayloadOut,
)

__all__ = [
    "AuditOut",
    "CommentCreateSerializer",
    "CommentListOut",
    "CommentOut",
    "CountOut",
    "DocumentCreateSerializer",
    "DocumentListOut",
    "DocumentOut",
    "DownloadLinkOut",
    "RequirementOut",
    "DeliveriesQuerySerializer",
    "EventsQuerySerializer",
    "FeedEventListOut",
    "FeedEventOut",
    "PageQuerySerializer",
    "RecoverSerializer",
    "RedeliverSerializer",
    "WebhookDeliveryListOut",
    "WebhookDeliveryOut",
    "WebhookEndpointCreateSerializer",
    "WebhookEndpointListOut",
    "WebhookEndpointOut",
    "WebhookEndpointUpdateSerializer",
    "WebhookPayloadOut",
    "ApprovalRequestCreateSerializer",
    "ApprovalRequestListOut",
    "ApprovalRequestOut",
    "ApproveSerializer",
    "CancelSerializer",
    "EligibilityOut",
    "EligibilityRequestSerializer",
    "EventListOut",
    "EventOut",
    "FocWindowListOut",
    "FocWindowOut",
    "ListQuerySerializer",
    "PortOrderCreateSerializer",
    "PortOrderListOut",
    "PortOrderOut",
    "PortOrderUpdateSerializer",
    "ProblemOut",
    "TestFocSerializer",
    "TestRejectSerializer",
]
