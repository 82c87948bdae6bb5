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
_KEYWORDS = (b"@context", b"@import")
#: A key spelled with escapes ("@\u0063ontext"): it may be a keyword in disguise.
_ESCAPED_KEY = re.compile(rb'"(?:\\u0040|@[^"\\]*\\u)')
_FIX = "give the context inline, once, at the top of the document"


class JsonLd:
    """Scans the chunks of one JSON-LD input: brackets counted at C speed, and walked token
    by token only around the keywords that name contexts."""

    def __init__(self, where: str | Path, limit: int) -> None:
        self.where = where
        self.limit = limit
        self.depth = 0
        self.floor = 0
        self.root: int | None = None  # b"{" or b"[": where top-level contexts sit
        self.context_value = False  # a @context key was read; its value comes next
        self.context_array: int | None = None  # depth of the elements of a @context array

    def feed(self, chunk: Chunk) -> None:
        data = chunk.data
        if self.root is None:
            stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
            if stripped:
                self.root = stripped[0]
        keywords = [data.rfind(k) for k in _KEYWORDS]
        escaped = [m.start() for m in _ESCAPED_KEY.finditer(data)]
        last = max(keywords + escaped[-1:])
        if last >= 0 or self._in_context():
            self._walk(chunk, last)
        else:
            self._climb(chunk, 0)

    def _in_context(self) -> bool:
        return self.context_value or self.context_array is not None

    def _climb(self, chunk: Chunk, start: int) -> None:
        rise, depth, floor = climb(_STRINGS.sub(b"", chunk.data[start:]), self.depth,
                                   self.floor, self.limit)
        if rise > self.limit:
            self._walk(chunk, len(chunk.data), start)  # finds the line and refuses
        self.depth, self.floor = depth, floor

    def _walk(self, chunk: Chunk, last: int, start: int = 0) -> None:
        """Token by token, from `start` until past `last` (the last keyword) and out of any
        context value: where contexts are, what they hold, and the depth."""
        data = chunk.data
        top = 1 if self.root == ord("{") else 2
        for match in _TOKEN.finditer(data, start):
            if match.start() > last and not self._in_context():
                self._climb(chunk, match.start())
                return
            if match.group("atom") is not None:
                self.context_value = False
                continue
            bracket = match.group("bracket")
            if bracket is not None:
                if self.context_value and bracket == b"[":
                    self.context_array = self.depth + 1
                self.context_value = False
                self.depth += 1 if bracket in b"[{" else -1
                self.floor = min(self.floor, self.depth)
                if self.depth - self.floor > self.limit:
                    raise refuse(self.where, chunk.line_at(match.start()),
                                 f"JSON nested more than {self.limit} deep", "max_nesting")
                if self.context_array is not None and self.depth < self.context_array:
                    self.context_array = None
                continue
            text = _decode(match.group("string"))
            if self.context_value or self.context_array == self.depth:
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
                self.context_value = True


def _decode(token: bytes) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token.decode("utf-8", "replace")
