"""The admin's dashboard: order counts and the desk's work."""
from porting import services
from tests.desk.helpers import ACTOR, create, submitted


def test_the_dashboard_counts_orders_and_lists_the_desks_work(agent):
    create()
    order = submitted()
    services.port_order_record_rejection(order=order, actor=ACTOR, code="address_mismatch")
    html = agent.get("/admin/").content.decode()
    assert "Porting desk" in html
    assert "Exceptions by rejection code" in html and "address_mismatch" in html
    assert "FOCs in the next 7 days" in html
