"""HTTP responses shared by the edges (API, signing pages, desk)."""
from __future__ import annotations

import base64
import hashlib
from typing import IO

from django.http import FileResponse, HttpResponse


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF download with its SHA-256 as ``Repr-Digest`` (RFC 9530); never cached."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(hashlib.sha256(pdf).digest()).decode()}:"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(file: IO[bytes], *, filename: str, content_type: str, sha256: str,
                         inline: bool = False) -> FileResponse:
    """A stored file (a supporting document) streamed in chunks, with the type its bytes were found to be,
    its SHA-256 as ``Repr-Digest``; never cached, never sniffed, never run as a page of this site."""
    response = FileResponse(file, as_attachment=not inline, filename=filename, content_type=content_type)
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
