"""The Letter of Authorization: HTML (templates/porting/loa.html) rendered to PDF by WeasyPrint.

No database writes here (services store the result). Styles are static/css/loa.css; fonts come from static/fonts and are
embedded; the renderer refuses to fetch anything but files under static/.
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from porting.api.representations import mask_account_number, timestamp
from porting.models import PortOrder

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_ROOT_DIR / "css" / "loa.css"
LOA_TEXT_VERSION = "portico-loa-2026-11"
NUMBERS_PER_ROW = 4
AUTHORIZATION_STATEMENT = (
    "I, the undersigned, am authorized to act for the customer named above. I authorize {gaining} "
    "to act as my agent to port the telephone numbers listed in this letter from {losing} to {gaining}, "
    "and to request and receive, on my behalf, the information needed to complete the port, including "
    "the customer service record. I understand that porting these numbers ends my service for them with "
    "the current carrier, that other services on the account (such as features, internet, or long "
    "distance) may be affected, and that I remain responsible for any charges due to the current carrier."
)


class _StaticFilesOnly(URLFetcher):
    """Fetch fonts and stylesheets from static/ only: never the network, never other files."""

    def fetch(self, url: str, headers: dict | None = None):  # noqa: ANN201
        if not url.startswith(STATIC_ROOT_DIR.as_uri() + "/"):
            raise ValueError(f"the LOA renderer only reads files under static/, not {url}")
        return super().fetch(url, headers)


_per_thread = threading.local()


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


@dataclass(frozen=True)
class Certificate:
    """The signing record printed on the final page."""

    signer_name: str
    signer_email: str | None
    ip: str | None
    user_agent: str | None
    consent_version: str | None
    method: str
    sent_at: str | None
    viewed_at: str | None
    signed_at: str | None


def losing_carriers(order: PortOrder) -> str:
    names = sorted({n.losing_carrier_name for n in order.numbers.all() if n.losing_carrier_name})
    return ", ".join(names) or "the current carrier"


def authorized_content(order: PortOrder) -> dict:
    """Everything the customer authorizes, in a canonical form (hashed into the certificate)."""
    return {
        "text_version": LOA_TEXT_VERSION,
        "order_id": order.pk,
        "gaining_carrier": settings.PORTING_OPERATOR_NAME,
        "losing_carrier": losing_carriers(order),
        "business_name": order.business_name,
        "approver_name": order.approver_name,
        "btn": order.btn,
        "account_number_last4": (order.account_number or "")[-4:],
        "service_address": [order.address_house_number, order.address_street_name, order.address_city,
                            order.address_state, order.address_zip],
        "phone_numbers": [n.phone_number for n in order.numbers.all()],
        "requested_foc_date": order.requested_foc_date.isoformat() if order.requested_foc_date else None,
        "requested_foc_time": order.requested_foc_time.strftime("%H:%M") if order.requested_foc_time else None,
        "signature": order.approval_signature or None,
    }


def content_sha256(order: PortOrder) -> str:
    canonical = json.dumps(authorized_content(order), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF download with its SHA-256 as ``Repr-Digest`` (RFC 9530); never cached."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(hashlib.sha256(pdf).digest()).decode()}:"
    response["Cache-Control"] = "private, no-store"
    return response


def render_loa_pdf(order: PortOrder, *, certificate: Certificate | None = None, preview: bool = False) -> bytes:
    """The LOA as PDF bytes: the signed letter (with its certificate page) or a watermarked preview."""
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
        "losing_carrier": losing,
        "statement": AUTHORIZATION_STATEMENT.format(gaining=gaining, losing=losing),
        "account_number": mask_account_number(order.account_number) if order.account_number else None,
        "preview": preview,
        "certificate": None if preview else certificate,
        "content_sha256": content_sha256(order),
        "text_version": LOA_TEXT_VERSION,
        "generated_at": timestamp(timezone.now()),
    })
    stylesheet, font_config = _stylesheet()
    document = HTML(string=html, base_url=str(STATIC_ROOT_DIR) + "/", url_fetcher=_StaticFilesOnly())
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
