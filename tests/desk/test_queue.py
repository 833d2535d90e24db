"""The desk's queue: newest first, filters, search, and a bounded number of queries."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from porting import services
from tests.conftest import make_tenant
from tests.desk.helpers import ACTOR, LIST, create, listed_ids, submitted


def test_the_list_shows_the_queue_newest_first_with_badges(agent):
    first, second = create(["+12025551234"]), create(["+12025550100"])
    response = agent.get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [second.pk, first.pk]
    html = response.content.decode()
    assert 'class="portico-badge"' in html
    assert "Verizon Wireless" not in html  # live orders: the manual carrier does not know the losing carrier


def test_it_filters_by_status_and_needs_action(agent, clock):
    draft, exception, stale = create(), submitted(), submitted()
    services.port_order_record_rejection(order=exception, actor=ACTOR, code="pin_invalid")
    foc_soon = submitted()
    services.port_order_record_foc(order=foc_soon, actor=ACTOR, date=dt.date(2026, 12, 11))
    assert listed_ids(agent.get(LIST, {"status__exact": "draft"})) == [draft.pk]
    assert set(listed_ids(agent.get(LIST, {"needs_action": "any"}))) == {exception.pk, foc_soon.pk}
    clock.move_to(dt.datetime(2026, 12, 15, 16, 0, tzinfo=dt.UTC))  # two business days later
    assert listed_ids(agent.get(LIST, {"needs_action": "stale"})) == [stale.pk]
    assert listed_ids(agent.get(LIST, {"needs_action": "foc_soon"})) == [foc_soon.pk]


def test_it_filters_by_losing_carrier_livemode_and_platform(agent):
    sandbox = create(["+12025551234"], live=False)
    live = create(["+12025551235"])
    assert listed_ids(agent.get(LIST, {"losing_carrier": "Verizon Wireless"})) == [sandbox.pk]
    assert listed_ids(agent.get(LIST, {"losing_carrier": "unknown"})) == [live.pk]
    assert listed_ids(agent.get(LIST, {"livemode__exact": "1"})) == [live.pk]
    assert listed_ids(agent.get(LIST, {"account__platform__id__exact": live.account.platform_id})) == [live.pk]


@pytest.mark.parametrize("term", ["5551234", "555-1234", "(202) 555-1234", "+12025551234"])
def test_it_finds_an_order_by_a_whole_or_partial_number(agent, term):
    wanted = create(["+12025551234", "+12025559999"])
    create(["+12025550100"], subscriber={"btn": "+12025550100"})
    assert listed_ids(agent.get(LIST, {"q": term})) == [wanted.pk]


def test_it_finds_an_order_by_id_and_business_name(agent):
    wanted = create(subscriber={"business_name": "Acme Plumbing", "btn": "+12025551234"})
    create(["+12025550100"], subscriber={"business_name": "Other", "btn": "+12025550100"})
    assert listed_ids(agent.get(LIST, {"q": wanted.pk})) == [wanted.pk]
    assert listed_ids(agent.get(LIST, {"q": "plumb"})) == [wanted.pk]


def test_the_list_page_runs_a_bounded_number_of_queries(agent):
    tenant = make_tenant()
    for i in range(200):
        create([f"+1202{300 + i % 600:03d}{1000 + i:04d}"], account=tenant.account,
               subscriber={"btn": "+12025551234"})
    agent.get(LIST)
    with CaptureQueriesContext(connection) as ctx:
        response = agent.get(LIST, {"all": ""})  # every row on one page
    assert response.status_code == 200
    assert len(listed_ids(response)) == 200
    assert len(ctx.captured_queries) <= 12
