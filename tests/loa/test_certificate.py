"""The LOA's certificate page: how the signer was reached and verified, the evidence (content hash, the
audit chain head at signing, the seal's certificate fingerprint) and the verify URL as text and as a QR
code that reads back. Never the PIN or the full account number."""
from __future__ import annotations

import hashlib
import io

import zxingcpp
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from porting.loa import content_sha256
from porting.models import Event, LoaDocument, PortOrder, SealKey
from tests.signing.test_signing import send_link, sign


def certificate_page(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()


def flat(text: str) -> str:
    """Long hashes wrap over lines in a narrow cell."""
    return "".join(text.split())


def test_an_api_approval_names_the_api_key_on_behalf_of_the_customer(sealed_loa):
    approved = Event.objects.get(order_id=sealed_loa.order_id, type="port_order.approved")
    assert approved.actor_type == "api_key" and approved.actor_id.startswith("key_")
    page = flat(certificate_page(bytes(sealed_loa.pdf)))
    assert flat(f"API key {approved.actor_id} on behalf of the customer") in page
    assert "203.0.113.42" in page


def test_a_signing_link_approval_names_the_masked_email_and_the_ip_it_was_opened_from(
    api, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://porting.example.com"  # where send_link looks for the link in the email
    order = api.create()
    token = send_link(api, order["id"], django_capture_on_commit_callbacks)
    client.get(f"/sign/{token}/")
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, token, "Jane Smith")
    page = certificate_page(bytes(LoaDocument.objects.get(order_id=order["id"]).pdf))
    assert "Emailed signing link to j•••@smith.example, opened from IP 127.0.0.1" in " ".join(page.split())
    assert "jane@smith.example" not in page


def test_it_shows_the_content_hash_the_chain_head_at_signing_and_the_seal_fingerprint(sealed_loa):
    page = flat(certificate_page(bytes(sealed_loa.pdf)))
    order = PortOrder.objects.prefetch_related("numbers").get(pk=sealed_loa.order_id)
    approved = Event.objects.filter(order=order, type="port_order.approved").latest("sequence")
    embedded = PdfFileReader(io.BytesIO(bytes(sealed_loa.pdf))).embedded_signatures[0].signer_cert
    assert content_sha256(order) in page
    assert approved.hash and approved.hash in page
    assert hashlib.sha256(embedded.dump()).hexdigest() in page  # the certificate that actually sealed it
    assert SealKey.objects.get().fingerprint in page


def test_the_verify_url_is_printed_and_its_qr_code_reads_back(api, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://porting.acme-fiber.example"
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    pdf = bytes(LoaDocument.objects.get(order_id=order["id"]).pdf)
    last = PdfReader(io.BytesIO(pdf)).pages[-1]
    assert "https://porting.acme-fiber.example/verify/" in last.extract_text()
    (image,) = last.images
    modules = image.image.convert("L")
    scaled = modules.resize((modules.width * 8, modules.height * 8), Image.NEAREST)
    assert [code.text for code in zxingcpp.read_barcodes(scaled)] == ["https://porting.acme-fiber.example/verify/"]


def test_it_never_shows_the_pin_or_the_full_account_number(api, django_capture_on_commit_callbacks):
    order = api.create(["+12025551234"], subscriber={
        "btn": "+12025551234", "business_name": "Smith Consulting", "approver_name": "Jane Smith",
        "account_number": "A7Q9X3Z8W1", "pin": "8642",
        "address": {"house_number": "123", "street_name": "Main St", "city": "Washington", "state": "DC",
                    "zip": "20001"}})
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    pdf = bytes(LoaDocument.objects.get(order_id=order["id"]).pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "•••••Z8W1" in text  # the last four, on the letter page
    assert "A7Q9X3Z8W1" not in text and "8642" not in text
    assert "8642" not in certificate_page(pdf) and "A7Q9" not in certificate_page(pdf)
