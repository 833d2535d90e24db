"""Is this an LOA issued here, unaltered? The verdicts of /verify/ (DESIGN §11), from a PDF or its SHA-256.

- ``valid``: the file is an LOA stored here (its SHA-256 is on record), its seal is this operator's,
  intact, and covers the whole file.
- ``altered``: the seal no longer matches the bytes it covers (a byte was changed), the signature
  itself is damaged, or the file is not byte for byte the one stored (the seal's container was changed).
- ``appended``: the operator's seal is intact, but an incremental update was added after it.
- ``other_seal``: sealed, but not with any certificate this installation has sealed with.
- ``not_sealed``: a PDF without a seal (never sealed here, or its seal was stripped).
- ``unknown``: not a PDF, or a hash that is not on record here.

What a verdict shows is meant for anyone holding the file: the operator, order id, business, signer
name, signed time and number count of a valid LOA; never a PIN, account number, IP or email.
Read-only: nothing here writes to the database.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings

from porting.formatting import utc_timestamp
from porting.loa.seal import PdfSeals, SealReading, read_seals
from porting.models import LoaDocument, LoaSeal, SealKey


class Verdict(StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    APPENDED = "appended"
    OTHER_SEAL = "other_seal"
    NOT_SEALED = "not_sealed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LoaFacts:
    """What a valid LOA may show about itself."""

    operator: str
    order_id: str
    business_name: str
    signer_name: str
    signed_at: str | None
    number_count: int
    sealed_at: str | None
    seal_level: str
    current: bool  # False once superseded: the order changed after it was signed

    @classmethod
    def of(cls, loa: LoaDocument, seal: LoaSeal) -> LoaFacts:
        return cls(operator=seal.operator_name, order_id=loa.order_id, business_name=seal.business_name,
                   signer_name=seal.signer_name, signed_at=utc_timestamp(seal.signed_at),
                   number_count=seal.number_count, sealed_at=utc_timestamp(loa.created_at),
                   seal_level=seal.level, current=loa.superseded_at is None)


@dataclass(frozen=True)
class Verification:
    """A verdict, its plain-words title and explanation, and what may be shown with it."""

    verdict: Verdict
    title: str
    detail: str
    sha256: str
    loa: LoaFacts | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"verdict": str(self.verdict), "title": self.title, "detail": self.detail,
                                "sha256": self.sha256}
        body["loa"] = None if self.loa is None else {
            "operator": self.loa.operator, "order_id": self.loa.order_id, "business_name": self.loa.business_name,
            "signer_name": self.loa.signer_name, "signed_at": self.loa.signed_at,
            "number_count": self.loa.number_count, "sealed_at": self.loa.sealed_at,
            "seal_level": self.loa.seal_level, "current": self.loa.current,
        }
        body.update(self.extra)
        return body


def _operator() -> str:
    return str(settings.PORTING_OPERATOR_NAME)


def _is_ours(fingerprint: str) -> bool:
    return SealKey.objects.filter(fingerprint=fingerprint).exists()


def _on_record(sha256: str) -> LoaDocument | None:
    return LoaDocument.objects.filter(sha256=sha256).select_related("seal").defer("pdf").first()


def _seal_of(loa: LoaDocument) -> LoaSeal | None:
    try:
        return loa.seal
    except LoaSeal.DoesNotExist:
        return None


def _valid(sha256: str, loa: LoaDocument, seal: LoaSeal) -> Verification:
    facts = LoaFacts.of(loa, seal)
    detail = (f"The seal of {facts.operator} is intact and covers the whole file, and the file is the Letter of "
              f"Authorization issued for port order {facts.order_id}.")
    if not facts.current:
        detail += " It was later superseded: the order changed after it was signed, and a new approval is needed."
    return Verification(Verdict.VALID, f"Valid: an unaltered LOA issued by {facts.operator}", detail, sha256, facts)


def _unsealed_record(sha256: str) -> Verification:
    return Verification(
        Verdict.NOT_SEALED, "Not sealed: an LOA issued here before LOAs were sealed",
        f"This file is byte for byte an LOA {_operator()} issued before it began sealing them, so it carries no seal.",
        sha256, extra={"issued_here": True},
    )


def verify_sha256(sha256: str) -> Verification:
    """The verdict for a pasted SHA-256 (64 hex digits, lowercase): is a stored LOA this file?"""
    loa = _on_record(sha256)
    if loa is None:
        return Verification(Verdict.UNKNOWN, "Unknown: no LOA issued here has this SHA-256",
                            f"{_operator()} has not issued a Letter of Authorization with this SHA-256. Check the "
                            "hash, or upload the PDF to learn more.", sha256)
    seal = _seal_of(loa)
    return _unsealed_record(sha256) if seal is None else _valid(sha256, loa, seal)


def verify_pdf(pdf: bytes) -> Verification:
    """The verdict for an uploaded file."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    seals = read_seals(pdf)
    if seals.damaged:
        return _altered(sha256, "The file has a seal that can no longer be read: it was changed after it was sealed.")
    if not seals.readable:
        return Verification(Verdict.UNKNOWN, "Unknown: this file is not a PDF",
                            "This file cannot be read as a PDF, so it is not a Letter of Authorization issued here.",
                            sha256)
    if not seals.seals:
        loa = _on_record(sha256)
        if loa is not None and _seal_of(loa) is None:
            return _unsealed_record(sha256)
        return Verification(Verdict.NOT_SEALED, "Not sealed: this PDF carries no seal",
                            f"Every Letter of Authorization {_operator()} issues is sealed. This one has no seal: "
                            "it was not issued here, or its seal was removed.", sha256)
    return _verdict_for_seals(sha256, pdf, seals)


def _altered(sha256: str, detail: str) -> Verification:
    return Verification(Verdict.ALTERED, "Altered: this file was changed after it was sealed",
                        detail + " Ask the sender for the original file.", sha256)


def _verdict_for_seals(sha256: str, pdf: bytes, seals: PdfSeals) -> Verification:
    ours: SealReading | None = next((s for s in seals.seals if _is_ours(s.fingerprint)), None)
    if ours is None:
        other = seals.seals[0]
        if not other.intact:  # whoever signed it, its bytes no longer match the signature
            return _altered(sha256, "The file's signature no longer matches its contents.")
        return Verification(
            Verdict.OTHER_SEAL, f"Other seal: not sealed by {_operator()}",
            f"This PDF is sealed with a certificate that is not {_operator()}'s (\u201c{other.subject}\u201d), "
            "so it is not a Letter of Authorization issued here, whatever it says.", sha256,
            extra={"sealed_by": other.subject, "certificate_sha256": other.fingerprint},
        )
    if not ours.intact:
        return _altered(sha256, f"The seal of {_operator()} no longer matches the bytes it covers: "
                                "something in the letter was changed.")
    if not ours.covers_whole_file:
        original = hashlib.sha256(pdf[:ours.signed_length]).hexdigest()
        return Verification(
            Verdict.APPENDED, "Appended: content was added after the seal",
            f"The seal of {_operator()} is intact, but the file carries an update added after it was sealed (an "
            "incremental update: new or replaced text, pages, annotations or signatures). What was added is not "
            "covered by the seal. The sealed original is the first part of the file; its SHA-256 is given.",
            sha256, extra={"sealed_part_sha256": original, "sealed_part_issued_here": _on_record(original) is not None},
        )
    loa = _on_record(sha256)
    seal = _seal_of(loa) if loa is not None else None
    if loa is None or seal is None:
        # Our seal checks out over the whole file, yet the file is not byte for byte one we stored: the
        # bytes the seal leaves out (its own container: certificates, padding) were changed.
        return _altered(sha256, f"The seal of {_operator()} still matches the letter, but the file is not the one "
                                "issued here: the seal's own container was changed.")
    return _valid(sha256, loa, seal)
