"""One error shape everywhere under /v1: RFC 9457 problem details, never a stack trace."""
from __future__ import annotations


def test_an_unknown_api_path_is_a_problem_404(client, db):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()) >= {"type", "title", "status", "detail", "code", "errors"}


def test_a_wrong_method_is_a_problem_405(api):
    response = api.client.delete("/v1/port-orders", **api.headers())
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_form_body_is_a_problem_415(api):
    response = api.client.post("/v1/port-orders", "phone_numbers=1", content_type="application/x-www-form-urlencoded",
                               **api.headers())
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_problem_bodies_carry_type_title_status_detail_code_and_pointers(api):
    body = api.post("/v1/port-orders", {"phone_numbers": ["bad"]}).json()
    assert body["type"].endswith("/validation_error")
    assert body["status"] == 400
    assert body["errors"] == [{"pointer": "/phone_numbers/0", "detail": body["errors"][0]["detail"]}]


def test_a_nul_byte_in_an_id_is_a_404_problem_on_every_id_route(api, client, django_user_model):
    paths = ["/v1/port-orders/port_%00abc", "/v1/port-orders/port_%00abc/events", "/v1/port-orders/port_%00abc/loa",
             "/v1/port-orders/port_%00abc/approval-requests", "/v1/webhook-endpoints/we_%00x",
             "/v1/webhook-endpoints/we_%00x/deliveries", "/v1/events/evt_%00x"]
    for path in paths:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
    for path in ["/v1/port-orders/port_%00abc", "/v1/port-orders/port_%00abc/submit", "/v1/events/evt_%00x/redeliver"]:
        assert api.post(path).status_code == 404, path
    staff = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345-long")
    client.force_login(staff)
    assert client.get("/admin/porting/portorder/port_%00abc/change/").status_code in (302, 404)
    assert client.get("/admin/porting/portorder/port_%00abc/loa/").status_code == 404
