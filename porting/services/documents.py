"""Supporting documents of an order: attached by the integrator (API) or by the customer on the signing page,
deleted until the order is submitted. Each writes its audit event (``document.attached``,
``document.deleted``: public, so webhooks deliver them) in the same transaction.

The file is checked (``porting.documents.inspect_document``) and stored before the transaction, under a
name made of the ids; if the transaction fails the stored file is removed again. A deleted document's
file is removed once the deletion has committed, by an outbox effect (retried while the store is down).
"""
from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from porting import outbox
from porting.documents import (
    clean_filename,
    documents_storage,
    inspect_document,
    missing_document_types,
    storage_name_for,
)
from porting.effects import Effect
from porting.errors import InvalidState, NotFound, ValidationFailed, field_error
from porting.fields import new_typeid
from porting.models import (
    DOCUMENT_DESCRIPTION_MAX_CHARS,
    ENDED_STATUSES,
    ActorType,
    ApprovalRequest,
    Document,
    DocumentType,
    PortOrder,
    PortStatus,
)
from porting.services.approval_requests import approval_request_signed_copy_available
from porting.services.audit import Actor, lock_order, record_event

# "Only before submit": once the carrier has had the order, its documents are part of what was sent.
DELETABLE_STATUSES = (PortStatus.DRAFT, PortStatus.APPROVED)


def _require_open(order: PortOrder) -> None:
    if order.status in ENDED_STATUSES:
        raise InvalidState(f"Documents cannot be attached to a port order in status '{order.status}'.")


def port_order_document_attach(
    *, order: PortOrder, file: File[Any], type: str, actor: Actor, description: str = "",
    filename: str | None = None,
) -> Document:
    """Attach a supporting document to an order that has not ended. The bytes decide what it is (PDF, PNG
    or JPEG; encrypted or unreadable PDFs refused); ``filename`` (default: the file's own name) is cleaned."""
    _require_open(order)
    if type not in DocumentType.values:
        raise ValidationFailed(f"type must be one of {', '.join(DocumentType.values)}.",
                               errors=[field_error("/type", f'"{type}" is not a valid choice.')])
    description = (description or "").strip()
    if len(description) > DOCUMENT_DESCRIPTION_MAX_CHARS:
        raise ValidationFailed("The description is too long.", errors=[field_error(
            "/description", f"Ensure this field has no more than {DOCUMENT_DESCRIPTION_MAX_CHARS} characters.")])
    inspected = inspect_document(file)
    name = clean_filename((file.name or "") if filename is None else filename, inspected.content_type)
    document_id = new_typeid("doc")
    storage = documents_storage()
    stored = storage.save(storage_name_for(order, document_id, inspected.content_type), file)
    try:
        with transaction.atomic():
            order = lock_order(order)
            _require_open(order)
            document = Document.objects.create(
                id=document_id, order=order, type=type, filename=name, description=description,
                content_type=inspected.content_type, size=inspected.size, sha256=inspected.sha256,
                storage_name=stored, uploaded_by_type=actor.type, uploaded_by_id=actor.id,
            )
            record_event(order, "document.attached", actor, data={
                "document_id": document.pk, "type": type, "filename": name, "content_type": document.content_type,
                "size": document.size, "sha256": document.sha256,
            })
    except BaseException:
        storage.delete(stored)
        raise
    return document


def approval_request_document_attach(*, request: ApprovalRequest, file: File[Any], type: str) -> Document:
    """The customer attaches, on the signing page, a document the order still needs (the missing bill),
    while their link is alive: open, or signed and still showing its receipt."""
    if not (request.is_open() or approval_request_signed_copy_available(request=request)):
        raise InvalidState("This signing link can no longer be used.")
    if type not in missing_document_types(request.order):
        raise ValidationFailed("This document is not needed with the order (or was provided already).",
                               errors=[field_error("/type", "Not a missing document of the order.")])
    return port_order_document_attach(order=request.order, file=file, type=type,
                                      actor=Actor(ActorType.CUSTOMER, request.pk))


def document_file_remove(*, document_id: str) -> None:
    """The outbox's DOCUMENT_FILE_DELETE: remove a deleted document's stored file. Idempotent (a file already
    gone is fine); a store that fails is retried on the outbox's schedule, and a dead row shows on the desk."""
    document = Document.objects.filter(pk=document_id, deleted_at__isnull=False).first()
    if document is not None:
        documents_storage().delete(document.storage_name)


def port_order_document_delete(*, order: PortOrder, document: Document, actor: Actor) -> None:
    """Delete a document of a draft or approved order (409 once submitted). Its row stays for the audit
    trail, marked deleted; its stored file is removed after the commit (outbox: DOCUMENT_FILE_DELETE)."""
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in DELETABLE_STATUSES:
            raise InvalidState(f"Documents can be deleted until the order is submitted; this port order is "
                               f"'{order.status}'.")
        deleted = Document.objects.filter(pk=document.pk, order=order, deleted_at__isnull=True).update(
            deleted_at=timezone.now())
        if not deleted:
            raise NotFound(f"No such document: {document.pk}")
        record_event(order, "document.deleted", actor, data={
            "document_id": document.pk, "type": document.type, "filename": document.filename,
        })
        outbox.put(Effect.DOCUMENT_FILE_DELETE, target_id=document.pk, order=order)
