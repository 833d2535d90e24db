"""The LOA as PDF: HTML (templates/porting/loa.html) rendered by WeasyPrint.

Styles are static/css/loa.css; fonts come from static/fonts and are
embedded; the renderer refuses to fetch anything but files under static/
(and ``data:`` images: the verify page's QR code, drawn here by segno, and the
platform's logo, cleaned when staff uploaded it: ``porting.branding``).
"""
from __future__ import annotations

import atexit
import base64
import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from porting.branding import branding_for
from porting.formatting import mask_account_number, utc_timestamp
from porting.loa.certificate import Certificate
from porting.loa.content import LOA_TEXT_VERSION, authorization_statement, content_sha256, losing_carriers
from porting.models import PortOrder

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_ROOT_DIR / "css" / "loa.css"
NUMBERS_PER_ROW = 4
VERIFY_PATH = "/verify/"
# The images the LOA embeds as data: URLs: the QR code and the platform's logo (a cleaned PNG or SVG).
DATA_IMAGES = ("data:image/png;base64,", "data:image/svg+xml;base64,")


class _StaticFilesOnly(URLFetcher):
    """Fetch fonts and stylesheets from static/ only: never the network, never other files."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.startswith(DATA_IMAGES):  # the QR code and the logo, in the page itself: no file, no network
            return super().fetch(url, headers)
        if not url.startswith(STATIC_ROOT_DIR.as_uri() + "/"):
            raise ValueError(f"the LOA renderer only reads files under static/, not {url}")
        return super().fetch(url, headers)


_per_thread = threading.local()


@atexit.register
def _release_fonts() -> None:
    """Drop this thread's Pango font map before the interpreter tears down: freed during finalization,
    it crashed the process at exit (SIGSEGV, seen with the browser tests, whose main thread renders)."""
    _per_thread.__dict__.clear()


def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """static/css/loa.css parsed once per thread, with the font configuration its @font-face rules load into.

    Parsing the sheet and loading the fonts was about a tenth of a one-page render; a Pango font map is not
    thread-safe, hence one per thread rather than one per process. Edits to the sheet need a restart.
    """
    cached = getattr(_per_thread, "stylesheet", None)
    if cached is None:
        font_config = FontConfiguration()
        stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=_StaticFilesOnly(), font_config=font_config)
        cached = _per_thread.stylesheet = (stylesheet, font_config)
    return cached


def verify_url() -> str:
    """Where anyone checks an LOA: SITE_URL + /verify/ (never the request's Host)."""
    return str(settings.SITE_URL) + VERIFY_PATH


@lru_cache(maxsize=8)
def qr_png_data_url(text: str) -> str:
    """``text`` as a QR code: a PNG of one pixel per module (the stylesheet scales it without smoothing).
    Cached: the verify URL is the same on every LOA, and drawing it was a few milliseconds of each render."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=1, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_loa_pdf(order: PortOrder, *, certificate: Certificate | None = None, preview: bool = False,
                   seal_fingerprint: str | None = None) -> bytes:
    """The LOA as PDF bytes: the signed letter (with its certificate page) or a watermarked preview.

    ``seal_fingerprint``: the SHA-256 of the certificate that will seal it, printed on the certificate page.
    """
    gaining = settings.PORTING_OPERATOR_NAME
    losing = losing_carriers(order)
    numbers = list(order.numbers.all())
    # One order holds one losing carrier and one number type (the split rule), so the table lists
    # numbers only, NUMBERS_PER_ROW to a row: a quarter of the cells to lay out for 1,000 numbers.
    rows = [numbers[i:i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    types = {n.number_type for n in numbers}
    html = render_to_string("porting/loa.html", {
        "order": order,
        "numbers": numbers,
        "number_rows": rows,
        "number_columns": range(NUMBERS_PER_ROW),
        "number_type_label": "toll-free" if types == {"toll_free"} else "local",
        "gaining_carrier": gaining,
        # The letterhead: presentation, not authorized content (see porting.loa.content.authorized_content).
        "branding": branding_for(order.account.platform),
        "losing_carrier": losing,
        "statement": authorization_statement(order),
        "account_number": mask_account_number(order.account_number) if order.account_number else None,
        "preview": preview,
        "certificate": None if preview else certificate,
        "seal_fingerprint": seal_fingerprint,
        "verify_url": verify_url(),
        "verify_qr": None if preview or certificate is None else qr_png_data_url(verify_url()),
        "content_sha256": content_sha256(order),
        "text_version": LOA_TEXT_VERSION,
        "generated_at": utc_timestamp(timezone.now()),
    })
    stylesheet, font_config = _stylesheet()
    document = HTML(string=html, base_url=str(STATIC_ROOT_DIR) + "/", url_fetcher=_StaticFilesOnly())
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    return pdf
