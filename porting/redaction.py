"""Secrets never reach a log line (DESIGN §9): signing-link tokens in logged URLs are redacted.

Django logs the path of every 4xx/5xx (``Bad Request: /sign/<token>/``) and the dev server logs
every request line. A log record factory (installed once, in ``PortingConfig.ready``) rewrites the
message of every record of every logger before any handler sees it.
"""
from __future__ import annotations

import logging
import re
from typing import Any

SIGNING_PATH = re.compile(r"/sign/[A-Za-z0-9_-]{16,}")
REDACTED = "/sign/[redacted]"


def redact(text: str) -> str:
    return SIGNING_PATH.sub(REDACTED, text)


def install_log_redaction() -> None:
    """Wrap the log record factory (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "portico_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format: leave it to the handler
            return record
        if "/sign/" in message:
            record.msg, record.args = redact(message), None
        return record

    factory.portico_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
