"""Webhook payloads, Standard Webhooks signatures, URL safety and the one outbound HTTP seam.

Signing is three lines of the standard library's HMAC rather than the ``standardwebhooks``
package: the tests verify every delivery with that package, which is only an independent check
if Portico does not sign with it too.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from porting.formatting import PIN_MASK, mask_account_number, utc_timestamp
from porting.models import Event, PortOrder, WebhookEndpoint
from porting.representations import port_order_json

SECRET_PREFIX = "whsec_"
USER_AGENT = "Portico-Webhooks/1.0"
TIMEOUT_SECONDS = 15.0
RESPONSE_READ_LIMIT = 64 * 1024
RESPONSE_EXCERPT = 500
MAX_NUMBERS = 100


def new_secret() -> str:
    """``whsec_`` and 24 random bytes in base64 (the key is the decoded bytes, as Standard Webhooks says)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets_: list[str], message_id: str, body: str, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def order_object(order: PortOrder) -> dict[str, Any]:
    """The order as GET returns it, numbers past the first 100 left out (``numbers_count`` says how many),
    and the PIN and account number masked even on a draft: a webhook body is stored (for retries and
    recovery) and leaves for another system, and secrets are only ever read over the API."""
    data = port_order_json(order)
    subscriber = data["details"]["subscriber"]
    if subscriber.get("pin"):
        subscriber["pin"] = PIN_MASK
    if subscriber.get("account_number"):
        subscriber["account_number"] = mask_account_number(subscriber["account_number"])
    count = len(data["numbers"])
    if count > MAX_NUMBERS:
        data["numbers"] = data["numbers"][:MAX_NUMBERS]
        data["details"]["phone_numbers"] = data["details"]["phone_numbers"][:MAX_NUMBERS]
        data["numbers_truncated"] = True
    data["numbers_count"] = count
    return data


def event_body(event: Event, order: PortOrder) -> str:
    """The delivery's JSON body (DESIGN §10), fixed when the event happens: retries send the same bytes."""
    return json.dumps({
        "id": event.pk, "type": event.type, "created_at": utc_timestamp(event.created_at),
        "livemode": order.livemode, "account_id": order.account_id, "sequence": event.sequence,
        "data": {"object": order_object(order)},
    }, separators=(",", ":"))


def test_body(message_id: str, endpoint: WebhookEndpoint, created_at: str) -> str:
    return json.dumps({
        "id": message_id, "type": "webhook_endpoint.test", "created_at": created_at, "livemode": endpoint.livemode,
        "account_id": endpoint.account_id, "sequence": 0,
        "data": {"object": {"id": endpoint.pk, "object": "webhook_endpoint", "url": endpoint.url}},
    }, separators=(",", ":"))


# --- URL safety --------------------------------------------------------------------------------
class UnsafeUrl(Exception):
    """The URL may not receive webhooks (scheme, or a host that resolves to a private address)."""


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified)


def resolve_safely(url: str, *, livemode: bool) -> tuple[urllib.parse.SplitResult, str]:
    """Check the URL and resolve its host once: (the parsed URL, the address to connect to).

    Live endpoints must be https. Unless ``PORTING_WEBHOOK_ALLOW_PRIVATE_URLS``, a host that resolves
    to any private, loopback, link-local, multicast or reserved address is refused; the delivery
    connects to the address checked here, so DNS cannot change between the check and the request.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("The URL must be an absolute http(s) URL.")
    if livemode and parts.scheme != "https":
        raise UnsafeUrl("Live-mode webhook endpoints must use https.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"The host {parts.hostname!r} does not resolve: {exc}")
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not settings.PORTING_WEBHOOK_ALLOW_PRIVATE_URLS:
        bad = [str(a) for a in addresses if _forbidden(a)]
        if bad:
            raise UnsafeUrl(f"The host {parts.hostname!r} resolves to a private or reserved address ({bad[0]}).")
    return parts, str(addresses[0])


# --- the outbound HTTP seam ----------------------------------------------------------------------
@dataclass(frozen=True)
class HttpResult:
    status: int | None
    duration_ms: int
    response_excerpt: str = ""
    retry_after: float | None = None
    error: str = ""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address resolved (and checked) beforehand, verifying the certificate for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to the schedule


def post_json(url: str, body: str, headers: dict[str, str], *, livemode: bool) -> HttpResult:
    """POST one delivery: one timeout, redirects not followed, at most 64 KB of the response read.

    Written on ``http.client`` (not requests/urllib3) to connect to the address that was checked
    (no second DNS lookup an attacker could answer differently) with the certificate still checked
    against the host name.
    """
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parts, address = resolve_safely(url, livemode=livemode)
    except UnsafeUrl as exc:
        return HttpResult(None, elapsed(), error=str(exc))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname or "", address, port, TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    deadline = started + TIMEOUT_SECONDS

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no complete answer within {TIMEOUT_SECONDS:.0f} s")
        return left

    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        sock = connection.sock  # http.client drops its reference once the server says it will close
        assert sock is not None
        sock.settimeout(remaining())
        response = connection.getresponse()
        received = b""
        while len(received) < RESPONSE_READ_LIMIT:  # a slow-dripping receiver still ends at the deadline
            sock.settimeout(remaining())
            chunk = response.read1(min(8192, RESPONSE_READ_LIMIT - len(received)))
            if not chunk:
                break
            received += chunk
        excerpt = received[:RESPONSE_EXCERPT].decode("utf-8", "replace")
        return HttpResult(response.status, elapsed(), excerpt, _retry_after(response.getheader("Retry-After")))
    except (OSError, http.client.HTTPException) as exc:
        return HttpResult(None, elapsed(), error=f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT])
    finally:
        connection.close()
