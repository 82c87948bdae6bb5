"""How deep brackets nest in Turtle, TriG, N-Triples, N-Quads and SPARQL, counted outside
strings, IRIs and comments without parsing.

pyoxigraph's parsers recurse or keep per-level state: measured with 0.5.13, nested triple
terms 100,000 deep in one N-Triples line crash the process (stack overflow), as do SPARQL
expressions or groups 10,000 deep; a Turtle collection or blank node 1,000,000 deep (a 4 MB
file) costs 1.4 GB. Real data nests a few levels, so a depth cap refuses all of these
cheaply, where parsing in a child with resource limits would cost a second parse of every
file. The count runs at C speed (strings and IRIs cut out by one regex substitution, brackets
summed with `itertools.accumulate`); only a chunk that holds a Turtle long string (which may
go on past the chunk) is walked token by token to find out, and one that breaks the limit
line by line to name the line.
"""

from __future__ import annotations

import itertools
import operator
import re
from pathlib import Path

from kg.guard.limits import refuse
from kg.guard.stream import Chunk

#: Strings, in runs (possessive: an unclosed string fails in linear time).
_LONG = (rb'"""(?:[^"\\]++|\\.|"(?!""))*+"""'
         rb"|'''(?:[^'\\]++|\\.|'(?!''))*+'''")
_SHORT = rb'"(?:[^"\\\n\r]++|\\.)*+"' + rb"|'(?:[^'\\\n\r]++|\\.)*+'"
_IRI = rb"<[^<>\"{}|^`\\\x00-\x20]*>"
#: Everything that may hold a bracket without being one, and (groups `open`) the start of a
#: long string that goes on past the chunk. Every branch starts with a literal byte, so the
#: regex engine skips the bytes between tokens at C speed (a branch starting with a group
#: made the scan twenty times slower).
_SKIP = re.compile(_LONG + rb'|"""(?P<open>)' + rb"|'''(?P<open2>)|" + _SHORT + rb"|" + _IRI
                   + rb"|\#[^\n\r]*|\\.", re.S)
#: What makes a chunk worth scanning: any bracket or long string (Turtle, TriG, SPARQL), or a
#: quoted triple (N-Triples and N-Quads, which have no other nesting).
MARKS = (b"(", b"[", b"{", b"<<", b")", b"]", b"}", b">>", b'"""', b"'''")
LINE_MARKS = (b"<<",)
_STEP = [0] * 256
for _c in b"([{":
    _STEP[_c] = 1
for _c in b")]}":
    _STEP[_c] = -1
_NOT_BRACKETS = bytes(c for c in range(256) if not _STEP[c])
_SLICE = 1 << 16


class Nesting:
    """Depth of brackets across the chunks of one input; refuses past `limit`.

    Depth is measured as the rise above the lowest point seen, so stray closing brackets
    (a syntax error the parser stops at anyway) cannot hide deeper nesting after them.
    `<< >>` (quoted triples) count as brackets; `<<( )>>` count twice.
    """

    def __init__(self, where: str | Path, limit: int, max_pending: int,
                 marks: tuple[bytes, ...] = MARKS) -> None:
        self.where = where
        self.limit = limit
        self.max_pending = max_pending
        self.marks = marks
        self.depth = 0
        self.floor = 0
        self.pending: Chunk | None = None  # an unclosed long string, carried on

    def feed(self, chunk: Chunk) -> None:
        before = (self.depth, self.floor, self.pending)
        if self._advance(chunk) > self.limit:
            single = chunk.data.count(b"\n", 0, -1) == 0
            raise refuse(self.where, chunk.line_at(0) if single else self._locate(before, chunk),
                         f"brackets nested more than {self.limit} deep", "max_nesting")

    def _advance(self, chunk: Chunk) -> int:
        """Take in `chunk`; the highest rise it reached."""
        if self.pending is not None:
            chunk = Chunk(self.pending.data + chunk.data, self.pending.start, chunk.path)
            self.pending = None
        data = chunk.data
        if not any(mark in data for mark in self.marks):
            return 0  # no bracket and no long string: nothing changes
        if b'"""' in data or b"'''" in data:  # walked: one may go on past the chunk
            cut = next((m.start() for m in _SKIP.finditer(data)
                        if m.lastgroup in ("open", "open2")), None)
            if cut is not None:
                self.pending = Chunk(data[cut:], chunk.start + cut, chunk.path)
                if len(data) - cut > self.max_pending:
                    raise refuse(self.where, chunk.line_at(cut),
                                 f"a string longer than {self.max_pending} bytes",
                                 "max_line_bytes")
                data = data[:cut]
        stripped = _SKIP.sub(b"", data)
        rise, self.depth, self.floor = climb(
            stripped.replace(b"<<", b"(").replace(b">>", b")"), self.depth, self.floor,
            self.limit)
        return rise

    def _locate(self, before: tuple[int, int, Chunk | None], chunk: Chunk) -> int | None:
        """The line where the limit was passed: the chunk taken in again line by line (only
        on refusal)."""
        self.depth, self.floor, self.pending = before
        offset = 0
        for piece in chunk.data.split(b"\n"):
            if self._advance(Chunk(piece + b"\n", chunk.start + offset, chunk.path)) > self.limit:
                return chunk.line_at(offset)
            offset += len(piece) + 1
        return None


def climb(text: bytes, depth: int, floor: int, limit: int) -> tuple[int, int, int]:
    """The highest rise of `([{` over `)]}` in `text` (other bytes ignored) above the lowest
    point, from `depth` and `floor`, and the new depth and floor; it stops early once the
    rise passes `limit` (a hostile file is refused after its first levels)."""
    brackets = text.translate(None, _NOT_BRACKETS)
    highest = depth - floor
    for at in range(0, len(brackets), _SLICE):
        depths = list(itertools.accumulate(map(_STEP.__getitem__, brackets[at:at + _SLICE]),
                                           initial=depth))
        floors = list(itertools.accumulate(depths, min, initial=floor))[1:]
        highest = max(highest, *map(operator.sub, depths, floors))
        depth, floor = depths[-1], floors[-1]
        if highest > limit:
            break
    return highest, depth, floor


def check_depth(where: str | Path, text: bytes, limit: int) -> None:
    """One text (a SPARQL request) held to `limit` levels of brackets."""
    Nesting(where, limit, len(text) + 1).feed(Chunk(text))
