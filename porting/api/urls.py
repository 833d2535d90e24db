"""API routes under /v1 (DESIGN §5)."""
from django.urls import path, register_converter

from porting.api import views


class IdConverter:
    """An id in a path: any text but a slash or a NUL byte (PostgreSQL refuses NUL in text, which made
    /v1/port-orders/port_%00abc a 500; now it matches no route: the API's 404 problem)."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")

ORDER = "port-orders/<id:order_id>"
ENDPOINT = "webhook-endpoints/<id:endpoint_id>"

urlpatterns = [
    path("port-in-eligibility", views.EligibilityView.as_view(), name="eligibility"),
    path("port-orders", views.PortOrderListView.as_view(), name="port-orders"),
    path(ORDER, views.PortOrderDetailView.as_view(), name="port-order"),
    path(f"{ORDER}/approve", views.PortOrderApproveView.as_view(), name="port-order-approve"),
    path(f"{ORDER}/submit", views.PortOrderSubmitView.as_view(), name="port-order-submit"),
    path(f"{ORDER}/cancel", views.PortOrderCancelView.as_view(), name="port-order-cancel"),
    path(f"{ORDER}/events", views.PortOrderEventsView.as_view(), name="port-order-events"),
    path(f"{ORDER}/audit", views.PortOrderAuditView.as_view(), name="port-order-audit"),
    path(f"{ORDER}/loa", views.PortOrderLoaView.as_view(), name="port-order-loa"),
    path(f"{ORDER}/allowed-foc-windows", views.PortOrderAllowedFocWindowsView.as_view(),
         name="port-order-allowed-foc-windows"),
    path(f"{ORDER}/comments", views.PortOrderCommentsView.as_view(), name="port-order-comments"),
    path(f"{ORDER}/documents", views.PortOrderDocumentsView.as_view(), name="port-order-documents"),
    path(f"{ORDER}/documents/<id:document_id>", views.PortOrderDocumentView.as_view(), name="port-order-document"),
    path(f"{ORDER}/documents/<id:document_id>/download-link", views.PortOrderDocumentDownloadLinkView.as_view(),
         name="port-order-document-download-link"),
    # No API key: the signed token is the permission, for one hour (porting.documents).
    path("document-downloads/<id:token>", views.document_download, name="document-download"),
    path(f"{ORDER}/approval-requests", views.ApprovalRequestsView.as_view(), name="port-order-approval-requests"),
    path("webhook-endpoints", views.WebhookEndpointListView.as_view(), name="webhook-endpoints"),
    path(ENDPOINT, views.WebhookEndpointDetailView.as_view(), name="webhook-endpoint"),
    path(f"{ENDPOINT}/rotate-secret", views.WebhookEndpointRotateView.as_view(), name="webhook-endpoint-rotate"),
    path(f"{ENDPOINT}/test", views.WebhookEndpointTestView.as_view(), name="webhook-endpoint-test"),
    path(f"{ENDPOINT}/deliveries", views.WebhookEndpointDeliveriesView.as_view(), name="webhook-endpoint-deliveries"),
    path(f"{ENDPOINT}/recover", views.WebhookEndpointRecoverView.as_view(), name="webhook-endpoint-recover"),
    path("events", views.EventFeedView.as_view(), name="events"),
    path("events/<id:event_id>", views.EventDetailView.as_view(), name="event"),
    path("events/<id:event_id>/redeliver", views.EventRedeliverView.as_view(), name="event-redeliver"),
    path(f"test-helpers/{ORDER}/foc", views.TestFocView.as_view(), name="test-foc"),
    path(f"test-helpers/{ORDER}/reject", views.TestRejectView.as_view(), name="test-reject"),
    path(f"test-helpers/{ORDER}/complete", views.TestCompleteView.as_view(), name="test-complete"),
]
