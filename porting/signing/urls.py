"""The customer signing pages."""
from __future__ import annotations

from django.urls import path

from porting.signing import views

app_name = "porting"
urlpatterns = [
    path("sign/<str:token>/", views.sign, name="sign"),
    path("sign/<str:token>/decline/", views.decline, name="sign-decline"),
    path("sign/<str:token>/done/", views.done, name="sign-done"),
    path("sign/<str:token>/loa-preview.pdf", views.loa_preview, name="sign-loa-preview"),
    path("sign/<str:token>/loa.pdf", views.signed_loa, name="sign-loa"),
]
