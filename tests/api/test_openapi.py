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
