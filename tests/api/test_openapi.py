"""The OpenAPI schema and Swagger UI, served from installed packages."""
from __future__ import annotations

import re

EXPECTED_PATHS = {
    "/v1/port-in-eligibility": {"post"},
    "/v1/port-orders": {"get", "post"},
    "/v1/port-orders/{order_id}": {"get", "post"},
    "/v1/port-orders/{order_id}/approve": {"post"},
    "/v1/port-orders/{order_id}/submit": {"post"},
    "/v1/port-orders/{order_id}/cancel": {"post"},
    "/v1/port-orders/{order_id}/events": {"get"},
    "/v1/port-orders/{order_id}/loa": {"get"},
    "/v1/port-orders/{order_id}/approval-requests": {"get", "post"},
    "/v1/port-orders/{order_id}/allowed-foc-windows": {"get"},
    "/v1/port-orders/{order_id}/audit": {"get"},
    "/v1/port-orders/{order_id}/comments": {"get", "post"},
    "/v1/port-orders/{order_id}/documents": {"get", "post"},
    "/v1/port-orders/{order_id}/documents/{document_id}": {"get", "delete"},
    "/v1/port-orders/{order_id}/documents/{document_id}/download-link": {"post"},
    "/v1/test-helpers/port-orders/{order_id}/foc": {"post"},
    "/v1/test-helpers/port-orders/{order_id}/reject": {"post"},
    "/v1/test-helpers/port-orders/{order_id}/complete": {"post"},
    "/v1/webhook-endpoints": {"get", "post"},
    "/v1/webhook-endpoints/{endpoint_id}": {"get", "post", "delete"},
    "/v1/webhook-endpoints/{endpoint_id}/rotate-secret": {"post"},
    "/v1/webhook-endpoints/{endpoint_id}/test": {"post"},
    "/v1/webhook-endpoints/{endpoint_id}/deliveries": {"get"},
    "/v1/webhook-endpoints/{endpoint_id}/recover": {"post"},
    "/v1/events": {"get"},
    "/v1/events/{event_id}": {"get"},
    "/v1/events/{event_id}/redeliver": {"post"},
}


def test_the_schema_describes_every_endpoint_body_and_error(client, db):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = {p: set(ops) - {"parameters"} for p, ops in schema["paths"].items()}
    assert paths == EXPECTED_PATHS
    create = schema["paths"]["/v1/port-orders"]["post"]
    assert "application/json" in create["requestBody"]["content"]
    assert {"201", "400", "401", "404"} <= set(create["responses"])
    assert "application/problem+json" in create["responses"]["400"]["content"]
    submit = schema["paths"]["/v1/port-orders/{order_id}/submit"]["post"]
    assert {"409", "422"} <= set(submit["responses"])
    headers = [p["name"] for p in create["parameters"] if p["in"] == "header"]
    assert headers == ["DialStack-Account", "Idempotency-Key"]


def test_swagger_ui_loads_its_assets_locally(client, db):
    response = client.get("/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if u.startswith(("http:", "https:", "//"))]
    assert external == []


def test_the_schema_states_what_the_api_checks(client, db):
    schema = client.get("/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("PortOrderCreateRequest", "PortOrderUpdateRequest", "EligibilityRequestRequest"):
        numbers = components[name]["properties"]["phone_numbers"]
        assert numbers["minItems"] == 1 and numbers["maxItems"] == 1000, name
        assert numbers["items"]["pattern"] == r"^\+[1-9][0-9]{6,14}$", name  # one shape: no blank alternative
    listing = schema["paths"]["/v1/port-orders"]["get"]["parameters"]
    phone_number = next(p for p in listing if p["name"] == "phone_number")
    assert phone_number["schema"]["pattern"] == r"^\+?[0-9]{1,15}$"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
            account = [p for p in headers if p["name"] == "DialStack-Account"]
            if account:  # account_header_missing
                assert "400" in operation["responses"], (method, path)
                assert account[0]["schema"]["pattern"] == "^acct_[0-9a-z]{26}$"
            if method == "post":  # payload_too_large
                assert "413" in operation["responses"], (method, path)


def test_every_request_field_takes_its_json_type_as_is():
    """DRF's CharField turns 0 into "0" and its BooleanField takes "yes": request shapes use the strict ones."""
    from rest_framework import serializers

    from porting.api.serializers.fields import StrictBooleanField, StrictCharField, StrictSerializer

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    loose = []
    for shape in subclasses(StrictSerializer):
        if shape.__name__.endswith("QuerySerializer"):
            continue  # query strings are strings
        for name, field in shape().fields.items():
            for candidate in (field, getattr(field, "child", None)):
                if type(candidate) is serializers.CharField or type(candidate) is serializers.BooleanField:
                    loose.append(f"{shape.__name__}.{name}")
                elif candidate is not None and isinstance(candidate, serializers.CharField):
                    assert isinstance(candidate, (StrictCharField, serializers.IPAddressField,
                                                  serializers.EmailField, serializers.URLField,
                                                  serializers.RegexField)), f"{shape.__name__}.{name}"
        assert not any(isinstance(f, serializers.BooleanField) and not isinstance(f, StrictBooleanField)
                       for f in shape().fields.values()), shape.__name__
    assert loose == []
