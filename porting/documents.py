"""Supporting documents: what an uploaded file is (told from its bytes), its limits, its clean name, where it
is kept, what an order still needs, and the signed links that download one without an API key.

- **What it is.** ``puremagic`` names the type from the first bytes; only PDF, PNG and JPEG pass, whatever
  the file is called or the client says. A PDF must open with ``pypdf`` and must not be encrypted (the
  carrier's staff could not read it); a PNG or JPEG must open with Pillow.
- **Limits.** ``PORTING_DOCUMENT_MAX_BYTES`` per file, one file per request, enforced while the body streams
  (``DocumentUploadHandler``: to a temporary file, never into memory; a body announced larger is refused
  before it is read).
- **Where.** ``STORAGES["documents"]``: a private folder by default, S3 through django-storages when
  configured. The stored name is made of the ids, never of the client's file name.
- **Requirements.** The carrier of the order's mode says which types it needs (``required_documents``).
- **Download links.** A token signed with ``SECRET_KEY`` (``django.core.signing``) naming the document and
  the time it was made; it is good for ``DOWNLOAD_LINK_TTL``, then ``LinkExpired`` (410).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import puremagic
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.models import QuerySet
from django.http import HttpRequest
from PIL import Image
from pypdf import PdfReader

from porting.carriers import carrier_for_mode
from porting.errors import DocumentsRequired, LinkExpired, NotFound, PayloadTooLarge, ValidationFailed, field_error
from porting.models import DOCUMENT_FILENAME_MAX_CHARS, Document, DocumentType, PortOrder

STORAGE_ALIAS = "documents"
# What is accepted, by the type the bytes show, with the extension a stored name gets.
EXTENSION_OF = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
# Extensions that name one of the accepted types: a name ending in one that disagrees with the bytes is corrected.
KNOWN_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".jpe", ".jfif"}
# Characters a downloaded file's name cannot hold on Windows (a slash never reaches here).
WINDOWS_RESERVED = set('<>:"|?*')
IMAGE_FORMAT_OF = {"image/png": "PNG", "image/jpeg": "JPEG"}
SNIFF_BYTES = 8192
# Room in a request's body for the multipart framing and the form's other fields besides the file itself.
MULTIPART_ALLOWANCE = 64 * 1024
DOWNLOAD_LINK_TTL = dt.timedelta(hours=1)
DOWNLOAD_TOKEN_SALT = "porting.documents.download"


def documents_storage() -> Storage:
    """The storage documents live in (``STORAGES["documents"]``)."""
    return storages[STORAGE_ALIAS]


def max_document_bytes() -> int:
    limit: int = settings.PORTING_DOCUMENT_MAX_BYTES
    return limit


def too_large() -> PayloadTooLarge:
    limit = max_document_bytes()
    shown = f"{limit / 1024 / 1024:g} MB ({limit:,} bytes)" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return PayloadTooLarge(f"A document may be at most {shown}.",
                           errors=[field_error("/file", f"Larger than {limit} bytes.")])


# --- the upload, while it streams --------------------------------------------------------------------
class DocumentUploadHandler(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file and refuses, as soon as it shows, a body announced larger than
    one document can make, a file past ``PORTING_DOCUMENT_MAX_BYTES`` (its temporary file removed at once),
    and a second file. Memory and disk stay bounded by one document whatever a client sends."""

    # Django reads the body in chunks of this size: 1 MiB, not its default 64 KiB, so a 5 MB file takes 5
    # trips through the multipart parser instead of 80 (measured by bench/api.py: a 5 MB upload went from
    # 6.2x to … the time of the same bytes served as a static file).
    chunk_size = 1024 * 1024

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_bytes = max_document_bytes()
        self.files_seen = 0

    def handle_raw_input(self, input_data: IO[bytes], META: dict[str, str], content_length: int, boundary: str,
                         encoding: str | None = None) -> None:
        if content_length > self.max_bytes + MULTIPART_ALLOWANCE:
            raise too_large()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.files_seen += 1
        if self.files_seen > 1:
            self.upload_interrupted()  # the first file's temporary file, if this handler still holds it
            raise ValidationFailed("Send one file per request.", errors=[field_error("/file", "One file only.")])
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            self.upload_interrupted()  # closes and removes the temporary file written so far
            raise too_large()
        return super().receive_data_chunk(raw_data, start)


def use_document_upload_handler(request: HttpRequest) -> None:
    """Parse this request's multipart body with ``DocumentUploadHandler`` (before anything reads the body)."""
    request.upload_handlers = [DocumentUploadHandler(request)]


# --- what the file is ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type the bytes show (among puremagic's best matches), or None."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    if not matches:
        return None
    best = matches[0].confidence
    return next((m.mime_type for m in matches if m.confidence >= best and m.mime_type in EXTENSION_OF), None)


def _file_error(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[field_error("/file", detail)])


def _check_pdf(file: IO[bytes]) -> None:
    try:
        reader = PdfReader(file, strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many kinds on a damaged file: any of them means "unreadable"
        raise _file_error("The PDF could not be read: it is damaged or not really a PDF. Export it again and "
                          "upload the new file.")
    if encrypted:
        raise _file_error("The PDF is encrypted (password-protected): the carrier could not open it. Save or "
                          "print it again without a password and upload that file.")
    if pages < 1:
        raise _file_error("The PDF has no pages.")


def _check_image(file: IO[bytes], content_type: str) -> None:
    try:
        with Image.open(file) as image:
            same_format = image.format == IMAGE_FORMAT_OF[content_type]
            image.verify()  # checks the structure (PNG: every chunk's CRC) without decoding the pixels
    except Exception:  # Pillow's errors on a damaged file (and its decompression-bomb guard) vary by format
        same_format = False
    if not same_format:
        raise _file_error("The image could not be read: it is damaged. Scan or save it again and upload it.")


def inspect_document(file: File[Any]) -> InspectedFile:
    """What the uploaded file really is, its size and SHA-256, read in chunks; 400 (with a pointer to
    ``/file``) unless it is a readable, unencrypted PDF, a PNG or a JPEG; 413 past the size limit."""
    size = file.size
    if size is not None and size > max_document_bytes():
        raise too_large()
    if not size:
        raise _file_error("The file is empty.")
    file.seek(0)
    content_type = sniff_content_type(file.read(SNIFF_BYTES))
    if content_type is None:
        raise _file_error("Only PDF, PNG and JPEG files are accepted (told from the file's content, not its name).")
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    if content_type == "application/pdf":
        _check_pdf(file)
    else:
        _check_image(file, content_type)
    file.seek(0)
    return InspectedFile(content_type=content_type, size=size, sha256=digest.hexdigest())


def _filename_char(c: str) -> str:
    category = unicodedata.category(c)
    if category.startswith("Z") or c in "\t\n\r\v\f":  # every kind of space or line break: a plain space
        return " "
    if category.startswith("C"):  # other control, format (bidi overrides, zero-width), surrogate, private use
        return ""
    return "_" if c in WINDOWS_RESERVED else c


def clean_filename(name: str, content_type: str) -> str:
    """The client's file name made safe to keep and show: no directories, no control or invisible format
    characters (bidi overrides included), no leading dots, at most ``DOCUMENT_FILENAME_MAX_CHARS``, and an
    extension that says what the bytes are (``bill.png`` holding a PDF becomes ``bill.pdf``)."""
    name = posixpath.basename(unicodedata.normalize("NFC", name or "").replace("\\", "/"))
    name = "".join(_filename_char(c) for c in name)
    name = " ".join(name.split()).strip(" .")
    stem, extension = posixpath.splitext(name)
    wanted = EXTENSION_OF[content_type]
    same = {".jpg", ".jpeg", ".jpe", ".jfif"} if wanted == ".jpg" else {wanted}
    if extension.lower() in same:
        wanted = extension
    elif extension.lower() not in KNOWN_EXTENSIONS:
        stem = name
    stem = stem.strip(" .") or "document"
    return stem[: DOCUMENT_FILENAME_MAX_CHARS - len(wanted)].rstrip(" .") + wanted


def storage_name_for(order: PortOrder, document_id: str, content_type: str) -> str:
    return f"{order.pk}/{document_id}{EXTENSION_OF[content_type]}"


# --- reads -----------------------------------------------------------------------------------------------
def order_documents(order: PortOrder) -> QuerySet[Document]:
    """The order's documents (deleted ones left out), oldest first."""
    return Document.objects.filter(order=order, deleted_at__isnull=True).order_by("pk")


def order_document(order: PortOrder, document_id: str) -> Document:
    """One document of the order, or ``not_found`` (a deleted one, or another order's, included)."""
    document: Document | None = order_documents(order).filter(pk=document_id).first()
    if document is None:
        raise NotFound(f"No such document: {document_id}")
    return document


def open_document(document: Document) -> File[Any]:
    """The stored bytes, to stream (the caller closes it)."""
    return documents_storage().open(document.storage_name, "rb")


# --- requirements ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    type: str
    provided: bool

    @property
    def status(self) -> str:
        return "provided" if self.provided else "missing"

    @property
    def label(self) -> str:
        return str(DocumentType(self.type).label) if self.type in DocumentType.values else self.type


# Set by attach_provided_document_types on a page of orders: the types of their documents, fetched at once.
_PROVIDED = "_provided_document_types"


def order_requirements(order: PortOrder) -> list[Requirement]:
    """The documents the carrier of the order's mode needs with it, each provided or missing."""
    required = carrier_for_mode(order.livemode).required_documents(order)
    if not required:
        return []
    provided: set[str] | None = getattr(order, _PROVIDED, None)
    if provided is None:
        provided = set(order_documents(order).filter(type__in=required).values_list("type", flat=True))
    return [Requirement(type_, type_ in provided) for type_ in required]


def attach_provided_document_types(orders: Sequence[PortOrder]) -> None:
    """Before showing a page of orders: the document types of those whose carrier needs any, in one query
    (none when no order needs a document), so ``order_requirements`` asks nothing more per order."""
    needing = [o.pk for o in orders if carrier_for_mode(o.livemode).required_documents(o)]
    types: dict[str, set[str]] = {pk: set() for pk in needing}
    if needing:
        rows = Document.objects.filter(order_id__in=needing, deleted_at__isnull=True).values_list("order_id", "type")
        for order_id, type_ in rows:
            types[order_id].add(type_)
    for order in orders:
        setattr(order, _PROVIDED, types.get(order.pk, set()))


def missing_document_types(order: PortOrder) -> list[str]:
    return [r.type for r in order_requirements(order) if not r.provided]


def check_documents_provided(order: PortOrder) -> None:
    """422 ``documents_required`` while the carrier still needs a document with the order."""
    requirements = order_requirements(order)
    missing = [(i, r) for i, r in enumerate(requirements) if not r.provided]
    if missing:
        names = ", ".join(r.type for _, r in missing)
        raise DocumentsRequired(
            f"The losing carrier needs these documents before the order is submitted: {names}. Upload them with "
            "POST /v1/port-orders/{id}/documents (or the customer can, on the signing page).",
            errors=[field_error(f"/requirements/{i}", f"A document of type {r.type!r} is missing.")
                    for i, r in missing],
        )


# --- download links --------------------------------------------------------------------------------------
def download_token(document: Document) -> tuple[str, dt.datetime]:
    """A token that downloads ``document`` without an API key until the time returned."""
    issued = int(time.time())
    token = signing.TimestampSigner(salt=DOWNLOAD_TOKEN_SALT).sign_object({"d": document.pk}, compress=False)
    return token, dt.datetime.fromtimestamp(issued, tz=dt.UTC) + DOWNLOAD_LINK_TTL


def document_from_download_token(token: str) -> Document:
    """The document a live token names; ``LinkExpired`` (410) once it is older than ``DOWNLOAD_LINK_TTL`` or
    its document was deleted; ``NotFound`` for anything that is not a token of ours."""
    signer = signing.TimestampSigner(salt=DOWNLOAD_TOKEN_SALT)
    try:
        payload = signer.unsign_object(token, max_age=DOWNLOAD_LINK_TTL)
    except signing.SignatureExpired:
        raise LinkExpired("This download link has expired (links last one hour): ask the API for a new one.")
    except (signing.BadSignature, ValueError, UnicodeError):
        raise NotFound("No such download link.")
    document_id = payload.get("d") if isinstance(payload, dict) else None
    document: Document | None = Document.objects.filter(pk=str(document_id)).first() if document_id else None
    if document is None:
        raise NotFound("No such download link.")
    if document.deleted_at is not None:
        raise LinkExpired("This document was deleted.")
    return document
