"""Schema-driven fuzzing: schemathesis generates requests from /v1/openapi.json; no 5xx, ever.

Every response must also match the documented schema, so the OpenAPI document stays honest.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from porting import services
from tests.conftest import make_tenant

EXAMPLES_PER_OPERATION = 30  # 15 operations: 450 cases


@pytest.fixture
def wsgi_app(db):
    """A fresh handler (its middleware sees the test settings), with connections kept open across
    requests as Django's own test client does, so the test's transaction survives on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_tenant(db):
    tenant = make_tenant("Fuzz")
    order = services.port_order_create(
        account_id=tenant.account.pk, livemode=False, data={"phone_numbers": ["+12025550100"]},
        actor=services.Actor("system", "fuzz"),
    )
    return tenant, order.pk


def test_the_api_never_answers_5xx_and_matches_its_schema(wsgi_app, fuzz_tenant):
    tenant, order_id = fuzz_tenant
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 27
    calls = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            nonlocal calls
            calls += 1
            headers = {"Authorization": f"Bearer {tenant.key}"}
            if calls % 4:  # most cases use the real account, and often the real order, to get past 404s
                headers["DialStack-Account"] = tenant.account.pk
                if case.path_parameters and "order_id" in case.path_parameters and calls % 2:
                    case.path_parameters["order_id"] = order_id
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        fuzz()
    assert calls >= 300
