"""Live orders on the manual carrier: it knows no losing carrier, so the porting desk confirms it (name,
SPID, wireless) per order or per number while the order is a draft or approved; until then approval is
400 incomplete_order. The integrator may name the carrier as a hint (``losing_carrier_name``)."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from porting import services
from porting.models import PortOrder
from tests.conftest import SUBSCRIBER, order_body
from tests.desk.helpers import LIST, submitted

URL = "/v1/port-orders"
VERIZON = {"name": "Verizon Wireless", "spid": "6006", "is_wireless": "yes"}


def page(agent, order_id: str) -> str:
    return agent.get(f"{LIST}{order_id}/change/").content.decode()


def confirm(agent, order_id: str, **form):
    return agent.post(f"{LIST}{order_id}/losing-carrier/", {**VERIZON, **form})


def test_live_eligibility_says_the_carrier_is_to_be_confirmed(live_api):
    entry = live_api.post("/v1/port-in-eligibility", {"phone_numbers": ["+12025551234"]}).json()["portable_numbers"][0]
    assert entry["losing_carrier_name"] is None and entry["is_wireless"] is None
    assert entry["losing_carrier_to_be_confirmed"] is True


def test_a_live_order_cannot_be_approved_until_the_desk_confirms_its_carrier(live_api, agent):
    order = live_api.create(["+12025551234", "+12025551299"], losing_carrier_name="Verizon")
    assert order["details"]["losing_carrier_name"] == "Verizon"
    assert [n["losing_carrier_name"] for n in order["numbers"]] == [None, None]
    refused = live_api.post(f"{URL}/{order['id']}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"})
    assert refused.status_code == 400 and refused.json()["code"] == "incomplete_order"
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/numbers/0/losing_carrier_name",
                                                                 "/numbers/1/losing_carrier_name"]
    html = page(agent, order["id"])
    assert "Losing carrier to be confirmed" in html and "the integrator says: “Verizon”" in html
    form = agent.get(f"{LIST}{order['id']}/losing-carrier/").content.decode()
    assert 'value="Verizon"' in form  # the hint fills the form in

    assert confirm(agent, order["id"]).status_code == 302
    fetched = live_api.get(f"{URL}/{order['id']}").json()
    assert {(n["losing_carrier_name"], n["losing_carrier_spid"], n["is_wireless"]) for n in fetched["numbers"]} == {
        ("Verizon Wireless", "6006", True)}
    assert "port_order.losing_carrier_confirmed" in live_api.event_types(order["id"])
    assert "Losing carrier to be confirmed" not in page(agent, order["id"])
    assert live_api.post(f"{URL}/{order['id']}/approve",
                         {"signature": "Jane Smith", "ip": "203.0.113.42"}).status_code == 200


def test_a_confirmed_wireless_carrier_makes_approval_ask_for_account_number_and_pin(live_api, agent):
    subscriber = {k: v for k, v in SUBSCRIBER.items() if k not in ("account_number", "pin")}
    order = live_api.post(URL, order_body(["+12025551234"], subscriber=subscriber)).json()
    confirm(agent, order["id"])
    refused = live_api.post(f"{URL}/{order['id']}/approve", {"signature": "Jane Smith", "ip": "203.0.113.42"})
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/subscriber/account_number", "/subscriber/pin"]


def test_the_loa_names_the_confirmed_carrier(live_api, agent, django_capture_on_commit_callbacks):
    order = live_api.create(["+12025551234"])
    preview = agent.get(f"{LIST}{order['id']}/loa-preview/").content
    assert "Verizon Wireless" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview)).pages)
    confirm(agent, order["id"])
    with django_capture_on_commit_callbacks(execute=True):
        live_api.approve(order["id"])
    loa = live_api.get(f"{URL}/{order['id']}/loa")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(loa.content)).pages)
    assert "Verizon Wireless" in text


def test_a_new_carrier_on_an_approved_order_clears_the_approval(live_api, agent, django_capture_on_commit_callbacks):
    order = live_api.create(["+12025551234"])
    with django_capture_on_commit_callbacks(execute=True):
        live_api.approve(order["id"])  # the helper confirms Verizon Wireless first, as the desk would
    assert confirm(agent, order["id"], name="T-Mobile USA", spid="6529").status_code == 302
    fetched = live_api.get(f"{URL}/{order['id']}").json()
    assert fetched["status"] == "draft" and fetched["details"]["approval"] is None
    assert live_api.event_types(order["id"])[-2:] == ["port_order.losing_carrier_confirmed",
                                                       "port_order.approval_cleared"]
    assert live_api.get(f"{URL}/{order['id']}/loa").status_code == 404


def test_the_same_carrier_again_changes_nothing(live_api, agent):
    order = live_api.create(["+12025551234"])
    confirm(agent, order["id"])
    confirm(agent, order["id"])
    assert live_api.event_types(order["id"]).count("port_order.losing_carrier_confirmed") == 1


def test_the_desk_sets_the_carrier_per_number_within_one_carrier_account(live_api, agent):
    order = live_api.create(["+12025551234", "+12025551299"])
    confirm(agent, order["id"], phone_numbers=["+12025551299"], is_wireless="no")
    numbers = {n["phone_number"]: n for n in live_api.get(f"{URL}/{order['id']}").json()["numbers"]}
    assert numbers["+12025551299"]["is_wireless"] is False and numbers["+12025551234"]["losing_carrier_spid"] is None
    response = confirm(agent, order["id"], phone_numbers=["+12025551234"], name="Lumen", spid="9102")
    assert response.status_code == 302
    messages = page(agent, order["id"])
    assert "was not recorded" in messages and "one order takes the numbers of one losing carrier" in messages
    assert live_api.get(f"{URL}/{order['id']}").json()["numbers"][0]["losing_carrier_spid"] is None


def test_bad_input_shows_the_form_again_and_changes_nothing(live_api, agent):
    order = live_api.create(["+12025551234"])
    response = confirm(agent, order["id"], spid="60", is_wireless="")
    assert response.status_code == 400
    assert "A SPID is 4 digits or capital letters." in response.content.decode()
    assert "port_order.losing_carrier_confirmed" not in live_api.event_types(order["id"])


def test_a_submitted_order_keeps_its_carrier(agent):
    order = submitted()
    assert 'data-action="losing-carrier"' not in page(agent, order.pk)
    confirm(agent, order.pk, name="Lumen", spid="9102")
    assert "was not recorded" in page(agent, order.pk)
    assert PortOrder.objects.get(pk=order.pk).numbers.get().losing_carrier_spid == "6006"


def test_a_viewer_cannot_set_the_carrier(live_api, viewer):
    order = live_api.create(["+12025551234"])
    assert confirm(viewer, order["id"]).status_code == 403
    assert "port_order.losing_carrier_confirmed" not in live_api.event_types(order["id"])


def test_the_hint_is_not_authorized_content(live_api, django_capture_on_commit_callbacks):
    order = live_api.create(["+12025551234"])
    with django_capture_on_commit_callbacks(execute=True):
        live_api.approve(order["id"])
    updated = live_api.post(f"{URL}/{order['id']}", {"losing_carrier_name": "Verizon Wireless"}).json()
    assert updated["status"] == "approved" and updated["details"]["losing_carrier_name"] == "Verizon Wireless"


def test_the_desk_service_checks_the_permission(live_api, db):
    nobody = User.objects.create_user("nobody", is_staff=True)
    order = live_api.create(["+12025551234"])
    with pytest.raises(PermissionDenied):
        services.port_order_desk_losing_carrier(order=PortOrder.objects.get(pk=order["id"]), user=nobody,
                                                name="Lumen", spid="9102", is_wireless=False)
    assert "port_order.losing_carrier_confirmed" not in live_api.event_types(order["id"])
