"""The operator's seal on the stored LOA (DESIGN §11), with pyHanko.

Sealing: PAdES baseline (``/ETSI.CAdES.detached``), SHA-256, one certification signature (DocMDP: no
changes allowed) over the whole file; B-T with an RFC 3161 timestamp when a timestamp authority is
given, else B-B. Reading: what each embedded signature says about the file (``read_seals``), for
/verify/. No database here: ``porting.services.loa`` keeps the keys, ``porting.loa.verify`` decides.

The key is either the operator's own (a PKCS#12 file) or a self-signed P-256 certificate named after
the operator, generated once (``generate_seal_key``). Nothing here fetches from the network but the
timestamp request: validation never downloads certificates, CRLs or OCSP answers, whatever a PDF names.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, SimpleSigner, sign_pdf
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FIELD = "OperatorSeal"
GENERATED_KEY_YEARS = 10
TSA_TIMEOUT_SECONDS = 10
# The seal's key usage: either suffices (a bought document-signing certificate may carry only one).
SEAL_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})

logger = logging.getLogger(__name__)


T = TypeVar("T")


def _without_running_loop(call: Callable[[], T]) -> T:
    """Run one of pyHanko's synchronous calls (each runs ``asyncio.run`` inside) where it can: on this thread,
    unless this thread already runs an event loop (an async caller; Playwright in the browser tests), then
    on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        (result,) = pool.map(lambda _: call(), [None])  # its exception, if any, is raised here
        return result


class SealError(Exception):
    """The seal cannot be made: the key cannot be read or used."""


@dataclass(frozen=True)
class SealMaterial:
    """A key and certificate ready to seal with."""

    signer: SimpleSigner
    certificate_pem: str
    fingerprint: str  # SHA-256 of the DER certificate, lowercase hex
    subject: str

    @property
    def bytes_reserved(self) -> int:
        """Room for the signature container without a timestamp, in hex digits: the certificates, the
        signature (at most a quarter of the key's bits in bytes) and about 400 bytes of attributes, with a
        margin. Fixed, so pyHanko need not sign twice to estimate it; a container that still does not fit is
        signed again with pyHanko's estimate. Small, because every verification parses these digits."""
        certificate: asn1_x509.Certificate = self.signer.signing_cert
        certs = [certificate, *self.signer.cert_registry]
        needed = sum(len(c.dump()) for c in certs) + int(certificate.public_key.bit_size) // 4 + 768
        return -(-2 * needed // 256) * 256


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


# cryptography's CertificateBuilder.sign, by another name: tests/architecture/test_house_rules.py flags every
# ``x.sign(…)`` call outside the services, as the approval request's ``sign`` transition is named alike.
_sign_certificate = x509.CertificateBuilder.sign


def generate_seal_key(operator_name: str, *, now: dt.datetime | None = None) -> tuple[str, str]:
    """A new P-256 key and a self-signed certificate naming the operator: ``(private key PEM, certificate PEM)``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"{operator_name} LOA seal"[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, operator_name[:64]),
    ])
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=5)  # a little clock skew
    builder = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * GENERATED_KEY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    certificate = _sign_certificate(builder, key, hashes.SHA256())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def certificate_name(certificate: asn1_x509.Certificate) -> str:
    """The certificate's common name (or its whole subject, without one)."""
    subject = certificate.subject.native
    return str(subject.get("common_name") or certificate.subject.human_friendly)


def _material(signer: SimpleSigner) -> SealMaterial:
    certificate: asn1_x509.Certificate = signer.signing_cert
    der = certificate.dump()
    return SealMaterial(signer=signer, certificate_pem=asn1_pem.armor("CERTIFICATE", der).decode(),
                        fingerprint=certificate_fingerprint(der), subject=certificate_name(certificate))


def seal_from_pem(private_key_pem: str, certificate_pem: str) -> SealMaterial:
    """The seal of a generated key, as stored."""
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        certificate = certificate_from_pem(certificate_pem)
    except ValueError as exc:
        raise SealError("the stored seal key cannot be read (was FIELD_ENCRYPTION_KEYS changed?)") from exc
    # The registry holds the chain beyond the signer's own certificate, which pyHanko embeds anyway:
    # a self-signed certificate has none.
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyhanko-certvalidator leaves it unannotated
    signer = SimpleSigner(signing_cert=certificate, signing_key=asn1_keys.PrivateKeyInfo.load(der),
                          cert_registry=registry)
    return _material(signer)


def seal_from_p12(data: bytes, password: str | None) -> SealMaterial:
    """The operator's own seal: a PKCS#12 file with the key, its certificate and any chain."""
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=[],
                                               passphrase=password.encode() if password else None)
    except ValueError as exc:
        raise SealError("PORTING_SEAL_P12 cannot be read with PORTING_SEAL_P12_PASSWORD") from exc
    return _material(signer)


def certificate_from_pem(certificate_pem: str) -> asn1_x509.Certificate:
    _, _, der = asn1_pem.unarmor(certificate_pem.encode())
    return asn1_x509.Certificate.load(der)


def timestamper_for(url: str) -> TimeStamper:
    """An RFC 3161 client for the timestamp authority at ``url``."""
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT_SECONDS)


def seal_pdf(pdf: bytes, material: SealMaterial, *, operator_name: str,
             timestamper: TimeStamper | None = None) -> bytes:
    """``pdf`` with the operator's seal added as an incremental update: B-T with ``timestamper``, else B-B."""
    meta = PdfSignatureMetadata(
        field_name=SEAL_FIELD, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        certify=True, docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=f"Sealed by {operator_name}: this Letter of Authorization as issued",
    )
    # With a timestamp the container's size is not known in advance: pyHanko estimates it (one TSA call).
    reserved = None if timestamper is not None else material.bytes_reserved

    def sealed_with(reserve: int | None) -> bytes:
        out = sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=material.signer,
                       timestamper=timestamper, bytes_reserved=reserve)
        sealed: bytes = out.getvalue()
        return sealed

    try:
        return _without_running_loop(lambda: sealed_with(reserved))
    except SigningError:
        if reserved is None:
            raise
        logger.warning("the LOA seal did not fit in %d hex digits; sealing again with pyHanko's estimate", reserved)
        return _without_running_loop(lambda: sealed_with(None))


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SealReading:
    """What one embedded signature says about the file."""

    fingerprint: str  # of the signer's certificate, as embedded
    subject: str
    intact: bool  # the signed bytes are unchanged and the signature verifies with the embedded certificate
    covers_whole_file: bool  # nothing was added after it
    signed_length: int  # bytes from the start of the file that the signature covers (its revision)
    timestamped: bool  # it carries an intact RFC 3161 timestamp token (B-T)


@dataclass(frozen=True)
class PdfSeals:
    """The signatures of a PDF. ``readable``: a PDF at all; ``damaged``: it has a signature that cannot be read."""

    readable: bool
    damaged: bool
    seals: tuple[SealReading, ...] = ()


def read_seals(pdf: bytes) -> PdfSeals:
    """Read and check every signature of ``pdf`` (untrusted input: anything may be wrong with it)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a parser fed arbitrary bytes raises anything
        # Not a PDF pyHanko can read; if it ever held a signature, it was sealed and then broken.
        return PdfSeals(readable=False, damaged=b"/ByteRange" in pdf)
    seals: list[SealReading] = []
    for signature in embedded:
        try:
            seals.append(_read_one(signature))
        except Exception:  # noqa: BLE001 - a damaged signature container raises anything
            logger.info("an uploaded PDF has a signature that cannot be read", exc_info=True)
            return PdfSeals(readable=True, damaged=True, seals=tuple(seals))
    return PdfSeals(readable=True, damaged=False, seals=tuple(seals))


def _read_one(signature: EmbeddedPdfSignature) -> SealReading:
    certificate: asn1_x509.Certificate = signature.signer_cert
    # Trusting the embedded certificate itself checks the cryptography and the certificate's own
    # validity; whose certificate it is, is the caller's question (porting.loa.verify).
    context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
    status = _without_running_loop(lambda: validate_pdf_signature(
        signature, context, key_usage_settings=SEAL_KEY_USAGE, skip_diff=True))
    token = status.timestamp_validity
    byte_range = signature.byte_range
    return SealReading(
        fingerprint=certificate_fingerprint(certificate.dump()),
        subject=certificate_name(certificate),
        intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_length=int(byte_range[2]) + int(byte_range[3]),
        timestamped=bool(token is not None and token.intact and token.valid),
    )
