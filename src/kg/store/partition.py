"""Loading files into a pyoxigraph store and routing restricted data out of the public partition.

Shared by the embedded backends (disk and memory) and by the remote backend's staging step.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import BinaryIO

import pyoxigraph as ox

from kg.namespaces import ACCESS_LEVEL, RESTRICTED, RESTRICTED_GRAPH_PREFIX
from kg.rdf_formats import open_maybe_gzip
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
                    progress: Progress | None = None) -> None:
    """Bulk-load each file into `store`; graph-less triples go to the source's graph."""
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


def restricted_graphs(stores: Sequence[ox.Store]) -> set[str]:
    """Graphs under the restricted prefix or declared restricted by `kg:accessLevel`."""
    found: set[str] = set()
    q = (f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x <{ACCESS_LEVEL}> <{RESTRICTED}> }} }}")
    for store in stores:
        for g in store.named_graphs():
            if isinstance(g, ox.NamedNode) and g.value.startswith(RESTRICTED_GRAPH_PREFIX):
                found.add(g.value)
        for row in store.query(q):
            x = row["x"]
            if isinstance(x, ox.NamedNode) and store.contains_named_graph(x):
                found.add(x.value)
    return found


def restricted_nodes(stores: Sequence[ox.Store]) -> set[ox.NamedNode | ox.BlankNode]:
    """Nodes marked `kg:accessLevel kg:Restricted` in any partition."""
    q = f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x <{ACCESS_LEVEL}> <{RESTRICTED}> }} }}"
    nodes: set = set()
    for store in stores:
        nodes.update(row["x"] for row in store.query(q))
    return nodes


def route_restricted(public: ox.Store, restricted: ox.Store, report: LoadReport) -> None:
    """Move restricted graphs, and every quad naming a restricted node, out of `public`."""
    for g in restricted_graphs([public]):
        node = ox.NamedNode(g)
        quads = list(public.quads_for_pattern(None, None, None, node))
        restricted.extend(quads)
        public.remove_graph(node)
        report.restricted_quads += len(quads)
    for node in restricted_nodes([public, restricted]):
        moving = list(public.quads_for_pattern(node, None, None, None))
        moving += list(public.quads_for_pattern(None, None, node, None))
        for quad in moving:
            public.remove(quad)
        restricted.extend(moving)
        report.restricted_quads += len(moving)


def fill_report(public: ox.Store, report: LoadReport) -> None:
    """Total quads and graph names: cheap on any size, unlike per-graph counts (which
    `kg stats` and VoID compute on demand) that cost a scan of the whole store."""
    report.graphs = sorted(g.value for g in public.named_graphs() if isinstance(g, ox.NamedNode))
    report.quads = len(public)


def merged(public: ox.Store, restricted: ox.Store) -> ox.Store:
    """The full view: the public partition alone when nothing is restricted, else a copy of both."""
    if len(restricted) == 0:
        return public
    full = ox.Store()
    full.bulk_extend(public.quads_for_pattern(None, None, None, None))
    full.bulk_extend(restricted.quads_for_pattern(None, None, None, None))
    return full
