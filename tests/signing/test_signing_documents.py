"""The signing page takes the document the losing carrier needs (a Comcast Business order's bill), before or
after signing, while the link is alive, with the same checks as the API's upload."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from porting import services
from porting.models import Document, Event, PortOrder
from tests.api.test_documents import COMCAST, jpeg_bytes, pdf_bytes
from tests.conftest import make_tenant, order_body
from tests.signing.test_browser_signing import serious_violations
from tests.signing.test_signing import send_link, sign


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = "https://porting.example.com"
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def comcast_link(api, django_capture_on_commit_callbacks):
    order = api.create([COMCAST])
    return order["id"], send_link(api, order["id"], django_capture_on_commit_callbacks)


def attach(client: Client, token: str, content: bytes, name: str = "bill.pdf", type_: str = "invoice", **extra):
    return client.post(f"/sign/{token}/documents/", {"type": type_, "file": SimpleUploadedFile(name, content),
                                                     **extra})


def test_the_page_asks_for_the_missing_bill_and_takes_it_before_signing(client, comcast_link, api):
    order_id, token = comcast_link
    page = client.get(f"/sign/{token}/").content.decode()
    assert "Documents your current carrier needs" in page and "still needed" in page
    assert 'enctype="multipart/form-data"' in page and f'action="/sign/{token}/documents/"' in page
    assert 'name="type" value="invoice"' in page and 'for="id_file"' in page
    response = attach(client, token, pdf_bytes())
    assert response.status_code == 302 and response["Location"] == f"/sign/{token}/#documents-title"
    document = Document.objects.get(order_id=order_id)
    assert (document.type, document.filename, document.content_type) == ("invoice", "bill.pdf", "application/pdf")
    assert document.uploaded_by_type == "customer"
    event = Event.objects.get(order_id=order_id, type="document.attached")
    assert event.actor_type == "customer" and event.actor_id == document.uploaded_by_id
    page = client.get(f"/sign/{token}/").content.decode()
    assert "received" in page and 'name="file"' not in page  # nothing more to ask
    assert api.refresh(order_id)["requirements"] == [{"type": "invoice", "status": "provided"}]
    assert [d["id"] for d in api.get(f"/v1/port-orders/{order_id}/documents").json()["data"]] == [document.pk]
    assert PortOrder.objects.get(pk=order_id).status == "draft"  # attaching is not signing


def test_it_takes_the_bill_after_signing_while_the_receipt_is_shown_then_the_link_is_dead(
        client, comcast_link, api, clock):
    order_id, token = comcast_link
    assert sign(client, token).status_code == 302
    done = client.get(f"/sign/{token}/done/").content.decode()
    assert "still needed" in done and f'action="/sign/{token}/documents/"' in done
    assert api.post(f"/v1/port-orders/{order_id}/submit").json()["code"] == "documents_required"
    response = attach(client, token, jpeg_bytes(), name="bill photo.jpg")
    assert response.status_code == 302 and response["Location"] == f"/sign/{token}/done/#documents-title"
    assert Document.objects.get(order_id=order_id).content_type == "image/jpeg"
    assert api.submit(order_id)["status"] == "submitted"
    clock.shift(dt.timedelta(hours=1, seconds=1))  # PORTING_SIGNED_LOA_LINK_TTL: the receipt is gone
    assert attach(client, token, pdf_bytes()).status_code == 410
    assert Document.objects.filter(order_id=order_id).count() == 1


@pytest.mark.parametrize(("content", "name", "status", "message"), [
    (b"<!DOCTYPE html><html><body>bill</body></html>", "bill.pdf", 400, "Only PDF, PNG and JPEG"),
    (pdf_bytes(password="s3cret"), "statement.pdf", 400, "encrypted"),
    (b"%PDF-1.7\n not really \n", "bill.pdf", 400, "could not be read"),
    (b"", "bill.pdf", 400, "The file is empty"),
])
def test_the_page_refuses_what_the_api_refuses(client, comcast_link, content, name, status, message):
    order_id, token = comcast_link
    response = attach(client, token, content, name=name)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert "Approve and sign" in html  # the page itself, to try again
    assert Document.objects.filter(order_id=order_id).count() == 0


def test_a_file_over_the_limit_is_a_413_page(client, comcast_link, settings):
    order_id, token = comcast_link
    settings.PORTING_DOCUMENT_MAX_BYTES = 2000
    response = attach(client, token, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 413
    assert "at most 2,000 bytes" in response.content.decode()
    assert Document.objects.filter(order_id=order_id).count() == 0


def test_the_upload_needs_the_csrf_token(comcast_link):
    order_id, token = comcast_link
    strict = Client(enforce_csrf_checks=True)
    assert attach(strict, token, pdf_bytes()).status_code == 403
    page = strict.get(f"/sign/{token}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert attach(strict, token, pdf_bytes(), csrfmiddlewaretoken=csrf).status_code == 302
    assert Document.objects.filter(order_id=order_id).count() == 1


def test_an_order_that_needs_nothing_shows_no_form_and_takes_no_file(client, link_without_requirements):
    order_id, token = link_without_requirements
    page = client.get(f"/sign/{token}/").content.decode()
    assert "Documents your current carrier needs" not in page and 'name="file"' not in page
    response = attach(client, token, pdf_bytes())
    assert response.status_code == 400
    assert Document.objects.filter(order_id=order_id).count() == 0


@pytest.fixture
def link_without_requirements(api, django_capture_on_commit_callbacks):
    order = api.create()  # Verizon Wireless: the sandbox needs no document
    return order["id"], send_link(api, order["id"], django_capture_on_commit_callbacks)


def test_a_dead_link_takes_nothing(client, comcast_link, api):
    order_id, token = comcast_link
    api.post(f"/v1/port-orders/{order_id}", {"subscriber": {"business_name": "Other Name LLC"}})  # revokes the link
    response = attach(client, token, pdf_bytes())
    assert response.status_code == 410
    assert Document.objects.filter(order_id=order_id).count() == 0
    assert attach(client, "not-a-token", pdf_bytes()).status_code == 410


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_customer_attaches_the_bill_then_signs(page, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    actor = services.Actor("system", "browser-test")
    body = order_body([COMCAST])
    body["requested_foc_date"], body["requested_foc_time"] = dt.date(2026, 12, 18), dt.time(10, 0)
    order = services.port_order_create(account_id=make_tenant().account.pk, livemode=False, data=body, actor=actor)
    services.approval_request_create(order=order, email="jane@smith.example", name="Jane Smith", actor=actor)
    link = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+/)", mail.outbox[-1].body).group(1)
    bill = tmp_path / "March bill.pdf"
    bill.write_bytes(pdf_bytes())
    page.goto(link)
    assert "still needed" in page.content()
    assert serious_violations(page) == []
    page.get_by_label("Upload a recent bill or the requested document").set_input_files(str(bill))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_selector("text=received")
    assert serious_violations(page) == []
    assert Document.objects.get(order_id=order.pk).filename == "March bill.pdf"
    page.get_by_label("I agree to sign this Letter of Authorization electronically.").check()
    page.get_by_label("Type your full name").fill("Jane Smith")
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_selector("text=your approval is signed")
    assert PortOrder.objects.get(pk=order.pk).status == "approved"
