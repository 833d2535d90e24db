"""POST /v1/port-in-eligibility (platform-scoped)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from porting.api import serializers as s
from porting.api.views.base import ApiView, problems, validated
from porting.eligibility import check_eligibility
from porting.representations import non_portable_json, portable_json


class EligibilityView(ApiView):
    @extend_schema(
        operation_id="check_port_in_eligibility", request=s.EligibilityRequestSerializer,
        responses={200: s.EligibilityOut, **problems(400, 401, 429)},
        summary="Check which numbers can be ported in (platform-scoped, no account header).",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.EligibilityRequestSerializer, request.data)
        result = check_eligibility(data["phone_numbers"], livemode=self.client.livemode)
        return Response({
            "portable_numbers": [portable_json(r) for r in result.portable],
            "non_portable_numbers": [non_portable_json(r) for r in result.non_portable],
        })
