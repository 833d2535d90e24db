"""/verify/: upload an LOA (or paste its SHA-256) and learn whether it was issued here, unaltered.

No login. The verdict is an HTML page, or JSON when the client asks for it (``Accept: application/json``).
A POST is limited per client IP (``VERIFY_REQUESTS`` per window, counted in the shared cache) and by
size (``MAX_BODY_BYTES``: 413 above). Both are checked before anything reads the body; the CSRF check
comes next (it reads the form), so the view is exempted from the middleware and checks CSRF itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from porting import ratelimit
from porting.client_ip import client_ip
from porting.models import SealKey
from porting.verify.forms import MAX_UPLOAD_BYTES, VerifyForm

if TYPE_CHECKING:
    from porting.loa.verify import Verification

VERIFY_REQUESTS = 30  # POSTs per client IP per window
VERIFY_WINDOW_SECONDS = 600
# The multipart body around the file: boundaries, headers, the CSRF token.
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


@require_http_methods(["GET", "POST"])
@csrf_exempt  # checked in _verify, after the rate limit and the size check (see the module docstring)
def verify_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, VerifyForm())
    usage = ratelimit.hit(request, group="verify", key=client_ip(request) or "unknown", limit=VERIFY_REQUESTS,
                          period=VERIFY_WINDOW_SECONDS)
    if usage.limited:
        retry_after = usage.retry_after
        response = _problem(request, 429, "rate_limited", "Too many checks",
                            f"Too many checks from your address: try again in {-(-retry_after // 60)} minutes.")
        response["Retry-After"] = str(retry_after)
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _too_large(request)
    return _verify(request)


@csrf_protect
def _verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [{"pointer": f"/{name}" if name != "__all__" else "", "detail": str(message)}
                  for name, messages in form.errors.items() for message in messages]
        if _wants_json(request):
            return _problem(request, 400, "validation_error", "Nothing to check",
                            " ".join(e["detail"] for e in errors), errors=errors)
        return _page(request, form, status=400)
    # Imported on first use: pyHanko costs ~32 MB, and most web workers never check an LOA.
    from porting.loa.verify import verify_pdf, verify_sha256

    upload = form.cleaned_data.get("pdf")
    if upload is not None:
        if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
            return _too_large(request)
        result = verify_pdf(upload.read())
    else:
        result = verify_sha256(form.cleaned_data["sha256"])
    if _wants_json(request):
        response: HttpResponse = JsonResponse(result.as_json())
    else:
        response = _page(request, VerifyForm(), result=result)
    response["Cache-Control"] = "no-store"
    return response


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _page(request: HttpRequest, form: VerifyForm, *, result: Verification | None = None,
          status: int = 200) -> HttpResponse:
    newest_key = SealKey.objects.order_by("-created_at").values_list("fingerprint", flat=True).first()
    return render(request, "verify/verify.html", {
        "form": form, "result": result, "operator": settings.PORTING_OPERATOR_NAME,
        "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024), "seal_fingerprint": newest_key,
    }, status=status)


def _too_large(request: HttpRequest) -> HttpResponse:
    return _problem(request, 413, "payload_too_large", "File too large",
                    f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: an LOA issued here is far "
                    "smaller.")


def _problem(request: HttpRequest, status: int, code: str, title: str, detail: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 body for JSON clients, the page with the message otherwise."""
    if _wants_json(request):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code, **extra}
        return JsonResponse(body, status=status, content_type="application/problem+json")
    response = render(request, "verify/verify.html", {
        "form": VerifyForm(), "problem": {"title": title, "detail": detail},
        "operator": settings.PORTING_OPERATOR_NAME, "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
    }, status=status)
    return response
