"""Supporting documents: the multipart upload and the documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import StrictCharField, StrictSerializer, documented
from porting.models import DOCUMENT_DESCRIPTION_MAX_CHARS, DocumentType


class DocumentCreateSerializer(StrictSerializer):
    """``multipart/form-data``: one file and its type."""

    file = serializers.FileField(
        use_url=False,
        help_text="PDF, PNG or JPEG, at most PORTING_DOCUMENT_MAX_BYTES (default 10 MB). The type is told from "
                  "the bytes, never from the name; encrypted or unreadable PDFs are refused.")
    type = serializers.ChoiceField(choices=DocumentType.values,
                                   help_text="invoice (a recent bill), csr (customer service record), loa, other.")
    description = StrictCharField(max_length=DOCUMENT_DESCRIPTION_MAX_CHARS, required=False, allow_blank=True)


class DocumentOut(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    object = serializers.CharField()
    type = serializers.ChoiceField(choices=DocumentType.values)
    filename = serializers.CharField(help_text="The name it was sent under, cleaned (no path, no control "
                                               "characters, an extension that matches the content).")
    description = serializers.CharField(allow_null=True)
    content_type = serializers.ChoiceField(choices=["application/pdf", "image/png", "image/jpeg"],
                                           help_text="What the bytes are.")
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField(help_text="SHA-256 of the bytes, hex.")
    created_at = serializers.CharField()


DocumentListOut = documented("DocumentListOut", data=DocumentOut(many=True))


class DownloadLinkOut(serializers.Serializer[dict[str, Any]]):
    url = serializers.URLField(help_text="Downloads the document without the API key until expires_at; "
                                         "410 afterwards.")
    expires_at = serializers.CharField()


class RequirementOut(serializers.Serializer[dict[str, Any]]):
    type = serializers.ChoiceField(choices=DocumentType.values)
    status = serializers.ChoiceField(choices=["missing", "provided"])
