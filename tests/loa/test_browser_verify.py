"""Browser: someone holding an LOA checks it on /verify/ (Chromium, Playwright), with the keyboard too."""
from __future__ import annotations

import os

import pytest

from porting.models import LoaDocument
from tests.conftest import ARTIFACTS
from tests.desk.helpers import approved
from tests.signing.test_browser_signing import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loa_file(tmp_path) -> str:
    order = approved()  # committed: its LOA is rendered and sealed after the commit
    path = tmp_path / "loa.pdf"
    path.write_bytes(bytes(LoaDocument.objects.get(order_id=order.pk).pdf))
    return str(path)


def test_an_uploaded_loa_reads_valid_and_the_page_passes_axe(page, live_server, loa_file):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/verify/")
    assert page.get_by_role("heading", level=1).inner_text() == "Verify a Letter of Authorization"
    assert serious_violations(page) == []
    page.get_by_label("The Letter of Authorization (PDF)").set_input_files(loa_file)
    page.get_by_role("button", name="Check the file").click()
    heading = page.locator("#result-title")
    assert heading.inner_text().startswith("Valid: an unaltered LOA issued by")
    assert serious_violations(page) == []
    page.screenshot(path=os.path.join(ARTIFACTS, "verify-valid.png"), full_page=True)


def test_a_keyboard_user_pastes_a_hash_and_reads_the_verdict(page, live_server, loa_file):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/verify/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_sha256":
            break
    assert page.evaluate("document.activeElement.id") == "id_sha256"
    page.keyboard.type("0" * 64)
    page.keyboard.press("Enter")
    assert page.locator("#result-title").inner_text().startswith("Unknown")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    page.screenshot(path=os.path.join(ARTIFACTS, "verify-phone.png"), full_page=True)
