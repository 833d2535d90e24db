"""The Letter of Authorization: rendered at approval, stored immutably, read back as text."""
from __future__ import annotations

import base64
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from porting.loa import content_sha256, render_loa_pdf
from porting.loa.render import _StaticFilesOnly
from porting.models import Event, LoaDocument, PortOrder


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def approved_with_loa(api, django_capture_on_commit_callbacks):
    order = api.create(["+12025551234", "+12025551299"])
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    return order["id"]


def test_the_api_approval_renders_and_serves_the_signed_loa(api, approved_with_loa, settings):
    response = api.client.get(f"/v1/port-orders/{approved_with_loa}/loa", HTTP_ACCEPT="application/pdf",
                              **api.headers())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    digest = hashlib.sha256(pdf).digest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    pages = pdf_text(pdf)
    first, certificate = pages[0], pages[-1]
    for expected in ["Letter of Authorization", "Smith Consulting", "123 Main St", "+12025551234", "+12025551299",
                     "Verizon Wireless", settings.PORTING_OPERATOR_NAME, "2026-12-18", "Jane Smith", "•••••6789"]:
        assert expected in first, expected
    assert "123456789" not in "".join(pages)  # the account number shows its last 4 only
    assert "Certificate of completion" in certificate and "Certificate of completion" not in first
    order = PortOrder.objects.prefetch_related("numbers").get(pk=approved_with_loa)
    assert content_sha256(order) in certificate.replace("\n", "")
    assert "203.0.113.42" in certificate
    loa = LoaDocument.objects.get(order_id=approved_with_loa)
    assert loa.sha256 == digest.hex()
    event = Event.objects.get(order_id=approved_with_loa, type="loa.generated")
    assert event.data["sha256"] == loa.sha256
    assert "loa.generated" in api.event_types(approved_with_loa)


def test_the_fonts_are_embedded(approved_with_loa):
    pdf = bytes(LoaDocument.objects.get(order_id=approved_with_loa).pdf)
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/FontDescriptor"] for font in fonts.values()
                   if "/FontDescriptor" in font.get_object()]
    descriptors += [desc["/FontDescriptor"] for font in fonts.values()
                    for desc in [d.get_object() for d in font.get_object().get("/DescendantFonts", [])]]
    assert descriptors and all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)


def test_there_is_no_loa_before_approval(api):
    order = api.create()
    response = api.get(f"/v1/port-orders/{order['id']}/loa")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_update_that_clears_the_approval_supersedes_the_loa(api, approved_with_loa):
    api.post(f"/v1/port-orders/{approved_with_loa}", {"subscriber": {"business_name": "Smith LLC"}})
    assert api.get(f"/v1/port-orders/{approved_with_loa}/loa").status_code == 404
    loa = LoaDocument.objects.get(order_id=approved_with_loa)
    assert loa.superseded_at is not None
    cleared = Event.objects.get(order_id=approved_with_loa, type="port_order.approval_cleared")
    assert cleared.data["superseded_loas"] == [loa.pk]


def test_loa_documents_are_immutable(approved_with_loa):
    loa = LoaDocument.objects.get(order_id=approved_with_loa)
    loa.sha256 = "0" * 64
    with pytest.raises(ValueError):
        loa.save()


def test_a_preview_is_watermarked_and_unsigned(api):
    order = PortOrder.objects.prefetch_related("numbers").get(pk=api.create()["id"])
    text = "".join(pdf_text(render_loa_pdf(order, preview=True)))
    assert "PREVIEW–NOTSIGNED" in "".join(text.split())  # rotated text: extraction drops spaces
    assert "Certificate of completion" not in text


def test_a_1000_number_loa_lists_every_number_over_pages_with_the_header_repeated(api):
    numbers = [f"+1202{200 + i // 1000:03d}{i % 1000:04d}" for i in range(1000)]
    order = PortOrder.objects.prefetch_related("numbers").get(pk=api.create(numbers)["id"])
    pages = pdf_text(render_loa_pdf(order, preview=True))
    assert len(pages) > 3
    text = "".join(pages)
    assert all(n in text for n in numbers)
    assert all("Telephone number" in page for page in pages[1:])  # the table header repeats
    assert "1000" in pages[0]  # the count of numbers is stated on page 1


def test_every_page_footer_names_the_order_and_counts_the_pages(api):
    numbers = [f"+1202{200 + i // 1000:03d}{i % 1000:04d}" for i in range(300)]
    order = PortOrder.objects.prefetch_related("numbers").get(pk=api.create(numbers)["id"])
    pages = pdf_text(render_loa_pdf(order, preview=True))
    for number, page in enumerate(pages, start=1):
        assert f"Letter of Authorization · {order.pk}" in page
        assert f"Page {number} of {len(pages)}" in page


def test_loas_rendered_in_parallel_threads_each_show_their_own_order(api):
    # Loaded whole (numbers, and the platform whose branding heads the letter): the threads read no database.
    orders = [PortOrder.objects.select_related("account__platform").prefetch_related("numbers")
              .get(pk=api.create([number])["id"])
              for number in ("+12025551234", "+12025552345", "+12025553456", "+12025556789")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda order: "".join(pdf_text(render_loa_pdf(order, preview=True))), orders * 2))
    for order, text in zip(orders * 2, texts, strict=True):
        assert order.pk in text and order.numbers.all()[0].phone_number in text
        assert all(other.pk not in text for other in orders if other.pk != order.pk)


def test_the_renderer_never_fetches_from_the_network():
    with pytest.raises(ValueError):
        _StaticFilesOnly().fetch("https://fonts.example.com/font.woff2")
    with pytest.raises(ValueError):
        _StaticFilesOnly().fetch("file:///etc/passwd")
