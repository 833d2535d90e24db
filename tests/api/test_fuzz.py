"""Schema-driven fuzzing: schemathesis generates requests from /v1/openapi.json and judges every answer.

Every operation gets schemathesis's examples, coverage and fuzzing phases in both generation modes:
positive (requests the schema allows) and negative (requests it forbids). Every check schemathesis
registers runs on every answer: no 5xx; status codes, content types, headers and bodies as
documented; forbidden data refused and allowed data accepted; required headers enforced; undeclared
methods 405; authentication enforced (use_after_free, ensure_resource_availability and
object_level_authorization run too, but need OpenAPI links or a second identity to find anything).
Any finding fails the test; each is listed with a curl command and the answer.

One check is narrowed, not skipped (``positive_data_acceptance_outside_business_rules``): a schema
cannot say that a requested FOC date must fall 5 business days ahead, that an order must be complete
before approval, or that an account named in a body must exist. DESIGN §4-5 answers those with 400 or
422 problems whose code names the rule; only those codes, and ``validation_error`` pointers that name
a value the domain checks against stored data, the numbering plan or the calendar, excuse a
schema-valid request being refused.
"""
from __future__ import annotations

import itertools
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import overrides
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from porting import services
from porting.api.serializers import PortOrderCreateSerializer
from porting.api.views.base import validated
from porting.models import PortOrder, PortStatus, WebhookEndpoint
from tests.conftest import make_tenant, order_body

FUZZED_EXAMPLES_PER_OPERATION = 40  # plus the examples and coverage cases: about 2,400 cases in all
MIN_CASES = 2000

# Problem codes that refuse a schema-valid request for a rule of the domain (DESIGN §4-5), never for
# its shape. 409s (invalid_state, number_in_open_order, ...) are not refusals of the data.
BUSINESS_RULE_CODES = {
    "incomplete_order", "split_required", "not_portable", "foc_date_invalid", "signature_mismatch",
    "approval_required", "documents_required", "idempotency_key_reused",
}
# validation_error pointers whose value the domain checks against stored data, the numbering plan or
# the calendar, which no schema can express: (operation, pointer).
ORDER_RULES = {"/subscriber/btn", "/requested_foc_date", "/requested_foc_time"}  # a valid number; the FOC window
DOMAIN_CHECKED_POINTERS = {
    ("POST /v1/webhook-endpoints", "/account"),  # an account of the platform
    ("POST /v1/events/{event_id}/redeliver", "/endpoint"),  # an endpoint subscribed to the event
    ("POST /v1/test-helpers/port-orders/{order_id}/foc", "/date"),  # none given and none requested
    ("POST /v1/port-orders/{order_id}/documents", "/file"),  # a PDF, PNG or JPEG by its content
    *(("POST /v1/port-orders", pointer) for pointer in ORDER_RULES),
    *(("POST /v1/port-orders/{order_id}", pointer) for pointer in ORDER_RULES),
}


def positive_data_acceptance_outside_business_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's positive_data_acceptance, except refusals for a documented business rule."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if refused_by_a_business_rule(case, response):
            return None
        raise


def refused_by_a_business_rule(case: Any, response: Any) -> bool:
    if response.headers.get("content-type", [""])[0] != "application/problem+json":
        return False
    problem = response.json()
    if problem.get("code") in BUSINESS_RULE_CODES:
        return True
    pointers = {error["pointer"] for error in problem.get("errors", [])}
    return (problem.get("code") == "validation_error" and bool(pointers)
            and all((case.operation.label, pointer) in DOMAIN_CHECKED_POINTERS for pointer in pointers))


def resolve_publicly(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
    """Webhook URLs resolve without the network: every host is public, except under .invalid."""
    if str(host).endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]


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


@dataclass
class Targets:
    """What the requests aim at, so most get past the 404s: the tenant's account, orders in each
    state (remade when a request moved one on), a webhook endpoint and an event."""

    tenant: Any
    orders: dict[str, str] = field(default_factory=dict)
    endpoint: str = ""
    event: str = ""
    lines: Any = field(default_factory=lambda: itertools.count(100))

    STATES = ("draft", "approved", "submitted", "foc", "exception")

    def order(self, state: str) -> str:
        order_id = self.orders.get(state)
        if order_id is None or not PortOrder.objects.filter(pk=order_id, status=state).exists():
            order_id = self.orders[state] = self._make_order(state)
        return order_id

    def _make_order(self, state: str) -> str:
        actor = services.Actor("system", "fuzz")
        number = f"+1202555{next(self.lines):04d}"  # lines 0100 on: Lumen, accepted by the sandbox
        data = validated(PortOrderCreateSerializer, order_body([number]))
        order = services.port_order_create(account_id=self.tenant.account.pk, livemode=False, data=data, actor=actor)
        if state != "draft":
            order = services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=actor)
        if state in ("submitted", "foc", "exception"):
            order = services.port_order_submit(order=order, actor=actor)
        if state == "foc":
            order = services.port_order_record_foc(order=order, actor=actor)
        if state == "exception":
            order = services.port_order_record_rejection(order=order, actor=actor, code="address_mismatch")
        assert order.status == PortStatus(state)
        return str(order.pk)

    def webhook_endpoint(self) -> str:
        if not WebhookEndpoint.objects.filter(pk=self.endpoint, disabled_at__isnull=True).exists():
            endpoint, _ = services.webhook_endpoint_create(platform_id=self.tenant.platform.pk, livemode=False,
                                                           url="https://hooks.example.com/portico")
            self.endpoint = str(endpoint.pk)
        return self.endpoint


@pytest.fixture
def targets(db, monkeypatch):
    monkeypatch.setattr("porting.notifications.webhooks.socket.getaddrinfo", resolve_publicly)
    tenant = make_tenant("Fuzz")
    found = Targets(tenant)
    found.event = str(PortOrder.objects.get(pk=found.order("draft")).events.first().pk)
    return found


@dataclass
class Run:
    targets: Targets
    cases: Counter[str] = field(default_factory=Counter)
    findings: dict[tuple[str, str], str] = field(default_factory=dict)

    def aim(self, case: Any, n: int) -> None:
        """Point three requests in four at real things; leave what the case made invalid on purpose."""
        meta = case.meta
        if case.headers is None:
            case.headers = {}
        if not meta.is_negative_at(ParameterLocation.HEADER):
            if n % 4 and "DialStack-Account" in case.headers:
                case.headers["DialStack-Account"] = self.targets.tenant.account.pk
            if "Idempotency-Key" in case.headers:  # each request its own key: a reused one is a 422
                suffix = f"~{n}"
                case.headers["Idempotency-Key"] = str(case.headers["Idempotency-Key"])[: 255 - len(suffix)] + suffix
        if case.path_parameters and not meta.is_negative_at(ParameterLocation.PATH) and n % 4:
            if "order_id" in case.path_parameters:
                case.path_parameters["order_id"] = self.targets.order(Targets.STATES[n % len(Targets.STATES)])
            if "endpoint_id" in case.path_parameters:
                case.path_parameters["endpoint_id"] = self.targets.webhook_endpoint()
            if "event_id" in case.path_parameters:
                case.path_parameters["event_id"] = self.targets.event

    def check(self, case: Any) -> None:
        n = sum(self.cases.values())
        self.cases[case.operation.label] += 1
        self.aim(case, n)
        auth = {"Authorization": f"Bearer {self.targets.tenant.key}"}  # as call_and_validate passes it
        response = case.call(headers=auth)
        try:
            case.validate_response(
                response, headers=auth, transport_kwargs={"headers": auth},
                excluded_checks=[positive_data_acceptance],
                additional_checks=[positive_data_acceptance_outside_business_rules],
            )
        except (Failure, FailureGroup) as exc:
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                key = (case.operation.label, failure.title)
                answer = f"{response.status_code} {response.text[:500]}"
                self.findings.setdefault(key, f"{failure}\n{case.as_curl_command()}\n-> {answer}")


def test_the_api_agrees_with_its_schema_under_every_schemathesis_check(wsgi_app, targets):
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", wsgi_app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    # The key rides on every case as a fixed value: never generated or negated (ignored_auth probes
    # requests without it and with a wrong one).
    schema.config.update(headers={"Authorization": f"Bearer {targets.tenant.key}"})
    operations = [result.ok() for result in schema.get_all_operations()]  # ok(): every one loads
    run = Run(targets)
    started = time.monotonic()
    for operation in operations:
        # The pytest plugin's lazy schema does not run on pytest 9.2 (it sets request.node._nodeid), so
        # each operation's test is built as the plugin and the CLI build theirs.
        test = create_test(operation=operation, test_func=run.check, config=HypothesisTestConfig(
            project=schema.config, override=overrides.with_config_headers(schema.config, operation=operation),
            modes=[HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING],
            settings=settings(
                max_examples=FUZZED_EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
            ),
        ))
        test()
    total = sum(run.cases.values())
    print(f"fuzz: {total} cases over {len(operations)} operations in {time.monotonic() - started:.0f} s")
    report = "\n\n".join(f"[{operation}] {text}" for (operation, _), text in sorted(run.findings.items()))
    assert not run.findings, f"{len(run.findings)} findings in {total} cases:\n\n{report}"
    assert set(run.cases) == {operation.label for operation in operations}
    assert total >= MIN_CASES, run.cases
