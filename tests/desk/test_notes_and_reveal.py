"""Internal notes on an order, and the audited reveal of its secrets."""
from porting.models import Event
from tests.desk.helpers import LIST, approved, create


def test_an_agent_adds_an_internal_note(agent):
    order = create()
    agent.post(f"{LIST}{order.pk}/comment/", {"body": "Called the losing carrier, ticket 4411"})
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "ticket 4411" in html and "comment.created" in html


def test_an_agent_reveals_the_secrets_and_the_reveal_is_audited(agent):
    order = approved()
    response = agent.post(f"{LIST}{order.pk}/reveal/")
    html = response.content.decode()
    assert "123456789" in html and "1234" in html
    assert "no-store" in response["Cache-Control"]
    event = Event.objects.filter(order=order, type="port_order.secrets_revealed").get()
    assert event.actor_id == "agent"
