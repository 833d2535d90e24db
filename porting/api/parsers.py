"""The API's JSON parser: DRF's, with a cap on how deeply a body may nest.

Python's JSON decoder recurses once per level, so a 2 KB body such as ``[[[[…]]]]`` nested about
1,000 deep raised ``RecursionError`` (a 500). No request shape of this API nests more than a few
levels, so the body's depth is measured first, in one pass without recursion, and anything deeper
than ``MAX_JSON_DEPTH`` is a 400 ``malformed_request`` before the decoder sees it.
"""
from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32

# A JSON string literal (escapes included); brackets inside one do not nest anything.
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` levels deep."""
    depth = 0
    for match in _BRACKET.finditer(_STRING_LITERAL.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class DepthLimitedJSONParser(parsers.JSONParser):
    """``application/json`` bodies nested at most ``MAX_JSON_DEPTH`` levels."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        context = parser_context or {}
        raw = stream.read()
        try:
            text = raw.decode(context.get("encoding") or settings.DEFAULT_CHARSET)
        except (LookupError, UnicodeError) as exc:  # an unknown or non-text charset, or bytes not in it
            raise ParseError(f"JSON parse error - {exc}")
        if json_depth_exceeds(text, self.max_depth):
            raise ParseError(f"JSON parse error - the body nests deeper than {self.max_depth} levels.")
        return super().parse(io.BytesIO(raw), media_type, context)
