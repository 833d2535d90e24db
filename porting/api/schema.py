"""OpenAPI post-processing: request bodies reject unknown keys, as the API does."""
from __future__ import annotations


def forbid_unknown_request_keys(result: dict, generator, request, public) -> dict:  # noqa: ANN001
    """Mark every request component ``additionalProperties: false`` (StrictSerializer rejects extras)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
