"""OpenAPI post-processing: request bodies reject unknown keys, as the API does; every POST takes an
Idempotency-Key header."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.request import Request


def forbid_unknown_request_keys(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Mark every request component ``additionalProperties: false`` (StrictSerializer rejects extras)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Retry safely: the same key and body within 24 hours replays the first answer "
                   "(Idempotent-Replayed: true); another body is 422 idempotency_key_reused; a first request "
                   "still running is 409 idempotency_key_in_use.",
}
PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}},
           "description": "Problem details (RFC 9457)"}


def document_idempotency_keys(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Every POST takes an Idempotency-Key header (porting.api.idempotency), with its 409 and 422."""
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
        for status in ("400", "409", "422"):
            post["responses"].setdefault(status, PROBLEM)
    return result
