"""The one error shape: RFC 9457 problem details (``application/problem+json``)."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from porting.errors import PortingError

logger = logging.getLogger(__name__)
PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://portico.dev/problems/"

_DRF_CODES: list[tuple[type[Exception], str, str]] = [
    (exceptions.NotAuthenticated, "authentication_failed", "Authentication required"),
    (exceptions.AuthenticationFailed, "authentication_failed", "Authentication failed"),
    (exceptions.PermissionDenied, "permission_denied", "Permission denied"),
    (exceptions.NotFound, "not_found", "Not found"),
    (exceptions.MethodNotAllowed, "method_not_allowed", "Method not allowed"),
    (exceptions.NotAcceptable, "not_acceptable", "Not acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type", "Unsupported media type"),
    (exceptions.Throttled, "rate_limited", "Too many requests"),
    (exceptions.ParseError, "malformed_request", "Malformed request body"),
    (exceptions.ValidationError, "validation_error", "Invalid request"),
]


def problem(
    status: int, code: str, title: str, detail: str, errors: list[dict[str, str]] | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": TYPE_BASE + code, "title": title, "status": status, "detail": detail, "code": code,
            "errors": errors or []}
    body.update(extra)
    return body


def _escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def flatten_errors(detail: Any, pointer: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of JSON pointers into the request body."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            child = pointer if key in ("non_field_errors",) else f"{pointer}/{_escape(key)}"
            out += flatten_errors(value, child)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"pointer": pointer, "detail": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            if item:
                out += flatten_errors(item, f"{pointer}/{index}")
        return out
    return [{"pointer": pointer, "detail": str(detail)}]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PortingError):
        body = problem(exc.status, exc.code, exc.title, exc.detail, exc.errors, **exc.extra)
        return Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, RequestDataTooBig):
        # Raised when the view first reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE; Django alone
        # would answer its HTML 400 page.
        body = problem(413, "payload_too_large", "Payload too large",
                       f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
        return Response(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code, title = "error", "Error"
    for cls, known_code, known_title in _DRF_CODES:
        if isinstance(exc, cls):
            code, title = known_code, known_title
            break
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        detail = "Some fields are invalid: " + ", ".join(e["pointer"] or "(body)" for e in errors[:10])
    else:
        errors = []
        detail = str(exc.detail) if hasattr(exc, "detail") else title
    response.data = problem(response.status_code, code, title, detail, errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_json(status: int, code: str, title: str, detail: str) -> JsonResponse:
    return JsonResponse(problem(status, code, title, detail), status=status, content_type=PROBLEM_CONTENT_TYPE)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django-level 404: problem JSON under the API, the normal page elsewhere."""
    if request.path.startswith("/v1/"):
        return problem_json(404, "not_found", "Not found", f"No such endpoint: {request.path}")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error_view(request: HttpRequest) -> HttpResponse:
    """Django-level 500: problem JSON without a stack trace under the API."""
    if request.path.startswith("/v1/"):
        return problem_json(500, "internal_error", "Internal error", "Something went wrong on our side.")
    from django.views.defaults import server_error

    return server_error(request)
