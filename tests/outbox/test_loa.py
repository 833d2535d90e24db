"""The LOA is never missing: if its render has not run when the order is submitted, the carrier
submit renders it first, so the carrier never gets an order without its signed LOA."""
from __future__ import annotations

import pytest

from porting.models import LoaDocument
from tests.carriers import CountingCarrier
from tests.outbox.helpers import row, sweep


class LoaCheckingCarrier(CountingCarrier):
    """Notes, at each submit, whether the order's signed LOA existed (a real adapter attaches it)."""

    loa_at_submit: list[bool] = []

    def submit(self, order) -> None:  # noqa: ANN001
        self.loa_at_submit.append(LoaDocument.objects.filter(order_id=order.pk, superseded_at__isnull=True).exists())
        super().submit(order)


@pytest.fixture
def loa_checking(carrier, settings):
    settings.PORTING_CARRIER = "tests.outbox.test_loa.LoaCheckingCarrier"
    LoaCheckingCarrier.loa_at_submit = []
    yield LoaCheckingCarrier
    LoaCheckingCarrier.loa_at_submit = []


def test_an_order_submitted_before_its_loa_was_rendered_reaches_the_carrier_with_it(
    live_api, loa_checking, django_capture_on_commit_callbacks
):
    order = live_api.create(["+12025551234"])
    live_api.approve(order["id"])  # committed, but its LOA render has not run (a worker was down)
    assert row(order["id"], "loa_render").attempts == 0
    assert live_api.get(f"/v1/port-orders/{order['id']}/loa").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        live_api.submit(order["id"])

    assert loa_checking.calls == [("submit", order["id"])]
    assert loa_checking.loa_at_submit == [True]
    response = live_api.get(f"/v1/port-orders/{order['id']}/loa")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_late_loa_render_finds_the_loa_and_does_not_make_a_second_one(
    live_api, carrier, django_capture_on_commit_callbacks
):
    order = live_api.create(["+12025551234"])
    live_api.approve(order["id"])
    with django_capture_on_commit_callbacks(execute=True):
        live_api.submit(order["id"])
    pdf = live_api.get(f"/v1/port-orders/{order['id']}/loa").content

    sweep()  # the render's own row runs at last

    assert row(order["id"], "loa_render").status == "done"
    assert live_api.event_types(order["id"]).count("loa.generated") == 1
    assert LoaDocument.objects.filter(order_id=order["id"]).count() == 1
    assert live_api.get(f"/v1/port-orders/{order['id']}/loa").content == pdf


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_renders_at_once_store_one_loa_and_one_event():
    """The LOA's own row and the carrier submit may render in parallel: one document, one loa.generated."""
    import threading

    from django.db import connection

    from porting import services
    from porting.models import Event
    from tests.conftest import require_or_skip
    from tests.desk.helpers import approved

    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")
    order = approved()  # its LOA is rendered at commit: take it away, as if that render had not run yet
    LoaDocument.objects.filter(order_id=order.pk).delete()
    events_before = Event.objects.filter(order_id=order.pk, type="loa.generated").count()
    barrier = threading.Barrier(2)

    def render() -> None:
        try:
            barrier.wait()
            services.port_order_generate_loa(order_id=order.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert LoaDocument.objects.filter(order_id=order.pk, superseded_at__isnull=True).count() == 1
    assert Event.objects.filter(order_id=order.pk, type="loa.generated").count() == events_before + 1
