"""OpenAPI post-processing: request bodies say what the API takes (no unknown keys; text that may be
blank as one string schema); every POST takes an Idempotency-Key header and documents the problems
any POST can meet."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from porting.api.serializers.fields import TEXT_PATTERN

if TYPE_CHECKING:
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.request import Request

# drf-spectacular writes a text field that may be blank as oneOf [its text, ""]; with the NUL rule
# (porting.api.serializers.fields.StrictCharField) that is one string, empty or not.
_TEXT = TEXT_PATTERN.replace(r"\x", r"\u00")
_BLANK = {"type": "string", "maxLength": 0}


def _blank_text_as_one_string(schema: dict[str, Any]) -> None:
    alternatives = schema.get("oneOf")
    if (isinstance(alternatives, list) and len(alternatives) == 2 and alternatives[1] == _BLANK
            and alternatives[0].get("pattern") == _TEXT):
        schema.update(schema.pop("oneOf")[0], pattern=_TEXT.replace("]+$", "]*$"))


def forbid_unknown_request_keys(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Mark every request component ``additionalProperties: false`` (StrictSerializer rejects extras),
    and write its text fields that may be blank as one string schema."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
            for field in component.get("properties", {}).values():
                _blank_text_as_one_string(field)
    return result


# The characters porting.api.idempotency takes (str.isprintable() over Latin-1, what a header carries),
# without spaces at either end (HTTP drops them).
_KEY_CHAR = r"\x21-\x7e\xa1-\xac\xae-\xff"
IDEMPOTENCY_KEY_PATTERN = rf"^[{_KEY_CHAR}]([\x20{_KEY_CHAR}]*[{_KEY_CHAR}])?$"
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
    "description": "Retry safely: the same key and body within 24 hours replays the first answer "
                   "(Idempotent-Replayed: true); another body is 422 idempotency_key_reused; a first request "
                   "still running is 409 idempotency_key_in_use.",
}
PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}},
           "description": "Problem details (RFC 9457)"}


def document_idempotency_keys(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Every POST takes an Idempotency-Key header (porting.api.idempotency), with its 400, 409 and 422,
    and may meet 413 payload_too_large (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, porting.api.errors)."""
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
        for status in ("400", "409", "413", "422"):
            post["responses"].setdefault(status, PROBLEM)
    return result
