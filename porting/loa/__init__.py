"""The Letter of Authorization: its content (content.py), the signing record (certificate.py), the
PDF (render.py, WeasyPrint), the operator's seal on it (seal.py, pyHanko) and the verdicts of /verify/
(verify.py). No database writes here: ``porting.services.loa`` keeps the keys and stores the result."""
from __future__ import annotations

from porting.loa.certificate import Certificate, certificate_for
from porting.loa.content import (
    AUTHORIZATION_STATEMENT,
    LOA_TEXT_VERSION,
    authorization_statement,
    authorized_content,
    content_sha256,
    losing_carriers,
)
from porting.loa.render import render_loa_pdf

__all__ = [
    "AUTHORIZATION_STATEMENT",
    "LOA_TEXT_VERSION",
    "Certificate",
    "authorization_statement",
    "authorized_content",
    "certificate_for",
    "content_sha256",
    "losing_carriers",
    "render_loa_pdf",
]
