"""Supporting documents through the API: multipart upload (PDF, PNG, JPEG told from the bytes), limits, clean
file names, list/get/delete, one-hour download links, the carrier's requirements at submit, events, idempotency.

Files are made here: a PNG by hand (zlib and struct), a JPEG with Pillow, PDFs (and an encrypted one) with pypdf.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import re
import struct
import zlib

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import encode_multipart
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pypdf import PdfWriter

from porting import services
from porting.api.views import documents as document_views
from porting.models import Document, Event, PortOrder, WebhookDelivery
from tests.conftest import Api, make_tenant

URL = "/v1/port-orders"
COMCAST = "+12025553100"  # sandbox: line 3xxx, Comcast Business, which needs an invoice
MB = 1024 * 1024


# --- files ----------------------------------------------------------------------------------------------
def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xcc\x22\x11" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


# --- calls ----------------------------------------------------------------------------------------------
def upload(api: Api, order_id: str, content: bytes, name: str = "bill.pdf", type_: str = "invoice",
           client_type: str = "application/octet-stream", **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type=client_type), "type": type_, **fields}
    return api.client.post(f"{URL}/{order_id}/documents", data, format="multipart", **api.headers())


def attached(api: Api, order_id: str, content: bytes | None = None, **kwargs) -> dict:
    response = upload(api, order_id, content or pdf_bytes(), **kwargs)
    assert response.status_code == 201, response.json()
    return response.json()


def download_link(api: Api, order_id: str, document_id: str) -> dict:
    response = api.post(f"{URL}/{order_id}/documents/{document_id}/download-link")
    assert response.status_code == 200, response.json()
    return response.json()


def stored_files() -> list[str]:
    storage = storages["documents"]
    if not storage.exists(""):
        return []
    return [f"{order}/{name}" for order in storage.listdir("")[0] for name in storage.listdir(order)[1]]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test its own documents folder and temporary-upload folder."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "docs")}}}
    (tmp_path / "uploads").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.SITE_URL = "https://porting.example.com"
    return tmp_path


# --- upload: what is accepted ---------------------------------------------------------------------------
def test_it_attaches_a_pdf_and_answers_the_document(api):
    order = api.create()
    content = pdf_bytes(pages=2)
    response = upload(api, order["id"], content, name="March bill.pdf", description="  Comcast, March 2026  ")
    assert response.status_code == 201, response.json()
    document = response.json()
    assert re.fullmatch(r"doc_[0-9a-z]{26}", document["id"])
    assert document == {
        "id": document["id"], "object": "document", "type": "invoice", "filename": "March bill.pdf",
        "description": "Comcast, March 2026", "content_type": "application/pdf", "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(), "created_at": document["created_at"],
    }
    assert document["created_at"].endswith("Z")
    assert api.get(f"{URL}/{order['id']}/documents").json() == {"data": [document]}
    assert api.get(f"{URL}/{order['id']}/documents/{document['id']}").json() == document


@pytest.mark.parametrize(("content", "name", "client_type", "content_type", "filename"), [
    (png_bytes(), "scan.png", "image/png", "image/png", "scan.png"),
    (jpeg_bytes(), "photo.JPEG", "image/jpeg", "image/jpeg", "photo.JPEG"),
    (png_bytes(), "scan", "text/plain", "image/png", "scan.png"),  # the client's type and name count for nothing
    (pdf_bytes(), "bill.png", "image/png", "application/pdf", "bill.pdf"),  # a PDF renamed .png is a PDF
    (jpeg_bytes(), "bill.v2", "application/pdf", "image/jpeg", "bill.v2.jpg"),
])
def test_the_type_is_told_from_the_bytes_never_the_name_or_the_clients_type(
        api, content, name, client_type, content_type, filename):
    order = api.create()
    document = attached(api, order["id"], content, name=name, client_type=client_type)
    assert (document["content_type"], document["filename"]) == (content_type, filename)
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[content_type]
    assert Document.objects.get(pk=document["id"]).storage_name == f"{order['id']}/{document['id']}{extension}"


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "bill.pdf", "Only PDF, PNG and JPEG"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "bill.png", "Only PDF, PNG and JPEG"),
    (b"PK\x03\x04" + b"\x00" * 40, "bill.pdf", "Only PDF, PNG and JPEG"),
    (b"%PDF-1.7\n this is not a pdf at all \n", "bill.pdf", "could not be read"),
    (pdf_bytes()[:200], "truncated.pdf", "could not be read"),
    (pdf_bytes(password="s3cret"), "statement.pdf", "encrypted"),
    (png_bytes()[:40], "scan.png", "image could not be read"),
])
def test_other_types_and_encrypted_or_unreadable_files_are_a_clear_400(api, private_storage, content, name, message):
    order = api.create()
    response = upload(api, order["id"], content, name=name, client_type="application/pdf")
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert problem["code"] == "validation_error" and message in problem["detail"]
    assert [e["pointer"] for e in problem["errors"]] == ["/file"]
    assert Document.objects.count() == 0 and stored_files() == []
    assert list((private_storage / "uploads").iterdir()) == []  # its temporary file is gone with the answer


def test_an_empty_file_a_missing_file_and_a_bad_type_are_400s_with_pointers(api):
    order = api.create()
    assert upload(api, order["id"], b"").json()["errors"][0]["pointer"] == "/file"
    missing = api.client.post(f"{URL}/{order['id']}/documents", {"type": "invoice"}, format="multipart",
                              **api.headers())
    assert [e["pointer"] for e in missing.json()["errors"]] == ["/file"]
    bad_type = upload(api, order["id"], pdf_bytes(), type_="passport")
    assert bad_type.status_code == 400 and [e["pointer"] for e in bad_type.json()["errors"]] == ["/type"]
    unknown = upload(api, order["id"], pdf_bytes(), note="hi")
    assert unknown.status_code == 400 and [e["pointer"] for e in unknown.json()["errors"]] == ["/note"]
    assert Document.objects.count() == 0


def test_a_json_body_is_refused_as_unsupported(api):
    order = api.create()
    response = api.post(f"{URL}/{order['id']}/documents", {"type": "invoice"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_two_files_in_one_request_are_refused(api):
    order = api.create()
    body = {"file": [SimpleUploadedFile("a.pdf", pdf_bytes()), SimpleUploadedFile("b.pdf", pdf_bytes())],
            "type": "invoice"}
    response = api.client.post(f"{URL}/{order['id']}/documents", body, format="multipart", **api.headers())
    assert response.status_code == 400 and "one file" in response.json()["detail"]
    assert Document.objects.count() == 0


# --- limits -----------------------------------------------------------------------------------------------
def test_a_file_one_byte_over_10_mb_is_a_413_and_leaves_nothing_behind(api, private_storage):
    order = api.create()
    content = b"%PDF-1.7\n" + b"0" * (10 * MB + 1 - 9)
    assert len(content) == 10 * MB + 1
    response = upload(api, order["id"], content)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large" and "10 MB" in response.json()["detail"]
    assert Document.objects.count() == 0 and stored_files() == []
    assert list((private_storage / "uploads").iterdir()) == []  # the partial temporary file is gone too


def test_a_body_announced_far_larger_is_refused_before_it_is_read(api, settings):
    settings.PORTING_DOCUMENT_MAX_BYTES = 1000
    order = api.create()
    response = upload(api, order["id"], b"%PDF-1.7\n" + b"0" * 70_000)  # past the limit and the form's allowance
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_a_file_exactly_at_the_limit_is_accepted(api, settings):
    content = pdf_bytes()
    settings.PORTING_DOCUMENT_MAX_BYTES = len(content)
    order = api.create()
    assert upload(api, order["id"], content).status_code == 201
    assert upload(api, order["id"], content + b"\n").status_code == 413


def test_the_file_streams_to_a_temporary_file_not_into_memory(api, monkeypatch):
    seen = []
    attach = services.port_order_document_attach

    def spy(**kwargs):
        seen.append(kwargs["file"])
        return attach(**kwargs)

    monkeypatch.setattr(document_views.services, "port_order_document_attach", spy)
    order = api.create()
    attached(api, order["id"], pdf_bytes())
    assert hasattr(seen[0], "temporary_file_path")  # on disk, written in chunks as the body arrived


# --- file names and storage -------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "filename"), [
    ("../../etc/passwd", "passwd.pdf"),
    ("..\\..\\windows\\system32\\bill.pdf", "bill.pdf"),
    ("in\u202egpj.pdf", "ingpj.pdf"),  # a right-to-left override would show it as "infdp.jpg"
    ("bell\x07 and\x1b  spaces.pdf", "bell and spaces.pdf"),  # control characters out, spaces folded
    ("...hidden.pdf", "hidden.pdf"),
    ('what?"*<>|.pdf', "what______.pdf"),
    ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
])
def test_file_names_are_cleaned(api, name, filename):
    order = api.create()
    document = attached(api, order["id"], name=name)
    assert document["filename"] == filename
    stored = Document.objects.get(pk=document["id"]).storage_name
    assert stored == f"{order['id']}/{document['id']}.pdf"  # the stored name never comes from the client


def test_documents_are_in_the_private_storage_and_no_url_serves_them(api, client, private_storage):
    order = api.create()
    document = attached(api, order["id"])
    stored = Document.objects.get(pk=document["id"]).storage_name
    assert (private_storage / "docs" / stored).is_file()
    for path in (f"/media/{stored}", f"/static/{stored}", f"/private/documents/{stored}", f"/documents/{stored}"):
        assert client.get(path).status_code == 404, path


# --- delete -----------------------------------------------------------------------------------------------
def test_a_document_can_be_deleted_before_submit_and_not_after(api, private_storage,
                                                               django_capture_on_commit_callbacks):
    order = api.create()
    first = attached(api, order["id"])
    stored = private_storage / "docs" / Document.objects.get(pk=first["id"]).storage_name
    api.approve(order["id"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.client.delete(f"{URL}/{order['id']}/documents/{first['id']}", **api.headers())
    assert response.status_code == 204
    assert api.get(f"{URL}/{order['id']}/documents").json()["data"] == []
    assert api.get(f"{URL}/{order['id']}/documents/{first['id']}").status_code == 404
    assert not stored.exists()  # removed once the deletion committed
    second = attached(api, order["id"])
    api.submit(order["id"])
    late = api.client.delete(f"{URL}/{order['id']}/documents/{second['id']}", **api.headers())
    assert late.status_code == 409 and late.json()["code"] == "invalid_state"
    assert [d["id"] for d in api.get(f"{URL}/{order['id']}/documents").json()["data"]] == [second["id"]]


def test_an_ended_order_takes_no_more_documents(api):
    order = api.create()
    api.post(f"{URL}/{order['id']}/cancel")
    response = upload(api, order["id"], pdf_bytes())
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


# --- download links ---------------------------------------------------------------------------------------
def test_a_download_link_works_without_the_key_for_one_hour_then_410(api, clock):
    order = api.create()
    content = png_bytes()
    document = attached(api, order["id"], content, name="scan.png")
    link = download_link(api, order["id"], document["id"])
    assert link["url"].startswith("https://porting.example.com/v1/document-downloads/")
    assert link["expires_at"] == (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = link["url"].removeprefix("https://porting.example.com")
    anonymous = Client()  # no API key, no account header
    response = anonymous.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'
    assert response["Cache-Control"] == "private, no-store"
    clock.shift(dt.timedelta(minutes=59))
    assert anonymous.get(path).status_code == 200
    clock.shift(dt.timedelta(minutes=1, seconds=2))
    expired = anonymous.get(path)
    assert expired.status_code == 410
    assert expired["Content-Type"] == "application/problem+json" and expired.json()["code"] == "link_expired"
    fresh = download_link(api, order["id"], document["id"])["url"].removeprefix("https://porting.example.com")
    assert anonymous.get(fresh).status_code == 200


def test_a_store_that_fails_to_delete_the_file_is_retried_by_the_outbox(api, private_storage, clock,
                                                                     django_capture_on_commit_callbacks):
    """Removing the stored file is an outbox effect: a store that is down delays it, never loses it."""
    import datetime as dt

    from django.core.files.storage import FileSystemStorage

    from tests.outbox.helpers import row, sweep

    order = api.create()
    document = attached(api, order["id"])
    stored = private_storage / "docs" / Document.objects.get(pk=document["id"]).storage_name
    real_delete = FileSystemStorage.delete
    FileSystemStorage.delete = lambda self, name: (_ for _ in ()).throw(OSError("store unreachable"))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.client.delete(f"{URL}/{order['id']}/documents/{document['id']}", **api.headers())
    finally:
        FileSystemStorage.delete = real_delete
    assert response.status_code == 204 and stored.exists()
    pending = row(order["id"], "document_file_delete")
    assert pending.status == "pending" and "store unreachable" in pending.last_error
    clock.shift(dt.timedelta(minutes=5))
    sweep()
    assert row(order["id"], "document_file_delete").status == "done" and not stored.exists()


def test_a_forged_or_mangled_link_is_a_404_and_a_deleted_documents_link_a_410(api):
    order = api.create()
    document = attached(api, order["id"])
    path = download_link(api, order["id"], document["id"])["url"].removeprefix("https://porting.example.com")
    anonymous = Client()
    payload, stamp, signature = path.rsplit("/", 1)[1].split(":")
    other = attached(api, order["id"])["id"]  # its id put in this link's signed payload
    forged = path.replace(payload, base64.urlsafe_b64encode(json.dumps({"d": other}).encode()).decode().rstrip("="))
    assert forged != path
    for bad in (path[:-3] + "abc", forged, "/v1/document-downloads/nothing-here"):
        response = anonymous.get(bad)
        assert response.status_code == 404 and response.json()["code"] == "not_found", bad
    assert anonymous.post(path).status_code == 405
    api.client.delete(f"{URL}/{order['id']}/documents/{document['id']}", **api.headers())
    assert anonymous.get(path).status_code == 410


# --- requirements -----------------------------------------------------------------------------------------
def test_a_comcast_business_order_needs_an_invoice_before_submit(api):
    order = api.create([COMCAST])
    assert order["requirements"] == [{"type": "invoice", "status": "missing"}]
    api.approve(order["id"])
    refused = api.post(f"{URL}/{order['id']}/submit")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "documents_required" and "invoice" in problem["detail"]
    assert problem["errors"] == [{"pointer": "/requirements/0", "detail": "A document of type 'invoice' is missing."}]
    attached(api, order["id"], type_="csr")  # another type does not count
    assert api.post(f"{URL}/{order['id']}/submit").status_code == 422
    attached(api, order["id"], jpeg_bytes(), name="bill.jpg", type_="invoice")
    assert api.refresh(order["id"])["requirements"] == [{"type": "invoice", "status": "provided"}]
    submitted = api.post(f"{URL}/{order['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_other_sandbox_carriers_need_nothing(api):
    order = api.create()
    assert order["requirements"] == []
    api.approve(order["id"])
    assert api.submit(order["id"])["requirements"] == []
    listed = api.get(URL).json()["data"]
    assert all(o["requirements"] == [] for o in listed)


def test_the_list_shows_each_orders_requirements_with_one_query_for_the_whole_page(api):
    orders = [api.create([f"+1202555310{i}"]) for i in range(6)]
    for order in orders[::2]:
        attached(api, order["id"])
    api.get(URL)  # the key's first use of the minute also records last_used_at

    def listed(limit: int) -> tuple[int, dict[str, str]]:
        with CaptureQueriesContext(connection) as ctx:
            data = api.get(URL, limit=limit).json()["data"]
        return len(ctx.captured_queries), {o["id"]: o["requirements"][0]["status"] for o in data}

    few, _ = listed(2)
    many, statuses = listed(6)
    assert few == many
    assert statuses == {o["id"]: "provided" if i % 2 == 0 else "missing" for i, o in enumerate(orders)}


def test_deleting_the_invoice_makes_it_missing_again(api):
    order = api.create([COMCAST])
    document = attached(api, order["id"])
    assert api.refresh(order["id"])["requirements"][0]["status"] == "provided"
    api.client.delete(f"{URL}/{order['id']}/documents/{document['id']}", **api.headers())
    assert api.refresh(order["id"])["requirements"][0]["status"] == "missing"


# --- events and webhooks ----------------------------------------------------------------------------------
def test_attach_and_delete_write_public_events_that_webhooks_deliver(api, settings):
    settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = True
    services.webhook_endpoint_create(platform_id=api.tenant.platform.pk, livemode=False,
                                     url="http://127.0.0.1:9/hook", enabled_events=["document.*"])
    order = api.create()
    document = attached(api, order["id"])
    api.client.delete(f"{URL}/{order['id']}/documents/{document['id']}", **api.headers())
    events = [e for e in api.get(f"{URL}/{order['id']}/events").json()["data"] if e["type"].startswith("document.")]
    assert [e["type"] for e in events] == ["document.attached", "document.deleted"]
    assert events[0]["actor"]["type"] == "api_key"
    assert events[0]["data"] == {"document_id": document["id"], "type": "invoice", "filename": "bill.pdf",
                                 "content_type": "application/pdf", "size": document["size"],
                                 "sha256": document["sha256"]}
    assert events[1]["data"] == {"document_id": document["id"], "type": "invoice", "filename": "bill.pdf"}
    delivered = WebhookDelivery.objects.filter(endpoint__platform=api.tenant.platform)
    assert sorted(delivered.values_list("event_type", flat=True)) == ["document.attached", "document.deleted"]


# --- idempotency ------------------------------------------------------------------------------------------
def multipart(api: Api, order_id: str, content: bytes, boundary: str, key: str, name: str = "bill.pdf"):
    body = encode_multipart(boundary, {"file": SimpleUploadedFile(name, content), "type": "invoice"})
    return api.client.generic("POST", f"{URL}/{order_id}/documents", body,
                              content_type=f"multipart/form-data; boundary={boundary}",
                              HTTP_IDEMPOTENCY_KEY=key, **api.headers())


def test_a_retried_upload_with_the_same_key_replays_the_first_answer(api):
    order = api.create()
    content = pdf_bytes()
    first = multipart(api, order["id"], content, "boundary-one", "upload-1")
    again = multipart(api, order["id"], content, "another-boundary-2", "upload-1")  # a client's retry
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Document.objects.filter(order_id=order["id"]).count() == 1
    other = multipart(api, order["id"], pdf_bytes(pages=2), "boundary-one", "upload-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    renamed = multipart(api, order["id"], content, "boundary-one", "upload-1", name="other.pdf")
    assert renamed.status_code == 422


def test_a_large_upload_with_a_key_is_fingerprinted_without_reading_it_into_memory(api):
    order = api.create()
    content = pdf_bytes() + b"%" + b"0" * (3 * MB)  # past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    first = multipart(api, order["id"], content, "b1", "big")
    assert first.status_code == 201, first.json()
    assert multipart(api, order["id"], content, "b2", "big")["Idempotent-Replayed"] == "true"


# --- tenancy ----------------------------------------------------------------------------------------------
def test_another_orders_or_accounts_document_is_the_same_404_as_a_random_id(api):
    order = api.create()
    document = attached(api, order["id"])
    mine = api.create()
    random_id = "doc_01h2xcejqtf2nbrexx3vqjhp41"
    for path in (f"{URL}/{mine['id']}/documents/{{}}", f"{URL}/{mine['id']}/documents/{{}}/download-link"):
        method = api.post if path.endswith("link") else api.get
        stolen, missing = method(path.format(document["id"])), method(path.format(random_id))
        assert stolen.status_code == missing.status_code == 404
        assert stolen.json()["detail"].replace(document["id"], random_id) == missing.json()["detail"]
    assert api.client.delete(f"{URL}/{mine['id']}/documents/{document['id']}", **api.headers()).status_code == 404
    intruder = Api(api.client, make_tenant("Mallory"))
    assert intruder.get(f"{URL}/{order['id']}/documents").status_code == 404
    assert intruder.get(f"{URL}/{order['id']}/documents/{document['id']}").status_code == 404
    assert upload(intruder, order["id"], pdf_bytes()).status_code == 404
    assert Event.objects.filter(order_id=order["id"], type="document.deleted").count() == 0
    assert PortOrder.objects.get(pk=order["id"]).documents.count() == 1


# --- the schema -------------------------------------------------------------------------------------------
def test_the_schema_describes_the_multipart_upload_and_the_requirements(client, db):
    schema = client.get("/v1/openapi.json").json()
    create = schema["paths"]["/v1/port-orders/{order_id}/documents"]["post"]
    body = create["requestBody"]["content"]["multipart/form-data"]["schema"]
    component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert component["properties"]["file"] == {**component["properties"]["file"], "type": "string",
                                               "format": "binary"}
    assert set(component["required"]) == {"file", "type"}
    assert {"201", "400", "404", "409", "413"} <= set(create["responses"])
    order = schema["components"]["schemas"]["PortOrderOut"]
    assert "requirements" in order["properties"] and "requirements" in order["required"]
