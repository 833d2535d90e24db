"""The order page: masked secrets, only the allowed buttons, the admin's quoted link, the timeline."""
import re

from tests.desk.helpers import LIST, approved, submitted


def test_the_order_page_masks_secrets_and_shows_only_allowed_buttons(agent):
    order = approved()
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "•••••6789" in html and "****" in html
    assert "123456789" not in html and ">1234<" not in html
    assert re.findall(r'data-action="(\w+)"', html) == ["submit", "cancel"]
    assert 'name="status"' not in html  # status is never a free field


def test_the_order_page_works_through_the_admins_own_quoted_link(agent):
    order = approved()
    link = re.search(r'<th class="field-id"><a href="([^"]+)"', agent.get(LIST).content.decode()).group(1)
    assert "_5F" in link  # the admin quotes the underscore of TypeIDs
    html = agent.get(link).content.decode()
    assert order.pk in html and 'data-action="submit"' in html


def test_the_timeline_lists_events_newest_first_with_who_and_how(agent):
    order = submitted()
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    types = re.findall(r"<strong>(port_order\.\w+)</strong>", html)
    assert types == ["port_order.submitted", "port_order.approved", "port_order.losing_carrier_confirmed",
                     "port_order.created"]
    assert "203.0.113.42" in html
