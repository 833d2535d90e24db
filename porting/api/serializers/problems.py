"""The documented error body: RFC 9457 problem details."""
from __future__ import annotations

from rest_framework import serializers


class ProblemFieldOut(serializers.Serializer):
    pointer = serializers.CharField()
    detail = serializers.CharField()


class ProblemOut(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ProblemFieldOut(many=True)
