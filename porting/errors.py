"""Domain errors. Services raise these; ``porting.api.errors`` renders them as RFC 9457 problems."""
from __future__ import annotations

from typing import Any


class PortingError(Exception):
    """A client-visible failure with a stable ``code`` and optional per-field ``errors``."""

    status = 400
    code = "validation_error"
    title = "Invalid request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        if code:
            self.code = code
        self.extra = extra or {}


class ValidationFailed(PortingError):
    status = 400
    code = "validation_error"
    title = "Invalid request"


class NotFound(PortingError):
    status = 404
    code = "not_found"
    title = "Not found"


class InvalidState(PortingError):
    status = 409
    code = "invalid_state"
    title = "Operation not allowed in the current status"


class NumberInOpenOrder(PortingError):
    status = 409
    code = "number_in_open_order"
    title = "Number already in an open port order"


class ApprovalRequired(PortingError):
    status = 422
    code = "approval_required"
    title = "Approval required"


class DocumentsRequired(PortingError):
    status = 422
    code = "documents_required"
    title = "Documents required"


class LinkExpired(PortingError):
    status = 410
    code = "link_expired"
    title = "Link expired"


class PayloadTooLarge(PortingError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


def field_error(pointer: str, detail: str) -> dict[str, str]:
    """One entry of a problem's ``errors`` list: a JSON pointer into the request body."""
    return {"pointer": pointer, "detail": detail}
