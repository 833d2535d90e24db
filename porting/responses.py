"""HTTP responses shared by the edges (API, signing pages, desk)."""
from __future__ import annotations

import base64
import hashlib

from django.http import HttpResponse


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF download with its SHA-256 as ``Repr-Digest`` (RFC 9530); never cached."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(hashlib.sha256(pdf).digest()).decode()}:"
    response["Cache-Control"] = "private, no-store"
    return response
