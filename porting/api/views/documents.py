"""Supporting documents of an order: upload (multipart), list, get, delete, and one-hour download links.

POST …/documents parses ``multipart/form-data`` (not the API's default JSON) with
``porting.documents.DocumentUploadHandler``: the file streams to a temporary file and a body past
``PORTING_DOCUMENT_MAX_BYTES`` is a 413 before it has all arrived. An ``Idempotency-Key`` fingerprints the
form's fields and the file's bytes, not the raw body (a client's retry picks a new multipart boundary).

The download link's URL (``/v1/document-downloads/<token>``) needs no API key: the signed token is the
permission, for one hour (``porting.documents.DOWNLOAD_LINK_TTL``); then 410.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from porting import services
from porting.api import idempotency
from porting.api import serializers as s
from porting.api.errors import problem_json
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems, validated
from porting.documents import (
    document_from_download_token,
    download_token,
    open_document,
    order_document,
    order_documents,
    use_document_upload_handler,
)
from porting.errors import PortingError
from porting.formatting import utc_timestamp
from porting.models import Document
from porting.representations import document_json
from porting.responses import stored_file_response


class PortOrderDocumentsView(AccountScopedView):
    parser_classes = [MultiPartParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method == "POST":  # before anything reads the body (the idempotency fingerprint may)
            use_document_upload_handler(request._request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        final = super().finalize_response(request, response, *args, **kwargs)
        # The upload's temporary file goes now (Django would remove it when the server closes the response;
        # a client that never closes it, such as a test harness, would leave it behind).
        request._request.close()
        return final

    def idempotency_content(self, request: Request) -> bytes | None:
        data = request.data
        return idempotency.form_digest(data) if isinstance(data, QueryDict) else None

    @extend_schema(
        operation_id="list_port_order_documents", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.DocumentListOut, **problems(400, 401, 404, 429)},
        summary="The order's supporting documents, oldest first.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        return Response({"data": [document_json(d) for d in order_documents(order)]})

    @extend_schema(
        operation_id="create_port_order_document", parameters=[ACCOUNT_HEADER_PARAM],
        request={"multipart/form-data": s.DocumentCreateSerializer},
        responses={201: s.DocumentOut, **problems(400, 401, 404, 409, 413, 415, 429)},
        summary="Attach a supporting document (a recent bill, the CSR, …): PDF, PNG or JPEG, multipart.",
        description="The file's type is told from its bytes, never from its name or the part's Content-Type; "
                    "encrypted or unreadable PDFs are refused (400 with a pointer to /file); above "
                    "PORTING_DOCUMENT_MAX_BYTES (default 10 MB) the answer is 413 payload_too_large. One file "
                    "per request. 409 once the order has ended.",
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self.get_order(order_id)
        data = validated(s.DocumentCreateSerializer, request.data)
        document = services.port_order_document_attach(
            order=order, file=data["file"], type=data["type"], description=data.get("description", ""),
            actor=self.actor(),
        )
        return Response(document_json(document), status=status.HTTP_201_CREATED)


class PortOrderDocumentView(AccountScopedView):
    def get_document(self, order_id: str, document_id: str) -> Document:
        return order_document(self.get_order(order_id), document_id)

    @extend_schema(
        operation_id="get_port_order_document", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.DocumentOut, **problems(400, 401, 404, 429)}, summary="One supporting document.",
    )
    def get(self, request: Request, order_id: str, document_id: str) -> Response:
        return Response(document_json(self.get_document(order_id, document_id)))

    @extend_schema(
        operation_id="delete_port_order_document", parameters=[ACCOUNT_HEADER_PARAM],
        responses={204: OpenApiResponse(description="Deleted."), **problems(400, 401, 404, 409, 429)},
        summary="Delete a document while the order is a draft or approved (409 once submitted).",
    )
    def delete(self, request: Request, order_id: str, document_id: str) -> Response:
        order = self.get_order(order_id)
        services.port_order_document_delete(order=order, document=order_document(order, document_id),
                                            actor=self.actor())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PortOrderDocumentDownloadLinkView(AccountScopedView):
    @extend_schema(
        operation_id="create_port_order_document_download_link", parameters=[ACCOUNT_HEADER_PARAM], request=None,
        responses={200: s.DownloadLinkOut, **problems(400, 401, 404, 429)},
        summary="A link that downloads the document without the API key for one hour (then 410).",
    )
    def post(self, request: Request, order_id: str, document_id: str) -> Response:
        document = order_document(self.get_order(order_id), document_id)
        token, expires_at = download_token(document)
        url = settings.SITE_URL + reverse("document-download", kwargs={"token": token})
        return Response({"url": url, "expires_at": utc_timestamp(expires_at)})


def document_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """GET /v1/document-downloads/<token>: the document's bytes while the link lives; 410 after an hour or
    once the document is deleted; 404 for anything else. No API key: the signed token is the permission."""
    if request.method not in ("GET", "HEAD"):
        response = problem_json(405, "method_not_allowed", "Method not allowed",
                                f'Method "{request.method}" not allowed.')
        response["Allow"] = "GET, HEAD"
        return response
    try:
        document = document_from_download_token(token)
    except PortingError as exc:
        return problem_json(exc.status, exc.code, exc.title, exc.detail)
    return stored_file_response(open_document(document), filename=document.filename,
                                content_type=document.content_type, sha256=document.sha256)
