"""The LOA from the desk: the preview before approval, the signed LOA after."""
from porting import services
from tests.desk.helpers import ACTOR, LIST, create


def test_the_admin_offers_the_loa_preview_and_the_signed_loa(agent, django_capture_on_commit_callbacks):
    order = create(live=False)  # the sandbox names the losing carrier: no desk confirmation needed
    preview = agent.get(f"{LIST}{order.pk}/loa-preview/")
    assert preview["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        services.port_order_approve(order=order, signature="Jane Smith", ip="203.0.113.42", actor=ACTOR)
    assert "Download signed LOA" in agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert agent.get(f"{LIST}{order.pk}/loa/").content.startswith(b"%PDF")
