"""The public verify page."""
from __future__ import annotations

from django.urls import path

from porting.verify import views

app_name = "verify"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
]
