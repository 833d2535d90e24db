"""Who may do what on the desk: viewers read, staff without a group see nothing, superusers alone manage keys."""
from django.contrib.auth.models import Group

from tests.desk.helpers import LIST, approved, desk, status_of, user_in


def test_a_viewer_reads_but_cannot_work_orders(viewer):
    order = approved()
    assert viewer.get(LIST).status_code == 200
    html = viewer.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "data-action" not in html and "Reveal" not in html
    assert viewer.post(desk(order, "submit")).status_code == 403
    assert viewer.post(f"{LIST}{order.pk}/reveal/").status_code == 403
    assert viewer.post(f"{LIST}{order.pk}/comment/", {"body": "x"}).status_code == 403
    assert status_of(order) == "approved"


def test_staff_without_a_group_see_nothing(db):
    nobody = user_in(None, "nobody")
    assert nobody.get(LIST).status_code == 403


def test_only_superusers_manage_api_keys_and_platforms(agent, superuser):
    assert agent.get("/admin/porting/apikey/").status_code == 403
    assert agent.get("/admin/porting/platform/add/").status_code == 403
    assert superuser.get("/admin/porting/apikey/").status_code == 200


def test_the_groups_exist_after_migrations(db):
    agent = set(Group.objects.get(name="Porting agent").permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name="Porting viewer").permissions.values_list("codename", flat=True))
    assert {"work_portorder", "reveal_portorder_secrets", "view_portorder"} <= agent
    assert "view_portorder" in viewer and "work_portorder" not in viewer
