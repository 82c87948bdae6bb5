"""Where loaded files become triples: files parsed into a pyoxigraph store, parse errors as
`file:line:column: what is wrong`.

Shared by the embedded backends (disk and memory) and by the remote backend's staging step.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import BinaryIO

import pyoxigraph as ox

from kg.formats import open_maybe_gzip
from kg.guard import Limits, check_rdf
from kg.store.base import LoadReport, LoadSource, Progress, StoreError

_LOCATION = re.compile(
    r"^Parser error (?:at |between )?line (?P<line>\d+)(?: between columns | column )(?P<col>\d+)"
    r"(?: and line \d+ column \d+| and \d+)?")
_TRAILING_LINE = re.compile(r"\s*\(line \d+\)$")


class _CountingReader(io.RawIOBase):
    """Reports bytes read so bulk loads can drive a progress bar."""

    def __init__(self, raw: BinaryIO, on_read) -> None:
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if n:
            self._on_read(n)
        return n


def syntax_error_message(source: LoadSource, exc: BaseException) -> str:
    """`file:line:column: what is wrong`, from pyoxigraph's parser message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = str(source.path)
    match = _LOCATION.search(text)
    if match:
        where += f":{match['line']}:{match['col']}"
        text = text[match.end():].lstrip(" :")
    text = _TRAILING_LINE.sub("", text)
    return f"{where}: {source.format.name} syntax error: {text}"


def bulk_load_files(store: ox.Store, sources: Sequence[LoadSource],
                    progress: Progress | None = None, limits: Limits | None = None) -> None:
    """Bulk-load each file into `store`; graph-less triples go to the source's graph.

    Every file is checked by kg.guard first (all of them before the first is parsed), so a
    hostile one is refused in bounded time and memory with nothing loaded; `limits`
    defaults to the settings' (defaults and KG_* variables).
    """
    limits = limits or Limits.current()
    for source in sources:
        try:
            check_rdf(source.path, source.format, limits)
        except OSError as exc:
            raise StoreError(f"{source.path}: {exc}") from None
    total = sum(s.path.stat().st_size for s in sources)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total, "loading")

    for source in sources:
        try:
            with open_maybe_gzip(source.path) as raw:
                reader = io.BufferedReader(_CountingReader(raw, advance), 1 << 20)
                store.bulk_load(reader, source.format.ox, to_graph=ox.NamedNode(source.graph),
                                base_iri=source.path.resolve().as_uri())
        except SyntaxError as exc:
            raise StoreError(syntax_error_message(source, exc)) from None
        except (OSError, ValueError) as exc:
            raise StoreError(f"{source.path}: {exc}") from None


def fill_report(public: ox.Store, report: LoadReport) -> None:
    """Total quads and graph names: cheap on any size, unlike per-graph counts (which
    `kg stats` and VoID compute on demand) that cost a scan of the whole store."""
    report.graphs = sorted(g.value for g in public.named_graphs() if isinstance(g, ox.NamedNode))
    report.quads = len(public)
