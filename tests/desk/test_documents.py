"""Supporting documents on the desk: the order page lists them with the carrier's requirements, previews
images and PDFs inline and downloads them, through views that check the desk's permission (no public URL)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from porting import services
from tests.api.test_documents import COMCAST, pdf_bytes, png_bytes
from tests.desk.helpers import ACTOR, LIST, create, user_in


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


def attach(order, content: bytes, name: str, type_: str = "invoice"):
    return services.port_order_document_attach(order=order, file=SimpleUploadedFile(name, content), type=type_,
                                               actor=ACTOR, description="March bill")


def test_the_order_page_lists_documents_and_the_carriers_requirements(agent):
    order = create([COMCAST], live=False)
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Supporting documents" in html and "No documents." in html
    assert "Invoice (a recent bill)</strong> — <strong>missing</strong>" in html
    pdf = attach(order, pdf_bytes(), "bill.pdf")
    png = attach(order, png_bytes(), "scan.png", type_="other")
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "Invoice (a recent bill)</strong> — provided" in html
    for document in (pdf, png):
        assert f'href="{LIST}{order.pk}/documents/{document.pk}/"' in html
        assert f'src="{LIST}{order.pk}/documents/{document.pk}/preview/"' in html
        assert document.filename in html
    assert "<iframe" in html and "<img" in html and "March bill" in html
    assert "document.attached" in html  # the timeline


def test_staff_download_and_preview_a_document(agent):
    order = create(live=False)
    content = pdf_bytes()
    document = attach(order, content, "bill.pdf")
    download = agent.get(f"{LIST}{order.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bill.pdf"'
    assert "private" in download["Cache-Control"] and "no-store" in download["Cache-Control"]
    preview = agent.get(f"{LIST}{order.pk}/documents/{document.pk}/preview/")
    assert preview["Content-Disposition"] == 'inline; filename="bill.pdf"'
    assert preview["X-Frame-Options"] == "SAMEORIGIN"  # the order page frames it; other sites cannot
    image = attach(order, png_bytes(), "scan.png")
    assert agent.get(f"{LIST}{order.pk}/documents/{image.pk}/preview/")["Content-Type"] == "image/png"


def test_a_viewer_may_look_but_not_a_staff_user_without_the_desks_permission_nor_anyone_logged_out(viewer, db):
    order = create(live=False)
    document = attach(order, pdf_bytes(), "bill.pdf")
    url = f"{LIST}{order.pk}/documents/{document.pk}/"
    assert viewer.get(url).status_code == 200
    assert user_in(None, "nobody").get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert Client().get(url + "preview/").status_code == 302


def test_a_document_is_found_only_under_its_own_order_and_not_once_deleted(agent):
    order, other = create(live=False), create(live=False)
    document = attach(order, pdf_bytes(), "bill.pdf")
    assert agent.get(f"{LIST}{other.pk}/documents/{document.pk}/").status_code == 404
    assert agent.get(f"{LIST}{order.pk}/documents/doc_01h2xcejqtf2nbrexx3vqjhp41/preview/").status_code == 404
    services.port_order_document_delete(order=order, document=document, actor=ACTOR)
    assert agent.get(f"{LIST}{order.pk}/documents/{document.pk}/").status_code == 404
    html = agent.get(f"{LIST}{order.pk}/change/").content.decode()
    assert "document.deleted" in html and "No documents." in html
