"""GET /v1/port-orders/{id}/loa: the signed Letter of Authorization as PDF."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from porting import services
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems
from porting.responses import pdf_response


class PDFRenderer(BaseRenderer):
    """Lets clients ask for ``application/pdf``; problem bodies still render as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class PortOrderLoaView(AccountScopedView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="download_port_order_loa", parameters=[ACCOUNT_HEADER_PARAM],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed LOA"),
                   **problems(400, 401, 404, 429)},
        summary="Download the signed Letter of Authorization (PDF); 404 until the order is approved.",
    )
    def get(self, request: Request, order_id: str) -> HttpResponse:
        loa = services.port_order_current_loa(order=self.get_order(order_id))
        return pdf_response(bytes(loa.pdf), f"loa-{order_id}.pdf")
