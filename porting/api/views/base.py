"""What every API view shares: the caller (an API key), tenancy by the account header, the
documented problem responses, and input validation."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from porting import selectors, services
from porting.api import idempotency
from porting.api.authentication import ApiClient
from porting.api.serializers import ProblemOut
from porting.errors import NotFound, ValidationFailed
from porting.models import ActorType, IdempotencyRecord, PortOrder

PROBLEM = "application/problem+json"
ACCOUNT_HEADER_PARAM = OpenApiParameter(
    name=settings.PORTING_ACCOUNT_HEADER, location=OpenApiParameter.HEADER, required=True,
    pattern=r"^acct_[0-9a-z]{26}$", allow_blank=False,
    description="The account (acct_…) the request acts for. Missing or empty: 400 account_header_missing; "
                "not an account of your platform: 404.",
)


def problems(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """Documented problem responses for ``extend_schema``."""
    return {(code, PROBLEM): OpenApiResponse(ProblemOut, description="Problem details (RFC 9457)") for code in codes}


def validated(serializer_class: type[serializers.Serializer[dict[str, Any]]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ApiView(APIView):
    """Base view: the caller is an API key (``request.user`` is an ``ApiClient``); every POST honours
    an ``Idempotency-Key`` header."""

    _idempotency: IdempotencyRecord | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        key = request.headers.get(idempotency.HEADER)
        if request.method == "POST" and key is not None and self.handles(request):
            self._idempotency = idempotency.begin(api_key_id=self.client.key.pk, key=key, request=request._request,
                                                  content=self.idempotency_content(request))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response()
        response: Response = super().handle_exception(exc)
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        final: Response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency = self._idempotency, None
        if record is not None:
            idempotency.finish(record, final)
        return final

    def idempotency_content(self, request: Request) -> bytes | None:
        """What an Idempotency-Key's fingerprint takes for the body; None: the raw body (JSON views)."""
        return None

    def handles(self, request: Request) -> bool:
        """Whether this view has a handler for the request's method (otherwise dispatch answers 405)."""
        method = (request.method or "").lower()
        return method in self.http_method_names and hasattr(self, method)

    @property
    def client(self) -> ApiClient:
        # DRF types request.user as a Django user; here ApiKeyAuthentication sets an ApiClient.
        user: object = self.request.user
        assert isinstance(user, ApiClient), "HasApiKey lets only API keys in"
        return user

    def actor(self) -> services.Actor:
        return services.Actor(ActorType.API_KEY, self.client.actor_id)


class AccountScopedView(ApiView):
    """Requires the account header, verified against the key's platform: tenancy is enforced here.

    Authentication checks the header's account in the key's own query; an account of another
    platform is as unknown as one that does not exist.
    """

    account_id: str

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not self.handles(request):
            return  # a method the route does not have is 405 whatever the account header says
        header = settings.PORTING_ACCOUNT_HEADER
        account_id = request.headers.get(header, "").strip()
        if not account_id:
            raise ValidationFailed(f"The {header} header is required for this endpoint.", code="account_header_missing")
        if self.client.account_id != account_id:
            raise NotFound(f"No such account: {account_id}")
        self.account_id = account_id

    def get_order(self, order_id: str) -> PortOrder:
        return selectors.port_order_get(account_id=self.account_id, livemode=self.client.livemode, order_id=order_id)
