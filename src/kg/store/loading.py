"""Where loaded files become triples: files parsed into a pyoxigraph store, parse errors as
`file:line:column: what is wrong`.

Shared by the embedded backends (disk and memory) and by the remote backend's staging step.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
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


def nquads(quads: Sequence[ox.Quad]) -> bytes | None:
    """The quads as N-Quads, or None when parsing them back might not give the same terms:
    a parser renames blank nodes, so text naming one (or a triple term, `<<`) is refused
    (an IRI or literal that merely contains `_:` is refused too: safe, only slower)."""
    out = io.BytesIO()
    ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    data = out.getvalue()
    return None if b"_:" in data or b"<<" in data else data


def add_quads(store: ox.Store, quads: Sequence[ox.Quad],
              started: Callable[[], None] | None = None) -> None:
    """Add quads (a write's difference) to a store being staged; `started` is called as
    the insertion itself begins.

    Why not `bulk_extend`: it holds the GIL for the whole insertion, while `bulk_load` of
    bytes parses and writes without it, so a check running on another thread (the SHACL
    gate of an import, started by `started`) goes on meanwhile. Same speed on its own; a
    few quads, or quads with blank nodes (see `nquads`), go by `bulk_extend`."""
    data = nquads(quads) if len(quads) > 1000 else None
    if started is not None:
        started()
    if data is None:
        store.bulk_extend(quads)
    else:
        store.bulk_load(data, ox.RdfFormat.N_QUADS)


def fill_report(public: ox.Store, report: LoadReport) -> None:
    """Total quads and graph names: cheap on any size, unlike per-graph counts (which
    `kg stats` and VoID compute on demand) that cost a scan of the whole store."""
    report.graphs = sorted(g.value for g in public.named_graphs() if isinstance(g, ox.NamedNode))
    report.quads = len(public)
