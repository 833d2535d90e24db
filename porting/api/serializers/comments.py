"""Comments: the request and the documented response shapes."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import StrictCharField, StrictSerializer, documented
from porting.models import COMMENT_MAX_CHARS, CommentAuthorType


class CommentCreateSerializer(StrictSerializer):
    body = StrictCharField(max_length=COMMENT_MAX_CHARS, help_text="Plain text, up to 5,000 characters.")


class CommentAuthorOut(serializers.Serializer[dict[str, Any]]):
    type = serializers.ChoiceField(choices=CommentAuthorType.values)
    name = serializers.CharField()


class CommentOut(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    object = serializers.CharField()
    body = serializers.CharField()
    author = CommentAuthorOut()
    action_required = serializers.BooleanField(
        help_text="The porting desk asks you for something: answer with a comment or update the order.")
    created_at = serializers.CharField()


CommentListOut = documented("CommentListOut", data=CommentOut(many=True))
