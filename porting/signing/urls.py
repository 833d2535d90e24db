"""The customer signing pages."""
from __future__ import annotations

from django.urls import path, re_path

from porting.signing import views

app_name = "porting"
urlpatterns = [
    path("sign/<str:token>/", views.sign, name="sign"),
    path("sign/<str:token>/decline/", views.decline, name="sign-decline"),
    path("sign/<str:token>/done/", views.done, name="sign-done"),
    path("sign/<str:token>/loa-preview.pdf", views.loa_preview, name="sign-loa-preview"),
    path("sign/<str:token>/loa.pdf", views.signed_loa, name="sign-loa"),
    path("sign/<str:token>/documents/", views.attach_document, name="sign-documents"),
    # Every other address under /sign/ ending in "/" is a counted 404 (a dead-link hit). One without the
    # slash is left to APPEND_SLASH, which still redirects "/sign/<token>" to the page.
    re_path(r"^sign/(?P<token>(?:.*/)?)$", views.no_such_page, name="sign-unknown"),
]
