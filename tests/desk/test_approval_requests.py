"""Approval requests from the desk: sent, resent (the older one revoked), and shown on the order."""
from tests.desk.helpers import LIST, create


def test_an_agent_sends_and_resends_an_approval_request(agent, django_capture_on_commit_callbacks):
    from django.core import mail

    order = create(live=False)
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert 'data-action="approval-request"' in html
    url = f"{LIST}{order.pk}/approval-request/"
    assert agent.post(url, {"email": "not-an-email"}).status_code == 400
    for _ in range(2):  # each request commits (and emails) before the next one
        with django_capture_on_commit_callbacks(execute=True):
            agent.post(url, {"email": "jane@smith.example", "name": "Jane Smith"})
    assert len(mail.outbox) == 2
    statuses = list(order.approval_requests.order_by("pk").values_list("status", flat=True))
    assert statuses == ["revoked", "sent"]
    page = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Approval requests" in page and "approval_request.sent" in page
