"""API views, one module per resource: parse input, call one service, render (STYLE rule 4)."""
from __future__ import annotations

from porting.api.views.approval_requests import ApprovalRequestsView
from porting.api.views.comments import PortOrderCommentsView
from porting.api.views.documents import (
    PortOrderDocumentDownloadLinkView,
    PortOrderDocumentsView,
    PortOrderDocumentView,
    document_download,
)
from porting.api.views.eligibility import EligibilityView
from porting.api.views.events import PortOrderAuditView, PortOrderEventsView
from porting.api.views.foc_windows import PortOrderAllowedFocWindowsView
from porting.api.views.loa import PortOrderLoaView
from porting.api.views.orders import (
    PortOrderApproveView,
    PortOrderCancelView,
    PortOrderDetailView,
    PortOrderListView,
    PortOrderSubmitView,
)
from porting.api.views.platform_events import EventDetailView, EventFeedView, EventRedeliverView
from porting.api.views.test_helpers import TestCompleteView, TestFocView, TestRejectView
from porting.api.views.webhooks import (
    WebhookEndpointDeliveriesView,
    WebhookEndpointDetailView,
    WebhookEndpointListView,
    WebhookEndpointRecoverView,
    WebhookEndpointRotateView,
    WebhookEndpointTestView,
)

__all__ = [
    "ApprovalRequestsView",
    "EligibilityView",
    "EventDetailView",
    "EventFeedView",
    "EventRedeliverView",
    "PortOrderAllowedFocWindowsView",
    "PortOrderApproveView",
    "PortOrderAuditView",
    "PortOrderCancelView",
    "PortOrderCommentsView",
    "PortOrderDetailView",
    "PortOrderDocumentDownloadLinkView",
    "PortOrderDocumentView",
    "PortOrderDocumentsView",
    "PortOrderEventsView",
    "PortOrderListView",
    "PortOrderLoaView",
    "PortOrderSubmitView",
    "TestCompleteView",
    "TestFocView",
    "TestRejectView",
    "WebhookEndpointDeliveriesView",
    "WebhookEndpointDetailView",
    "WebhookEndpointListView",
    "WebhookEndpointRecoverView",
    "WebhookEndpointRotateView",
    "WebhookEndpointTestView",
    "document_download",
]
