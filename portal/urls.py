"""Top-level routes: the API under /v1, its schema and docs, the admin."""
import os

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from porting.admin import desk_site


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include("porting.api.urls")),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
         name="openapi-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema", authentication_classes=[],
                                                 permission_classes=[]), name="api-docs"),
    path("admin/", desk_site.urls),
    path("", include("porting.signing.urls")),
    path("", include("porting.verify.urls")),
    path("healthz", healthz),
]

if os.environ.get("PORTICO_BENCH_HELLO") == "1":
    # The benchmark's baseline: a bare DRF endpoint, mounted only when bench/api.py asks for it.
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class HelloView(APIView):
        authentication_classes = []
        permission_classes = []
        throttle_classes = []

        def get(self, request: Request) -> Response:
            return Response({"hello": "world"})

    urlpatterns.append(path("bench/hello", HelloView.as_view()))

    import hashlib

    from django.http import HttpRequest, JsonResponse
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def upload_floor(request: HttpRequest) -> JsonResponse:
        """The least any upload costs: receive the body and hash it (no parsing, no storage)."""
        digest = hashlib.sha256()
        while chunk := request.read(1024 * 1024):
            digest.update(chunk)
        return JsonResponse({"sha256": digest.hexdigest()}, status=201)

    urlpatterns.append(path("bench/upload-floor", upload_floor))

handler404 = "porting.api.errors.not_found_view"
handler500 = "porting.api.errors.server_error_view"
