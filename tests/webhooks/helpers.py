"""Helpers of the webhook tests: a real HTTP receiver, the platform-scoped API calls, the outbox's rows."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from standardwebhooks.webhooks import Webhook
from werkzeug import Request, Response

from porting.models import OutboxMessage, WebhookDelivery
from tests.conftest import Api

PLATFORM_ADDRESSES = ["ops@reseller.example", "desk@reseller.example"]
RANDOM_ENDPOINT = "we_01h2xcejqtf2nbrexx3vqjhp41"
RANDOM_EVENT = "evt_01h2xcejqtf2nbrexx3vqjhp41"


@dataclass
class Received:
    """One POST as the receiver saw it: the raw body and the headers (lower-case names)."""

    path: str
    body: str
    headers: dict[str, str]
    at: float

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def verified_with(self, secret: str) -> dict[str, Any]:
        """What a receiver does: the standardwebhooks package checks the signature (raises if it does not match)."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    """An integrator's webhook receiver on 127.0.0.1: records every POST and answers from a script
    per path (a status, or a status with headers), then 200 once the script runs out."""

    server: HTTPServer
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    always: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def answer(self, *statuses: int | tuple[int, dict[str, str]], path: str = "/hook") -> None:
        """The next answers at ``path``, in order."""
        script = [s if isinstance(s, tuple) else (s, {}) for s in statuses]
        self.scripts.setdefault(path, []).extend(script)

    def answer_always(self, status: int, path: str = "/hook") -> None:
        self.always[path] = status

    def at(self, path: str = "/hook") -> list[Received]:
        return [r for r in self.received if r.path == path]

    def types(self, path: str = "/hook") -> list[str]:
        return [r.json()["type"] for r in self.at(path)]

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.received.append(Received(request.path, request.get_data().decode(),
                                          {k.lower(): v for k, v in request.headers.items()}, time.time()))
            script = self.scripts.get(request.path)
            if script:
                status, headers = script.pop(0)
            else:
                status, headers = self.always.get(request.path, 200), {}
        return Response("thanks" if status < 300 else "no", status=status, headers=headers)


# --- the platform-scoped API (no account header) ------------------------------------------------
def endpoint_create(api: Api, url: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/webhook-endpoints", {"url": url, **fields}, account=False)
    assert response.status_code == 201, response.json()
    return response.json()


def endpoint_get(api: Api, endpoint_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/webhook-endpoints/{endpoint_id}", account=False)
    assert response.status_code == 200, response.json()
    return response.json()


def endpoint_update(api: Api, endpoint_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"/v1/webhook-endpoints/{endpoint_id}", fields, account=False)
    assert response.status_code == 200, response.json()
    return response.json()


def deliveries(api: Api, endpoint_id: str, **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries", account=False, **params)
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def only_delivery(api: Api, endpoint_id: str) -> dict[str, Any]:
    (delivery,) = deliveries(api, endpoint_id)
    return delivery


def feed(api: Api, **params: Any) -> dict[str, Any]:
    response = api.client.get("/v1/events", params, **api.headers(account=False))
    assert response.status_code == 200, response.json()
    return response.json()


def order_events(api: Api, order_id: str) -> list[dict[str, Any]]:
    return api.get(f"/v1/port-orders/{order_id}/events").json()["data"]


def assert_problem(response, status: int, pointer: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem: its content type, its shape, and (for 400) the field it points at."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status
    if pointer is not None:
        assert pointer in [e["pointer"] for e in body["errors"]], body
    return body


# --- the outbox's row of a delivery -------------------------------------------------------------
def next_attempt_due(delivery_id: str) -> dt.datetime:
    """When the outbox will try this delivery again (the row is read: the schedule is its business)."""
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    message = OutboxMessage.objects.get(pk=delivery.outbox_message_id)
    assert message.status == "pending", message.status
    return message.due_at


def between(value: dt.datetime, earliest: dt.datetime, latest: dt.datetime) -> bool:
    return earliest <= value <= latest
