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


def test_json_nested_a_thousand_deep_is_a_400_malformed_request_on_every_json_endpoint(api, tenant):
    order_id = api.create()["id"]
    bodies = ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000,
              '{"phone_numbers": ' + "[" * 1000 + "]" * 1000 + "}"]
    paths = ["/v1/port-in-eligibility", "/v1/port-orders", f"/v1/port-orders/{order_id}",
             f"/v1/port-orders/{order_id}/approve", f"/v1/port-orders/{order_id}/cancel",
             f"/v1/port-orders/{order_id}/approval-requests", f"/v1/test-helpers/port-orders/{order_id}/foc",
             "/v1/webhook-endpoints"]
    for path in paths:
        for body in bodies:
            response = api.client.post(path, body, content_type="application/json", **api.headers())
            assert response.status_code == 400, (path, response.status_code)
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "malformed_request"


def test_json_nested_32_deep_is_parsed_and_33_deep_is_refused(api):
    def nested(depth: int) -> str:
        return '{"phone_numbers": ["+12025551234"], "subscriber": ' + '{"a":' * (depth - 1) + "1" + "}" * depth

    # 32 levels parse: the serializer then names the unknown key; 33 levels stop at the parser.
    assert api.client.post("/v1/port-orders", nested(32), content_type="application/json",
                           **api.headers()).json()["code"] == "validation_error"
    assert api.client.post("/v1/port-orders", nested(33), content_type="application/json",
                           **api.headers()).json()["code"] == "malformed_request"


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    body = '{"phone_numbers": ["' + "[{" * 100 + '"]}'
    response = api.client.post("/v1/port-in-eligibility", body, content_type="application/json", **api.headers())
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_a_body_over_the_upload_limit_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"phone_numbers": [' + ",".join(['"+12025551234"'] * 1000) + "]}"
    for path, headers in [("/v1/port-orders", {}), ("/v1/port-in-eligibility", {}),
                          ("/v1/port-orders", {"HTTP_IDEMPOTENCY_KEY": "big-1"})]:
        response = api.client.post(path, body, content_type="application/json", **api.headers(), **headers)
        assert response.status_code == 413, path
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "payload_too_large"
        assert problem["status"] == 413
        assert set(problem) >= {"type", "title", "status", "detail", "code", "errors"}


def test_numbers_are_not_accepted_for_string_fields(api):
    order_id = api.create()["id"]
    cases = [(f"/v1/port-orders/{order_id}/cancel", {"reason": 0}, "/reason"),
             (f"/v1/port-orders/{order_id}/approval-requests", {"email": "jane@example.com", "name": 0}, "/name"),
             (f"/v1/test-helpers/port-orders/{order_id}/reject", {"code": "other", "message": 0}, "/message"),
             (f"/v1/port-orders/{order_id}", {"subscriber": {"business_name": 1.5}}, "/subscriber/business_name"),
             (f"/v1/port-orders/{order_id}/approve", {"signature": 7, "ip": "203.0.113.42"}, "/signature"),
             ("/v1/port-in-eligibility", {"phone_numbers": [12025551234]}, "/phone_numbers/0"),
             ("/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hook", "description": 0}, "/description")]
    for path, body, pointer in cases:
        response = api.post(path, body)
        assert response.status_code == 400, (path, response.json())
        assert response.json()["errors"] == [{"pointer": pointer, "detail": "Must be a string."}], path
    assert api.get(f"/v1/port-orders/{order_id}").json()["status"] == "draft"


def test_a_boolean_field_takes_only_true_or_false(api, settings):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    endpoint = api.post("/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hook"}, account=False).json()
    for value in (1, "true", "yes"):
        response = api.post(f"/v1/webhook-endpoints/{endpoint['id']}", {"disabled": value}, account=False)
        assert response.status_code == 400, value
        assert response.json()["errors"] == [{"pointer": "/disabled", "detail": "Must be true or false."}]


def test_a_null_or_falsy_body_is_not_taken_for_an_empty_object(api):
    order_id = api.create()["id"]
    paths = [f"/v1/test-helpers/port-orders/{order_id}/foc", f"/v1/port-orders/{order_id}/cancel"]
    for path in paths:
        for body in ("null", "false", "0", "[]", '""'):
            response = api.client.post(path, body, content_type="application/json", **api.headers())
            assert response.status_code == 400, (path, body)
            assert response.json()["code"] == "validation_error"
    assert api.get(f"/v1/port-orders/{order_id}").json()["status"] == "draft"
    # No body at all is still an empty one: the fields are optional.
    assert api.post(f"/v1/port-orders/{order_id}/cancel").status_code == 200


def test_an_undeclared_method_is_a_405_even_without_the_account_header(api):
    response = api.client.put("/v1/port-orders", {}, format="json", **api.headers(account=False))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "POST" in response["Allow"]


def test_a_number_of_e164_form_is_answered_not_refused_and_only_that_form_is_taken(api):
    """The schema's pattern is the E.164 form: an unassigned country code is an invalid number (as
    +12020000000 is), not a 400; a number with a newline after it is not of that form."""
    response = api.post("/v1/port-in-eligibility", {"phone_numbers": ["+38413815", "+6932977"]}, account=False)
    assert response.status_code == 200
    assert [(n["phone_number"], n["reason"]) for n in response.json()["non_portable_numbers"]] == [
        ("+38413815", "invalid_phone_number"), ("+6932977", "invalid_phone_number")]
    response = api.post("/v1/port-in-eligibility", {"phone_numbers": ["+12025551234\n"]}, account=False)
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/phone_numbers/0"


def test_a_webhook_url_with_a_port_past_65535_is_a_400_not_a_500(api, settings):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    response = api.post("/v1/webhook-endpoints", {"url": "http://127.0.0.1:99999/hook"}, account=False)
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/url"
    assert api.post("/v1/webhook-endpoints", {"url": "http://[::1]:65535/hook"}, account=False).status_code == 201
