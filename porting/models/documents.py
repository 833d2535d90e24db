"""Supporting documents of an order (a recent bill, the customer service record, ...): uploaded files kept
in the ``documents`` storage (``STORAGES["documents"]``), never in the database or under a public URL."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField
from porting.models.audit import ActorType
from porting.models.orders import PortOrder

DOCUMENT_DESCRIPTION_MAX_CHARS = 500
DOCUMENT_FILENAME_MAX_CHARS = 150


class DocumentType(models.TextChoices):
    INVOICE = "invoice", "Invoice (a recent bill)"
    CSR = "csr", "Customer service record (CSR)"
    LOA = "loa", "Letter of authorization (LOA)"
    OTHER = "other", "Other"


class Document(models.Model):
    """One uploaded file. Its bytes were checked to be a PDF, PNG or JPEG (``content_type`` is what they
    are, not what the client said); ``filename`` is the sanitized name it was sent under.

    Deleting it (only before the order is submitted) stamps ``deleted_at`` and removes the stored file;
    the row stays, as the audit trail's ``document.attached`` and ``document.deleted`` refer to it.
    """

    id = TypeIDField(prefix="doc")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(max_length=16, choices=DocumentType.choices)
    filename = models.CharField(max_length=DOCUMENT_FILENAME_MAX_CHARS)
    description = models.CharField(max_length=DOCUMENT_DESCRIPTION_MAX_CHARS, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The name in the documents storage: made of the order's and the document's ids, never of the filename.
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by_type = models.CharField(max_length=16, choices=ActorType.choices)
    uploaded_by_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "type"], name="document_order_type",
                                condition=models.Q(deleted_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.filename} ({self.type}) on {self.order_id}"
