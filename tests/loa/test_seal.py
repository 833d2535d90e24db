"""Every stored LOA is sealed with the operator's key: PAdES baseline (B-B, or B-T with a timestamp
authority), SHA-256, over the whole file. Checked with pyHanko's validation API and pypdf, not with the
code under test."""
from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.db import connection, connections
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from porting import services
from porting.loa.seal import SealMaterial, read_seals, seal_pdf
from porting.models import Event, LoaDocument, SealKey
from porting.services.loa import operator_seal
from tests.conftest import require_or_skip
from tests.desk.helpers import approved
from tests.loa.conftest import first_revision, issue


def operator_certificate() -> asn1_x509.Certificate:
    _, _, der = pem.unarmor(SealKey.objects.get().certificate_pem.encode())
    return asn1_x509.Certificate.load(der)


def validated(pdf: bytes, trust_root: asn1_x509.Certificate, tsa_root: asn1_x509.Certificate | None = None):
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    timestamps = ValidationContext(trust_roots=[tsa_root]) if tsa_root is not None else None
    return signature, validate_pdf_signature(signature, ValidationContext(trust_roots=[trust_root]),
                                             ts_validation_context=timestamps)


def signature_fields(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    return [f for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]


def test_the_stored_loa_is_sealed_over_the_whole_file_and_pyhanko_accepts_it_against_the_operators_certificate(
    sealed_loa,
):
    pdf = bytes(sealed_loa.pdf)
    signature, status = validated(pdf, operator_certificate())
    assert status.bottom_line, status.pretty_print_details()
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
    assert status.timestamp_validity is None  # no PORTING_TSA_URL: B-B
    assert sealed_loa.seal.level == "B-B"
    assert sealed_loa.sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_pdf_reader_sees_exactly_one_signature_covering_every_byte(sealed_loa):
    pdf = bytes(sealed_loa.pdf)
    fields = signature_fields(pdf)
    assert len(fields) == 1
    value = fields[0]["/V"]
    start, first_length, second_start, second_length = (int(n) for n in value["/ByteRange"])
    assert start == 0 and second_start + second_length == len(pdf)  # only the signature's own bytes left out
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Perms"]["/DocMDP"] is not None  # a certifying seal


def test_the_loa_generated_event_names_the_seal(sealed_loa):
    event = Event.objects.get(order_id=sealed_loa.order_id, type="loa.generated")
    assert event.data["sha256"] == sealed_loa.sha256
    assert event.data["seal"] == {"level": "B-B", "certificate_sha256": SealKey.objects.get().fingerprint}


def test_the_demo_key_is_a_p256_certificate_named_after_the_operator_made_once_and_encrypted_at_rest(
    api, settings, django_capture_on_commit_callbacks
):
    settings.PORTING_OPERATOR_NAME = "Acme Fiber"
    for number in ("+12025551234", "+12025552345"):
        order = api.create([number])
        with django_capture_on_commit_callbacks(execute=True):
            api.approve(order["id"])
    key = SealKey.objects.get()
    assert key.source == "generated" and key.subject == "Acme Fiber"
    certificate = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    assert certificate.public_key().curve.name == "secp256r1"
    assert "Acme Fiber" in certificate.subject.rfc4514_string()
    assert {loa.seal.key_id for loa in LoaDocument.objects.all()} == {key.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_pem FROM porting_sealkey")
        stored = cursor.fetchone()[0]
    assert "PRIVATE KEY" not in stored and key.private_key_pem.startswith("-----BEGIN PRIVATE KEY-----")


def test_another_operator_name_gets_its_own_key_and_the_first_one_is_kept(db, settings):
    first, _ = operator_seal()
    settings.PORTING_OPERATOR_NAME = "Renamed Telecom"
    second, _ = operator_seal()
    assert first.fingerprint != second.fingerprint
    assert SealKey.objects.count() == 2


def test_with_a_timestamp_authority_the_seal_is_b_t(sealed_loa_with_tsa):
    loa, authority = sealed_loa_with_tsa
    pdf = bytes(loa.pdf)
    _, status = validated(pdf, operator_certificate(), authority.root.asn1_certificate)
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    token = status.timestamp_validity
    assert token is not None and token.intact and token.valid and token.trusted
    assert token.signing_cert.dump() == authority.certificate.asn1_certificate.dump()
    assert authority.requests >= 1
    assert loa.seal.level == "B-T"
    assert read_seals(pdf).seals[0].timestamped


def test_a_seal_that_does_not_fit_the_room_kept_for_it_is_made_again_with_pyhankos_estimate(
    sealed_loa, monkeypatch, caplog
):
    monkeypatch.setattr(SealMaterial, "bytes_reserved", property(lambda self: 256))
    material, _ = operator_seal()
    sealed = seal_pdf(first_revision(bytes(sealed_loa.pdf)), material, operator_name="Portico Demo Telecom")
    _, status = validated(sealed, operator_certificate())
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "did not fit" in caplog.text


def test_sealing_and_reading_work_on_a_thread_that_runs_an_event_loop(sealed_loa):
    """pyHanko's synchronous calls start an event loop of their own: an async caller must not break them."""
    material, _ = operator_seal()
    unsealed = first_revision(bytes(sealed_loa.pdf))

    async def inside_a_loop() -> bytes:
        return seal_pdf(unsealed, material, operator_name="Portico Demo Telecom")

    sealed = asyncio.run(inside_a_loop())
    _, status = validated(sealed, operator_certificate())
    assert status.bottom_line

    async def read_inside_a_loop():
        return read_seals(sealed)

    assert asyncio.run(read_inside_a_loop()).seals[0].intact


@pytest.fixture
def sealed_loa_with_tsa(api, tsa, settings, django_capture_on_commit_callbacks):
    settings.PORTING_TSA_URL = tsa.url
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    return LoaDocument.objects.get(order_id=order["id"]), tsa


def test_a_timestamp_authority_that_fails_stores_no_unsealed_loa(api, httpserver_ipv4, settings):
    httpserver_ipv4.expect_request("/tsa").respond_with_data("down", status=503)
    settings.PORTING_TSA_URL = httpserver_ipv4.url_for("/tsa")
    order = approved()
    LoaDocument.objects.filter(order_id=order.pk).delete()  # as if its render had not run yet
    with pytest.raises(TimestampRequestError):  # the outbox records the attempt and retries it
        services.port_order_generate_loa(order_id=order.pk)
    assert not LoaDocument.objects.filter(order_id=order.pk).exists()


def test_the_operators_own_p12_seals_and_validates_up_to_its_ca(api, settings, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    ca = issue("Acme Fiber Issuing CA", ca=True)
    seal = issue("Acme Fiber LOA seal", issuer=ca)
    path = tmp_path / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", seal.key, seal.certificate, [ca.certificate], BestAvailableEncryption(b"s3cret")))
    settings.PORTING_SEAL_P12, settings.PORTING_SEAL_P12_PASSWORD = str(path), "s3cret"
    order = api.create()
    with django_capture_on_commit_callbacks(execute=True):
        api.approve(order["id"])
    loa = LoaDocument.objects.get(order_id=order["id"])
    signature, status = validated(bytes(loa.pdf), ca.asn1_certificate)
    assert status.bottom_line, status.pretty_print_details()
    assert signature.signer_cert.dump() == seal.asn1_certificate.dump()
    key = SealKey.objects.get()
    assert key.source == "p12" and key.private_key_pem is None  # the key stays in the operator's file
    assert key.fingerprint == hashlib.sha256(seal.asn1_certificate.dump()).hexdigest()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_store_exactly_one_demo_key():
    if connection.vendor != "postgresql":
        require_or_skip("PORTICO_REQUIRE_POSTGRES", "race tests need PostgreSQL (set DATABASE_URL)")
    parallel = 12
    barrier = threading.Barrier(parallel)

    def first_use(_: int) -> str:
        try:
            barrier.wait(timeout=30)
            return operator_seal()[0].fingerprint
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        fingerprints = set(pool.map(first_use, range(parallel)))
    assert SealKey.objects.count() == 1
    assert fingerprints == {SealKey.objects.get().fingerprint}
