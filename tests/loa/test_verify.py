"""/verify/: anyone uploads an LOA (or pastes its SHA-256) and learns, in plain words or JSON, whether it
was issued here and unaltered. One vector of each kind, made here from a real sealed LOA."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import NameObject

from porting.loa import render_loa_pdf
from porting.models import LoaDocument, PortOrder
from porting.verify.views import VERIFY_REQUESTS
from tests.loa.conftest import first_revision, issue, sign_with

MB = 1024 * 1024


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def post(client: Client, *, pdf: bytes | None = None, sha256: str | None = None, json: bool = True, **extra):
    """A POST as the page's forms make it: CSRF cookie from a GET first, its token in the form."""
    client.get("/verify/")
    data: dict = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    if pdf is not None:
        data["pdf"] = SimpleUploadedFile("loa.pdf", pdf, content_type="application/pdf")
    if sha256 is not None:
        data["sha256"] = sha256
    return client.post("/verify/", data, HTTP_ACCEPT="application/json" if json else "text/html", **extra)


def verdict(client: Client, pdf: bytes) -> dict:
    response = post(client, pdf=pdf)
    assert response.status_code == 200, response.content
    return response.json()


# --- the vectors ------------------------------------------------------------------------------
def flip_a_byte_in_the_letter(pdf: bytes) -> bytes:
    """One bit of one byte in the middle of the letter as rendered (inside the bytes the seal covers)."""
    position = len(first_revision(pdf)) // 2
    return pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:]


def flip_a_byte_in_the_seal(pdf: bytes) -> bytes:
    """One hex digit of the signature container itself."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <") + 400
    return pdf[:start] + (b"0" if pdf[start:start + 1] != b"0" else b"1") + pdf[start + 1:]


def append_an_incremental_update(pdf: bytes) -> bytes:
    """pypdf's incremental writer: a note added on page 1, after the seal, the sealed bytes kept as they are."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_annotation(page_number=0, annotation=FreeText(text="Also port +12025559999",
                                                             rect=(50, 50, 300, 80)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reseal_with_another_key(pdf: bytes, operator: str) -> bytes:
    """The LOA as rendered (its seal dropped), sealed again with a key that names the same operator."""
    return sign_with(first_revision(pdf), issue(f"{operator} LOA seal"))


def strip_the_signature(pdf: bytes) -> bytes:
    """pypdf rewrites the file without its signature field, its widget and the certification entry."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for key in ("/AcroForm", "/Perms"):
        if key in writer.root_object:
            del writer.root_object[NameObject(key)]
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is not None:
            kept = [a for a in annotations if a.get_object().get("/FT") != "/Sig"]
            if kept:
                page[NameObject("/Annots")] = type(annotations)(kept)
            else:
                del page[NameObject("/Annots")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the verdicts -----------------------------------------------------------------------------
def test_the_sealed_loa_is_valid_and_shows_what_it_is_and_nothing_secret(browser, sealed_loa, settings):
    body = verdict(browser, bytes(sealed_loa.pdf))
    assert body["verdict"] == "valid"
    assert body["sha256"] == sealed_loa.sha256
    assert body["loa"] == {
        "operator": settings.PORTING_OPERATOR_NAME, "order_id": sealed_loa.order_id,
        "business_name": "Smith Consulting", "signer_name": "Jane Smith", "signed_at": "2026-12-10T15:00:00Z",
        "number_count": 2, "sealed_at": body["loa"]["sealed_at"], "seal_level": "B-B", "current": True,
    }
    assert body["loa"]["sealed_at"].startswith("2026-12-10T15:00")


def test_a_pasted_sha256_of_an_issued_loa_is_valid_in_any_case_and_spacing(browser, sealed_loa):
    spaced = " ".join(re.findall(".{8}", sealed_loa.sha256.upper()))
    body = post(browser, sha256=spaced).json()
    assert body["verdict"] == "valid" and body["loa"]["order_id"] == sealed_loa.order_id


def test_a_flipped_byte_in_the_letter_is_altered(browser, sealed_loa):
    assert verdict(browser, flip_a_byte_in_the_letter(bytes(sealed_loa.pdf)))["verdict"] == "altered"


def test_a_flipped_byte_in_the_seal_is_altered(browser, sealed_loa):
    assert verdict(browser, flip_a_byte_in_the_seal(bytes(sealed_loa.pdf)))["verdict"] == "altered"


def test_an_incremental_update_after_the_seal_is_appended_and_the_sealed_part_is_named(browser, sealed_loa):
    pdf = bytes(sealed_loa.pdf)
    changed = append_an_incremental_update(pdf)
    assert changed.startswith(pdf) and len(changed) > len(pdf)
    body = verdict(browser, changed)
    assert body["verdict"] == "appended"
    assert body["sealed_part_sha256"] == sealed_loa.sha256 and body["sealed_part_issued_here"] is True
    assert body["loa"] is None


def test_the_letter_resealed_with_another_key_is_other_seal_whatever_name_it_carries(browser, sealed_loa, settings):
    body = verdict(browser, reseal_with_another_key(bytes(sealed_loa.pdf), settings.PORTING_OPERATOR_NAME))
    assert body["verdict"] == "other_seal"
    assert body["sealed_by"] == f"{settings.PORTING_OPERATOR_NAME} LOA seal"  # the same name: not the same key
    assert body["loa"] is None


def test_the_letter_with_its_signature_stripped_is_not_sealed(browser, sealed_loa):
    stripped = strip_the_signature(bytes(sealed_loa.pdf))
    assert not [f for f in (PdfReader(io.BytesIO(stripped)).get_fields() or {}).values() if f.get("/FT") == "/Sig"]
    assert verdict(browser, stripped)["verdict"] == "not_sealed"


def test_the_letter_as_rendered_before_its_seal_is_not_sealed(browser, sealed_loa):
    assert verdict(browser, first_revision(bytes(sealed_loa.pdf)))["verdict"] == "not_sealed"


def test_a_file_that_is_not_a_pdf_is_unknown(browser, db):
    assert verdict(browser, b"GIF89a not an LOA at all")["verdict"] == "unknown"


def test_a_sha256_not_on_record_is_unknown(browser, sealed_loa):
    body = post(browser, sha256=hashlib.sha256(b"something else").hexdigest()).json()
    assert body["verdict"] == "unknown" and body["loa"] is None


def test_a_superseded_loa_is_still_valid_and_says_it_was_superseded(browser, api, sealed_loa):
    api.post(f"/v1/port-orders/{sealed_loa.order_id}", {"subscriber": {"business_name": "Smith LLC"}})
    body = post(browser, sha256=sealed_loa.sha256).json()
    assert body["verdict"] == "valid"
    assert body["loa"]["current"] is False and body["loa"]["business_name"] == "Smith Consulting"  # as sealed


def test_an_loa_stored_before_sealing_began_is_not_sealed_but_recognised(browser, api):
    order = PortOrder.objects.prefetch_related("numbers").get(pk=api.create()["id"])
    unsealed = render_loa_pdf(order, preview=True)
    LoaDocument.objects.create(order=order, pdf=unsealed, sha256=hashlib.sha256(unsealed).hexdigest(),
                               content_sha256="0" * 64)
    for body in (verdict(browser, unsealed), post(browser, sha256=hashlib.sha256(unsealed).hexdigest()).json()):
        assert body["verdict"] == "not_sealed" and body["issued_here"] is True and body["loa"] is None


# --- the page ---------------------------------------------------------------------------------
def test_each_verdict_reads_in_plain_words_on_the_page(browser, sealed_loa):
    pdf = bytes(sealed_loa.pdf)
    pages = {
        "valid": pdf, "altered": flip_a_byte_in_the_letter(pdf), "appended": append_an_incremental_update(pdf),
        "not_sealed": first_revision(pdf), "unknown": b"%PDF-1.7 truncated",
    }
    headlines = {"valid": "Valid: an unaltered LOA issued by", "altered": "Altered: this file was changed after",
                 "appended": "Appended: content was added after the seal", "not_sealed": "Not sealed",
                 "unknown": "Unknown"}
    for expected, vector in pages.items():
        response = post(browser, pdf=vector, json=False)
        html = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert f'data-verdict="{expected}"' in html, expected
        assert re.search(r'<h2 id="result-title">' + re.escape(headlines[expected]), html), expected


def test_the_page_never_shows_a_pin_an_account_number_an_ip_or_an_email(
    browser, api, django_capture_on_commit_callbacks
):
    order = api.create(["+12025551234"], subscriber={
        "btn": "+12025551234", "business_name": "Smith Consulting", "approver_name": "Jane Smith",
        "account_number": "A7Q9X3Z8W1", "pin": "8642",
        "address": {"house_number": "123", "street_name": "Main St", "city": "Washington", "state": "DC",
                    "zip": "20001"}})
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    pdf = bytes(LoaDocument.objects.get(order_id=order["id"]).pdf)
    for json in (True, False):
        text = post(browser, pdf=pdf, json=json).content.decode()
        without_ids = re.sub(r"[0-9a-f]{64}|port_[0-9a-z]{26}", "", text)
        for secret in ("8642", "A7Q9X3Z8W1", "Z8W1", "203.0.113.42", "@"):
            assert secret not in without_ids, (secret, json)


def test_the_page_needs_no_login_has_labelled_fields_and_loads_nothing_from_elsewhere(client, db):
    response = client.get("/verify/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Verify a Letter of Authorization</h1>" in html
    for field in ("pdf", "sha256"):
        assert f'<label for="id_{field}">' in html and f'id="id_{field}"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 2
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets


def test_a_post_without_the_csrf_token_is_refused(browser, db):
    response = browser.post("/verify/", {"sha256": "0" * 64}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403


def test_nothing_to_check_is_a_problem_for_json_clients_and_an_error_on_the_page(browser, db):
    response = post(browser)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    page = post(browser, sha256="not-a-hash", json=False)
    assert page.status_code == 400 and "A SHA-256 is 64 hexadecimal characters" in page.content.decode()


def test_an_upload_over_10_mb_is_refused_with_413_and_10_mb_is_read(browser, db):
    too_big = post(browser, pdf=b"%PDF-1.7\n" + b"0" * (10 * MB))
    assert too_big.status_code == 413 and too_big.json()["code"] == "payload_too_large"
    at_limit = post(browser, pdf=b"%PDF-1.7\n" + b"0" * (10 * MB - 9))
    assert at_limit.status_code == 200 and at_limit.json()["verdict"] in ("unknown", "not_sealed")


def test_a_body_over_the_limit_is_refused_before_it_is_read(browser, db):
    response = browser.post("/verify/", data=b"x", content_type="multipart/form-data; boundary=x",
                            CONTENT_LENGTH=str(11 * MB), HTTP_ACCEPT="application/json")
    assert response.status_code == 413  # not 403: neither the form nor the CSRF token was read


def test_checks_are_limited_per_client_ip(browser, db):
    for _ in range(VERIFY_REQUESTS):
        assert post(browser, sha256="0" * 64).status_code == 200
    refused = post(browser, sha256="0" * 64)
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert post(browser, sha256="0" * 64, REMOTE_ADDR="198.51.100.7").status_code == 200  # another client
