"""The client's IP address behind the deployment's proxies (``PORTING_TRUSTED_PROXY_COUNT``), for the public
pages' per-client limits. A leaf, so that any edge may use it (edges do not import each other); the same
rule as the signing pages' ``client_ip``."""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP. With no trusted proxy, REMOTE_ADDR (django-ipware); X-Forwarded-For is ignored.

    Behind PORTING_TRUSTED_PROXY_COUNT = N proxies, each proxy appends the address it saw, so the
    client is the N-th entry from the right; anything left of it came from the client and may be
    forged. (django-ipware's own proxy_count counts hops differently, so the pick is done here.)
    """
    count = settings.PORTING_TRUSTED_PROXY_COUNT
    direct, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    if not count:
        return direct
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return direct
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return direct
