"""Idempotency keys on every POST under /v1 (DESIGN §5).

The first request with a key records the request's fingerprint before it runs and its answer
after; a retry with the same key and body gets that answer again (``Idempotent-Replayed: true``),
even while the first is still running (it waits for it, up to ``WAIT_SECONDS``); the same key
with another body is 422 ``idempotency_key_reused``; a first request still running after the
wait is 409 ``idempotency_key_in_use``. Records live 24 hours. Answers 5xx are not kept, so a
retry runs again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from rest_framework.response import Response

from porting.errors import PortingError, ValidationFailed, field_error
from porting.models import IdempotencyRecord

HEADER = "Idempotency-Key"
TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
WAIT_SECONDS = 10.0
# A record whose request never finished (the process died) is taken over after this long.
ABANDONED_AFTER = dt.timedelta(minutes=5)


class KeyConflict(PortingError):
    status = 409
    code = "idempotency_key_in_use"
    title = "Idempotency key in use"


class KeyReused(PortingError):
    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class Replay(Exception):
    """Raised to answer with the stored response instead of running the request again."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record

    def response(self) -> Response:
        response = Response(status=self.record.response_status)
        response.content = (self.record.response_body or "").encode()
        response["Content-Type"] = self.record.response_content_type
        response["Idempotent-Replayed"] = "true"
        return response


def fingerprint(request: HttpRequest, content: bytes | None = None) -> str:
    """The method, the path and the body; ``content`` stands for the body where the view says what it
    carries instead (a multipart upload: ``form_digest``)."""
    parts = [(request.method or "").encode(), request.path.encode(), request.body if content is None else content]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def form_digest(data: QueryDict) -> bytes:
    """A parsed multipart form by what it carries: each field's values and each file's name and bytes (read
    in chunks from its temporary file). Not the raw body: a client picks a new boundary for every request,
    so a retry's bytes differ, and a file is never held in memory whole."""
    digest = hashlib.sha256()
    for name, values in sorted(data.lists()):
        for value in values:
            if isinstance(value, UploadedFile):
                digest.update(json.dumps(["file", name, value.name]).encode())
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(json.dumps(["field", name, str(value)]).encode())
    return digest.hexdigest().encode()


def begin(*, api_key_id: str, key: str, request: HttpRequest, content: bytes | None = None) -> IdempotencyRecord:
    """Claim ``key`` for this request, or raise ``Replay`` / ``KeyReused`` / ``KeyConflict``."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable characters.",
                               errors=[field_error(f"/headers/{HEADER}", "Invalid idempotency key.")])
    print_ = fingerprint(request, content)
    now = timezone.now()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.filter(api_key_id=api_key_id, key=key, expires_at__lte=now).delete()
                return IdempotencyRecord.objects.create(api_key_id=api_key_id, key=key, fingerprint=print_,
                                                        expires_at=now + TTL)
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(api_key_id=api_key_id, key=key).first()
        if record is None:
            continue  # expired and purged meanwhile: claim it
        if record.fingerprint != print_:
            raise KeyReused(f"The {HEADER} {key!r} was used for a different request in the last 24 hours.")
        if record.completed_at is not None:
            raise Replay(record)
        if timezone.now() - record.created_at > ABANDONED_AFTER:
            IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()
            continue
        if time.monotonic() >= deadline:
            raise KeyConflict(f"A request with the {HEADER} {key!r} is still being processed; retry later.")
        time.sleep(0.05)


def finish(record: IdempotencyRecord, response: Response) -> None:
    """Keep the answer for replays; a 5xx is forgotten, so a retry runs the request again."""
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    response.render()
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        completed_at=timezone.now(), response_status=response.status_code,
        response_content_type=response.get("Content-Type", ""), response_body=response.content.decode(),
    )


def abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()
