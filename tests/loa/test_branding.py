"""A branded platform's LOA: a letterhead with its logo and "<operator>, on behalf of <platform>" and its support
contacts, read back with pypdf. Branding is presentation: the authorized content and its hash do not change,
an approval stays, and the LOA is sealed as any other."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from porting.loa import content_sha256, render_loa_pdf
from porting.loa.render import _StaticFilesOnly
from porting.models import LoaDocument, PortOrder
from tests.branding import DISPLAY_NAME, SUPPORT_EMAIL, SUPPORT_PHONE, SUPPORT_URL, SVG_FILL_OPERATOR, brand, png_logo
from tests.loa.test_seal import operator_certificate, validated

OPERATOR = "Portico Demo Telecom"
ON_BEHALF = f"{OPERATOR}, on behalf of {DISPLAY_NAME}"


@pytest.fixture(autouse=True)
def operator(settings):
    settings.PORTING_OPERATOR_NAME = OPERATOR


def first_page(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages[0]


def text(pdf: bytes) -> str:
    return " ".join(first_page(pdf).extract_text().split())


def images(pdf: bytes) -> list[tuple[int, int]]:
    """The pixel sizes of the image XObjects of the first page (WeasyPrint shares one resource dictionary
    between the pages: a sealed LOA's list holds the QR code of its certificate page too)."""
    resources = first_page(pdf)["/Resources"]
    xobjects = resources["/XObject"].get_object() if "/XObject" in resources else {}
    return [(int(x["/Width"]), int(x["/Height"])) for x in (v.get_object() for v in xobjects.values())
            if x["/Subtype"] == "/Image"]


def drawing(pdf: bytes) -> bytes:
    return first_page(pdf).get_contents().get_data()


def approved_order(api) -> PortOrder:
    order = api.create()
    api.approve(order["id"])
    return PortOrder.objects.get(pk=order["id"])


def test_a_branded_loa_names_the_operator_on_behalf_of_the_platform_and_its_support_contacts(api, tenant):
    brand(tenant.platform)
    page = text(render_loa_pdf(approved_order(api)))
    assert ON_BEHALF in page
    assert f"Questions: {SUPPORT_EMAIL} · {SUPPORT_PHONE} · {SUPPORT_URL}" in page
    assert page.index(ON_BEHALF) < page.index("Letter of Authorization to port telephone numbers")  # the letterhead
    assert f"New (gaining) carrier, appointed as agent {OPERATOR}" in page  # the agent is still the operator


def test_an_svg_logo_is_drawn_as_vectors_into_the_page(api, tenant):
    order = approved_order(api)
    assert SVG_FILL_OPERATOR not in drawing(render_loa_pdf(order))
    brand(tenant.platform)
    pdf = render_loa_pdf(PortOrder.objects.get(pk=order.pk))
    assert SVG_FILL_OPERATOR in drawing(pdf)  # the logo's blue square, as a vector fill
    assert images(pdf) == []  # not an image: vectors


def test_a_png_logo_is_embedded_as_an_image(api, tenant):
    brand(tenant.platform, png_logo((300, 90)))
    pdf = render_loa_pdf(approved_order(api))
    assert images(pdf) == [(300, 90)]
    assert ON_BEHALF in text(pdf)


def test_a_display_name_without_logo_or_contacts_brands_the_letterhead_alone(api, tenant):
    brand(tenant.platform, logo=None, support=False)
    pdf = render_loa_pdf(approved_order(api))
    assert ON_BEHALF in text(pdf) and "Questions:" not in text(pdf)
    assert images(pdf) == []


def test_without_branding_the_loa_is_as_before(api, tenant):
    order = approved_order(api)
    pdf = render_loa_pdf(order)
    page = text(pdf)
    assert "on behalf of" not in page and "Questions:" not in page
    assert page.startswith("Letter of Authorization to port telephone numbers")
    assert images(pdf) == [] and SVG_FILL_OPERATOR not in drawing(pdf)
    tenant.platform.support_email = SUPPORT_EMAIL  # contacts without a display name: not branded
    tenant.platform.save()
    assert "on behalf of" not in text(render_loa_pdf(PortOrder.objects.get(pk=order.pk)))


def test_branding_is_presentation_not_authorized_content(api, tenant):
    order = approved_order(api)
    before = content_sha256(order)
    brand(tenant.platform)
    tenant.platform.display_name = "Beacon Voice Inc."  # a correction later on
    tenant.platform.save()
    order = PortOrder.objects.get(pk=order.pk)
    assert content_sha256(order) == before
    assert order.status == "approved"  # a platform's branding never clears its customers' approvals


def test_the_sealed_loa_of_a_branded_platform_carries_the_letterhead_and_the_seal_holds(
    api, tenant, django_capture_on_commit_callbacks,
):
    brand(tenant.platform, png_logo())
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    pdf = bytes(LoaDocument.objects.get(order_id=order["id"]).pdf)
    assert ON_BEHALF in text(pdf) and (300, 90) in images(pdf)
    _, status = validated(pdf, operator_certificate())
    assert status.bottom_line, status.pretty_print_details()


def test_the_preview_the_customer_opens_is_branded_too(api, tenant):
    brand(tenant.platform)
    order = PortOrder.objects.get(pk=api.create()["id"])
    page = text(render_loa_pdf(order, preview=True))
    assert ON_BEHALF in page and "PREVIEW" in page


def test_the_renderer_reads_the_logo_from_its_data_url_and_still_nothing_else():
    fetcher = _StaticFilesOnly()
    assert fetcher.fetch("data:image/svg+xml;base64,PHN2Zy8+") is not None
    for refused in ["data:text/html;base64,PGh0bWw+", "https://beacon.example/logo.svg", "file:///etc/passwd"]:
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
