"""The documented error body: RFC 9457 problem details."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from porting.api.serializers.fields import documented


class ProblemFieldOut(serializers.Serializer[dict[str, Any]]):
    pointer = serializers.CharField()
    detail = serializers.CharField()


# Made by ``documented``: in a class body, a field named ``errors`` would override the type of
# ``Serializer.errors`` (the validation errors), which the type checker rejects.
ProblemOut = documented(
    "ProblemOut",
    type=serializers.CharField(),
    title=serializers.CharField(),
    status=serializers.IntegerField(),
    detail=serializers.CharField(),
    code=serializers.CharField(),
    errors=ProblemFieldOut(many=True),
)
