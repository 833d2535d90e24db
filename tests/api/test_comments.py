"""Comments: the conversation between the integrator (API) and the porting desk about one order.

Public comments are listed oldest first and written to the audit trail as ``comment.created``; the desk
may ask for an action (the order shows ``action_required`` until the integrator comments or updates it);
internal notes never leave the desk; an integrator's unanswered comment is in the desk's "needs action"."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from porting import services
from porting.models import Comment, PortOrder
from tests.conftest import Api, make_tenant
from tests.desk.helpers import LIST, listed_ids, user_in

URL = "/v1/port-orders"


@pytest.fixture
def agent(db):
    return user_in("Porting agent", "agent")


def comments(api, order_id: str) -> list[dict]:
    response = api.get(f"{URL}/{order_id}/comments")
    assert response.status_code == 200
    return response.json()["data"]


def test_the_integrator_comments_and_reads_the_conversation_oldest_first(api, agent):
    order = api.create()
    created = api.post(f"{URL}/{order['id']}/comments", {"body": "  Customer moved, new address coming  "})
    assert created.status_code == 201, created.json()
    comment = created.json()
    assert re.fullmatch(r"cmt_[0-9a-z]{26}", comment["id"])
    assert comment["object"] == "comment" and comment["body"] == "Customer moved, new address coming"
    assert comment["author"]["type"] == "api_key" and comment["author"]["name"]
    assert comment["action_required"] is False and comment["created_at"].endswith("Z")
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Thanks, we hold the order", "visibility": "public"})
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "ticket 4411 with Verizon"})  # internal
    listed = comments(api, order["id"])
    assert [c["body"] for c in listed] == ["Customer moved, new address coming", "Thanks, we hold the order"]
    assert listed[1]["author"] == {"type": "staff", "name": "Porting desk"}


@pytest.mark.parametrize("body,pointer", [
    ({"body": ""}, "/body"), ({"body": "   "}, "/body"), ({"body": "x" * 5001}, "/body"), ({"body": 5}, "/body"),
    ({}, "/body"), ({"body": "hi", "public": False}, "/public"),
])
def test_a_bad_comment_is_a_400_with_a_pointer(api, body, pointer):
    order = api.create()
    response = api.post(f"{URL}/{order['id']}/comments", body)
    assert response.status_code == 400
    assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert Comment.objects.count() == 0


def test_5000_characters_are_accepted(api):
    order = api.create()
    assert api.post(f"{URL}/{order['id']}/comments", {"body": "x" * 5000}).status_code == 201


def test_another_accounts_order_has_no_comments_for_you(api):
    other = Api(APIClient(), make_tenant("Elsewhere"))
    theirs = other.create()
    assert api.get(f"{URL}/{theirs['id']}/comments").status_code == 404
    assert api.post(f"{URL}/{theirs['id']}/comments", {"body": "hello"}).status_code == 404


def test_action_required_holds_until_the_integrator_comments(api, agent):
    order = api.create()
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Please send a recent bill", "visibility": "public",
                                                  "action_required": "on"})
    assert api.get(f"{URL}/{order['id']}").json()["action_required"] is True
    assert comments(api, order["id"])[0]["action_required"] is True
    api.post(f"{URL}/{order['id']}/comments", {"body": "Uploaded it"})
    assert api.get(f"{URL}/{order['id']}").json()["action_required"] is False


def test_action_required_holds_until_the_integrator_updates_the_order(api, agent):
    order = api.create()
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "The zip is wrong", "visibility": "public",
                                                  "action_required": "on"})
    api.post(f"{URL}/{order['id']}", {"subscriber": {"address": {"zip": "20002"}}})
    assert api.get(f"{URL}/{order['id']}").json()["action_required"] is False


def test_an_internal_note_cannot_ask_for_an_action(api, agent):
    order = api.create()
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "x", "visibility": "internal", "action_required": "on"})
    assert api.get(f"{URL}/{order['id']}").json()["action_required"] is False
    assert Comment.objects.count() == 0


def test_public_comments_are_events_and_internal_notes_are_not(api, agent):
    order = api.create()
    api.post(f"{URL}/{order['id']}/comments", {"body": "From the integrator"})
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "From the desk", "visibility": "public"})
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Desk only"})
    events = [e for e in api.get(f"{URL}/{order['id']}/events").json()["data"] if e["type"] == "comment.created"]
    assert [e["data"]["body"] for e in events] == ["From the integrator", "From the desk"]
    assert [e["data"]["author"]["type"] for e in events] == ["api_key", "staff"]
    feed = api.get("/v1/events", account=None).json()["data"]
    assert "Desk only" not in str(feed) and "From the desk" in str(feed)


def test_an_unanswered_integrator_comment_is_in_needs_action_until_the_desk_answers(api, agent):
    order = api.create()
    api.create()  # another draft, quiet
    api.post(f"{URL}/{order['id']}/comments", {"body": "When will this port?"})
    assert listed_ids(agent.get(LIST, {"needs_action": "comment"})) == [order["id"]]
    assert order["id"] in listed_ids(agent.get(LIST, {"needs_action": "any"}))
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Internal: check with carrier"})
    assert listed_ids(agent.get(LIST, {"needs_action": "comment"})) == [order["id"]]  # a note is no answer
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Friday", "visibility": "public"})
    assert listed_ids(agent.get(LIST, {"needs_action": "comment"})) == []


def test_the_desks_public_comment_is_emailed_to_the_platform(api, agent, django_capture_on_commit_callbacks):
    from porting.models import Platform

    Platform.objects.filter(pk=api.tenant.platform.pk).update(notification_emails="ops@reseller.example")
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(f"{LIST}{order['id']}/comment/", {"body": "Please send a recent bill", "visibility": "public",
                                                      "action_required": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(f"{LIST}{order['id']}/comment/", {"body": "Secret desk note"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@reseller.example"] and "asks you for something" in message.subject
    assert "Please send a recent bill" in message.body and f"/v1/port-orders/{order['id']}/comments" in message.body


def test_the_desk_page_marks_public_comments_and_the_pending_action(api, agent):
    order = api.create()
    agent.post(f"{LIST}{order['id']}/comment/", {"body": "Need the bill", "visibility": "public",
                                                  "action_required": "on"})
    api.post(f"{URL}/{order['id']}/comments", {"body": "Sent"})
    services.port_order_comment(order=PortOrder.objects.get(pk=order["id"]), user=agent_user(), body="note")
    html = agent.get(f"{LIST}{order['id']}/change/").content.decode()
    assert "public comment · action required" in html and "public comment from the integrator" in html
    assert "internal note" in html


def agent_user():
    from django.contrib.auth.models import User

    return User.objects.get(username="agent")
