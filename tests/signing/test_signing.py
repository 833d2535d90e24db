"""Customer e-signature: approval requests, the emailed link, the signing page and its rules."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from porting.models import ApprovalRequest, Event, LoaDocument, Platform, PortOrder


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://porting.example.com"


def send_link(api, order_id: str, capture, email: str = "jane@smith.example") -> str:
    with capture(execute=True):
        response = api.post(f"/v1/port-orders/{order_id}/approval-requests", {"email": email, "name": "Jane Smith"})
    assert response.status_code == 201, response.json()
    return re.search(r"https://porting\.example\.com/sign/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)


@pytest.fixture
def link(api, django_capture_on_commit_callbacks):
    order = api.create()
    return order["id"], send_link(api, order["id"], django_capture_on_commit_callbacks)


def sign(client: Client, token: str, signature: str = "Jane Smith", consent: bool = True, **headers):
    data = {"signature": signature, **({"consent": "on"} if consent else {})}
    return client.post(f"/sign/{token}/", data, **headers)


def events(order_id: str) -> list[str]:
    return list(Event.objects.filter(order_id=order_id).order_by("pk").values_list("type", flat=True))


# --- the request and its email ----------------------------------------------------
def test_it_creates_a_request_and_emails_a_link_built_from_site_url(api, django_capture_on_commit_callbacks):
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/v1/port-orders/{order['id']}/approval-requests", {"email": "jane@smith.example"},
                            account=True)
    body = response.json()
    assert response.status_code == 201
    assert body["id"].startswith("apr_") and body["status"] == "sent" and body["email"] == "jane@smith.example"
    assert body["expires_at"] == (dt.datetime(2026, 12, 17, 15, 0, tzinfo=dt.UTC)).strftime("%Y-%m-%dT%H:%M")[:16] \
        + body["expires_at"][16:]
    message = mail.outbox[-1]
    assert message.to == ["jane@smith.example"]
    html = message.alternatives[0][0]
    assert "https://porting.example.com/sign/" in message.body and "https://porting.example.com/sign/" in html
    assert "approval_request.sent" in events(order["id"])


def test_only_a_hash_of_a_long_random_token_is_stored(link):
    order_id, token = link
    assert len(token) >= 43  # 32 bytes from the CSPRNG: 256 bits
    stored = ApprovalRequest.objects.get(order_id=order_id)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ApprovalRequest.objects.values()))


def test_an_incomplete_or_non_draft_order_cannot_be_sent(api):
    incomplete = api.create(requested_foc_date=None)
    response = api.post(f"/v1/port-orders/{incomplete['id']}/approval-requests", {"email": "a@b.example"})
    assert response.status_code == 400 and response.json()["code"] == "incomplete_order"
    approved = api.create()
    api.approve(approved["id"])
    assert api.post(f"/v1/port-orders/{approved['id']}/approval-requests", {"email": "a@b.example"}).status_code == 409
    assert api.post(f"/v1/port-orders/{approved['id']}/approval-requests", {"email": "nope"}).status_code == 400


# --- the page --------------------------------------------------------------------
def test_the_page_shows_the_order_and_records_only_the_first_view(client, link, api):
    order_id, token = link
    html = client.get(f"/sign/{token}/").content.decode()
    for expected in ["Smith Consulting", "Jane Smith", "123 Main St", "+12025551234", "Verizon Wireless",
                     "Letter of Authorization", "loa-preview.pdf", 'name="consent"', 'name="signature"',
                     'for="id_signature"', 'for="id_consent"']:
        assert expected in html, expected
    client.get(f"/sign/{token}/")
    assert events(order_id).count("approval_request.viewed") == 1
    assert PortOrder.objects.get(pk=order_id).status == "draft"
    statuses = [r["status"] for r in api.get(f"/v1/port-orders/{order_id}/approval-requests").json()["data"]]
    assert statuses == ["viewed"]


def test_the_preview_is_a_watermarked_pdf(client, link):
    _, token = link
    response = client.get(f"/sign/{token}/loa-preview.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "PREVIEW–NOTSIGNED" in "".join(text.split())


def test_signing_approves_the_order_and_gives_the_signed_loa(client, link, api, django_capture_on_commit_callbacks):
    order_id, token = link
    client.get(f"/sign/{token}/")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, token, "  jane   SMITH ", HTTP_USER_AGENT="Mozilla/5.0 (Phone)")
    assert response.status_code == 302 and response["Location"] == f"/sign/{token}/done/"
    order = PortOrder.objects.get(pk=order_id)
    assert order.status == "approved"
    assert (order.approval_ip, order.approval_user_agent) == ("127.0.0.1", "Mozilla/5.0 (Phone)")
    signed = Event.objects.get(order_id=order_id, type="approval_request.signed")
    assert signed.actor_type == "customer" and signed.data["ip"] == "127.0.0.1"
    done = client.get(f"/sign/{token}/done/").content.decode()
    assert "loa.pdf" in done
    pdf = client.get(f"/sign/{token}/loa.pdf").content
    assert hashlib.sha256(pdf).hexdigest() == LoaDocument.objects.get(order_id=order_id).sha256
    certificate = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    for expected in ["j•••@smith.example", "esign-consent-2026-11", "Mozilla/5.0 (Phone)", "127.0.0.1"]:
        assert expected in certificate, expected
    assert "jane@smith.example" not in certificate  # the certificate says how the signer was reached, masked
    assert api.get(f"/v1/port-orders/{order_id}/loa").content == pdf  # the API serves the same PDF


def test_the_signature_must_be_the_approvers_name(client, link):
    order_id, token = link
    response = sign(client, token, "John Smith")
    assert response.status_code == 400
    assert "approver" in response.content.decode()
    assert PortOrder.objects.get(pk=order_id).status == "draft"


def test_consent_is_required(client, link):
    order_id, token = link
    response = sign(client, token, consent=False)
    assert response.status_code == 400
    assert "consent" in response.content.decode().lower()
    assert PortOrder.objects.get(pk=order_id).status == "draft"


def test_posting_needs_the_csrf_token(link):
    order_id, token = link
    strict = Client(enforce_csrf_checks=True)
    assert sign(strict, token).status_code == 403
    assert PortOrder.objects.get(pk=order_id).status == "draft"


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.9"), (2, "198.51.100.7")])
def test_a_forged_forwarded_for_does_not_change_the_recorded_ip(client, link, settings, proxies, expected):
    settings.PORTING_TRUSTED_PROXY_COUNT = proxies
    order_id, token = link
    sign(client, token, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert PortOrder.objects.get(pk=order_id).approval_ip == expected


def test_posts_are_rate_limited_per_token(client, link):
    _, token = link
    codes = [sign(client, token, "Wrong Name").status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429


# --- dead links --------------------------------------------------------------------
def test_a_link_works_once(client, link):
    _, token = link
    sign(client, token)
    response = client.get(f"/sign/{token}/")
    assert response.status_code == 410
    assert "already been signed" in response.content.decode()
    assert "Smith Consulting" not in response.content.decode()


def test_a_link_expires(client, link, clock):
    order_id, token = link
    clock.move_to(dt.datetime(2026, 12, 17, 15, 1, tzinfo=dt.UTC))  # 7 days and a minute later
    response = client.get(f"/sign/{token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert "approval_request.expired" not in events(order_id)  # opening a link writes nothing
    from django.core.management import call_command

    call_command("refresh_port_orders", stdout=io.StringIO())
    assert events(order_id).count("approval_request.expired") == 1
    assert ApprovalRequest.objects.get(order_id=order_id).status == "expired"


def test_a_tampered_token_is_refused(client, link):
    _, token = link
    response = client.get(f"/sign/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_the_link_dies_when_the_order_changes(client, link, api):
    order_id, token = link
    api.post(f"/v1/port-orders/{order_id}", {"subscriber": {"business_name": "Smith LLC"}})
    assert client.get(f"/sign/{token}/").status_code == 410
    assert sign(client, token).status_code == 410
    assert "approval_request.revoked" in events(order_id)


def test_the_link_dies_when_the_order_is_cancelled_or_approved_another_way(client, api,
                                                                            django_capture_on_commit_callbacks):
    cancelled, approved = api.create(), api.create()
    token_c = send_link(api, cancelled["id"], django_capture_on_commit_callbacks)
    token_a = send_link(api, approved["id"], django_capture_on_commit_callbacks)
    api.post(f"/v1/port-orders/{cancelled['id']}/cancel")
    api.approve(approved["id"])
    assert client.get(f"/sign/{token_c}/").status_code == 410
    assert client.get(f"/sign/{token_a}/").status_code == 410


def test_a_new_request_replaces_the_old_link(client, api, django_capture_on_commit_callbacks):
    order = api.create()
    first = send_link(api, order["id"], django_capture_on_commit_callbacks)
    second = send_link(api, order["id"], django_capture_on_commit_callbacks)
    assert client.get(f"/sign/{first}/").status_code == 410
    assert client.get(f"/sign/{second}/").status_code == 200


# --- declining ---------------------------------------------------------------------
def test_declining_keeps_the_draft_and_tells_the_requester(client, api, django_capture_on_commit_callbacks):
    Platform.objects.filter(pk=api.tenant.platform.pk).update(notification_emails="ops@reseller.example")
    order = api.create()
    token = send_link(api, order["id"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sign/{token}/decline/", {"reason": "Our suite number is missing"})
    assert response.status_code == 200
    assert PortOrder.objects.get(pk=order["id"]).status == "draft"
    declined = Event.objects.get(order_id=order["id"], type="approval_request.declined")
    assert declined.data["reason"] == "Our suite number is missing"
    assert mail.outbox[-1].to == ["ops@reseller.example"]
    assert "suite number" in mail.outbox[-1].body
    assert client.get(f"/sign/{token}/").status_code == 410
    listed = api.get(f"/v1/port-orders/{order['id']}/approval-requests").json()["data"][0]
    assert listed["status"] == "declined" and listed["decline_reason"] == "Our suite number is missing"


def test_declining_needs_a_reason(client, link):
    _, token = link
    assert client.post(f"/sign/{token}/decline/", {"reason": "  "}).status_code == 400


def test_the_link_status_cannot_be_assigned_only_transitioned(link):
    approval = ApprovalRequest.objects.get(order_id=link[0])
    with pytest.raises(AttributeError):
        approval.status = "signed"


def test_the_sweep_expires_only_open_links(client, link, clock):
    order_id, token = link
    assert sign(client, token).status_code == 302
    clock.move_to(dt.datetime(2026, 12, 17, 15, 1, tzinfo=dt.UTC))  # past the link's expiry
    from django.core.management import call_command

    call_command("refresh_port_orders", stdout=io.StringIO())
    assert ApprovalRequest.objects.get(order_id=order_id).status == "signed"
    assert "approval_request.expired" not in events(order_id)


def test_the_api_reads_an_unswept_link_past_its_expiry_as_expired(api, link, clock):
    order_id, _ = link
    clock.move_to(dt.datetime(2026, 12, 17, 15, 1, tzinfo=dt.UTC))
    listed = api.get(f"/v1/port-orders/{order_id}/approval-requests").json()["data"]
    assert [a["status"] for a in listed] == ["expired"]
    assert ApprovalRequest.objects.get(order_id=order_id).status == "sent"  # reading wrote nothing
