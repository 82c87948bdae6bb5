"""JSON-LD: contexts that would be fetched or processed in layers, and deep nesting.

A `@context` given as a URL (or pulled in with `@import`) makes a JSON-LD processor fetch it;
pyoxigraph refuses these with a message that names neither the file nor the context, and
rdflib fetches them. Contexts inside contexts or inside nested objects (scoped contexts)
multiply processing work. So only inline contexts at the top of the document are accepted.
pyoxigraph's JSON-LD parser also costs memory quadratic in object depth (measured with
0.5.13: 2,000 levels, 0.8 GB) and crashes (stack overflow) at 4,000: depth is capped too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg.guard.limits import refuse
from kg.guard.nesting import climb
from kg.guard.stream import Chunk

_STRING = rb'"(?:[^"\\\n\r]|\\.)*"'
_STRINGS = re.compile(_STRING)
_TOKEN = re.compile(rb"(?P<string>" + _STRING + rb")(?P<key>\s*:)?|(?P<bracket>[\[\]{}])"
                    rb"|(?P<atom>null|true|false|-?[0-9][0-9.eE+-]*)")
_KEYWORDS = (b"@context", b"@import", b"\\u")
_FIX = "give the context inline, once, at the top of the document"


class JsonLd:
    """Scans the chunks of one JSON-LD input."""

    def __init__(self, where: str | Path, limit: int) -> None:
        self.where = where
        self.limit = limit
        self.depth = 0
        self.floor = 0
        self.root: int | None = None  # b"{" or b"[": where top-level contexts sit
        self.context_array: int | None = None  # depth of the elements of a @context array

    def feed(self, chunk: Chunk) -> None:
        data = chunk.data
        if self.root is None:
            stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
            if stripped:
                self.root = stripped[0]
        if any(k in data for k in _KEYWORDS) or self.context_array is not None:
            self._walk(chunk)
            return
        rise, depth, floor = climb(_STRINGS.sub(b"", data), self.depth, self.floor, self.limit)
        if rise > self.limit:
            self._walk(chunk)  # finds the line and refuses
        self.depth, self.floor = depth, floor

    def _walk(self, chunk: Chunk) -> None:
        """Token by token: where contexts are, what they hold, and the depth."""
        data = chunk.data
        top = 1 if self.root == ord("{") else 2
        value_of_context = False
        for match in _TOKEN.finditer(data):
            if match.group("atom") is not None:
                value_of_context = False
                continue
            bracket = match.group("bracket")
            if bracket is not None:
                if value_of_context and bracket == b"[":
                    self.context_array = self.depth + 1
                value_of_context = False
                self.depth += 1 if bracket in b"[{" else -1
                self.floor = min(self.floor, self.depth)
                if self.depth - self.floor > self.limit:
                    raise refuse(self.where, chunk.line_at(match.start()),
                                 f"JSON nested more than {self.limit} deep", "max_nesting")
                if self.context_array is not None and self.depth < self.context_array:
                    self.context_array = None
                continue
            text = _decode(match.group("string"))
            if value_of_context or self.context_array == self.depth:
                raise refuse(self.where, chunk.line_at(match.start()),
                             f"remote JSON-LD context {text!r}: contexts are never fetched; "
                             f"{_FIX}")
            if match.group("key") is None:
                continue
            if text == "@import":
                raise refuse(self.where, chunk.line_at(match.start()),
                             f"@import in a JSON-LD context: contexts are never fetched; {_FIX}")
            if text == "@context":
                if self.depth != top:
                    raise refuse(self.where, chunk.line_at(match.start()),
                                 f"nested JSON-LD context (@context at depth {self.depth}): "
                                 f"{_FIX}")
                value_of_context = True


def _decode(token: bytes) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token.decode("utf-8", "replace")
