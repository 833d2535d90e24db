"""Top-level routes: the API under /v1, its schema and docs, the admin."""
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("v1/", include("porting.api.urls")),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
         name="openapi-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema", authentication_classes=[],
                                                 permission_classes=[]), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
]

handler404 = "porting.api.errors.not_found_view"
handler500 = "porting.api.errors.server_error_view"
