"""Fixtures of the LOA tests: a real sealed LOA from an approval, keys made here (cryptography), a
signer that is not the operator's (pyHanko, called directly), and an RFC 3161 timestamp authority on
127.0.0.1 (pyHanko's dummy timestamper behind pytest-httpserver): everything offline."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from werkzeug import Request, Response

from porting.models import LoaDocument

NOW = dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)


@dataclass
class Issued:
    """A certificate and its key, in both libraries' forms."""

    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def issue(common_name: str, *, issuer: Issued | None = None, ca: bool = False, tsa: bool = False,
          use_rsa: bool = False) -> Issued:
    """A certificate for ``common_name``: self-signed, or signed by ``issuer``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if use_rsa else ec.generate_private_key(
        ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder().subject_name(name)
        .issuer_name(issuer.certificate.subject if issuer else name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30)).not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                     encipher_only=False, decipher_only=False), critical=True)
    )
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    signing_key = issuer.key if issuer else key
    return Issued(key, builder.sign(signing_key, hashes.SHA256()))


def sign_with(pdf: bytes, signer: Issued, *, field: str = "Signature1") -> bytes:
    """``pdf`` signed by ``signer`` with pyHanko directly (not the code under test)."""
    simple = signers.SimpleSigner(signing_cert=signer.asn1_certificate, signing_key=signer.asn1_key,
                                  cert_registry=SimpleCertificateStore.from_certs([signer.asn1_certificate]))
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES)
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=simple).getvalue()


def first_revision(pdf: bytes) -> bytes:
    """The file as it was before its first incremental update: here, the LOA as rendered, before the seal."""
    end = pdf.index(b"%%EOF") + len(b"%%EOF")
    return pdf[:end + 1] if pdf[end:end + 1] == b"\n" else pdf[:end]


@pytest.fixture
def sealed_loa(api, django_capture_on_commit_callbacks) -> LoaDocument:
    """An LOA sealed as production seals it: the API approval, then its render effect after commit."""
    order = api.create(["+12025551234", "+12025551299"])
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    return LoaDocument.objects.get(order_id=order["id"])


@dataclass
class TimestampAuthority:
    url: str
    root: Issued
    certificate: Issued
    requests: int = 0


@pytest.fixture
def tsa(httpserver_ipv4) -> Iterator[TimestampAuthority]:
    """An RFC 3161 timestamp authority on 127.0.0.1: pyHanko's dummy timestamper answering over HTTP."""
    root = issue("Test TSA Root", ca=True, use_rsa=True)
    unit = issue("Test TSA", issuer=root, tsa=True, use_rsa=True)
    stamper = DummyTimeStamper(tsa_cert=unit.asn1_certificate, tsa_key=unit.asn1_key,
                               certs_to_embed=SimpleCertificateStore.from_certs([root.asn1_certificate]))
    authority = TimestampAuthority(url=httpserver_ipv4.url_for("/tsa"), root=root, certificate=unit)

    def answer(request: Request) -> Response:
        authority.requests += 1
        reply = stamper.request_tsa_response(tsp.TimeStampReq.load(request.get_data()))
        return Response(reply.dump(), content_type="application/timestamp-reply")

    httpserver_ipv4.expect_request("/tsa", method="POST").respond_with_handler(answer)
    yield authority
    httpserver_ipv4.clear()
