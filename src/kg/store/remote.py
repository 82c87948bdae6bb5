"""A remote SPARQL 1.1 server as the store: Query, Update and Graph Store Protocol over HTTP.

The server must answer its default graph as the union of its named graphs (Oxigraph:
`--union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`; GraphDB and Virtuoso do
by default for reads; QLever: one graph per index). Only public data may be sent there:
loads with restricted graphs or nodes are refused, since the server would publish them.
Loads are parsed and checked locally first, then sent as one SPARQL Update request, which
the server applies in one transaction: all or nothing. The pre-publication check sees
the staged files only (the whole dataset for `kg build`, which replaces it).
"""

from __future__ import annotations

import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from kg import formats
from kg.formats import by_media_type
from kg.query.engines import Engine, InProcessEngine
from kg.store.base import (
    Capabilities,
    Changes,
    Check,
    LoadReport,
    LoadSource,
    Partitions,
    Progress,
    QueryResult,
    Store,
    StoreError,
    View,
    bind_values,
)
from kg.store.loading import bulk_load_files, fill_report
from kg.store.restricted import route_restricted

_ACCEPT = (f"{formats.lookup('json', 'results').bare_media_type}, "
           f"{formats.rdf('nt').bare_media_type};q=0.9, {formats.rdf('ttl').bare_media_type};q=0.5")


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP; Oxigraph's URL layout unless told otherwise."""

    kind = "remote"
    capabilities = Capabilities(restricted=False, killable_queries=False,
                                protocol_dataset=False, persistent=True)

    def __init__(self, url: str, *, query_url: str | None = None, update_url: str | None = None,
                 store_url: str | None = None, timeout: float = 60.0) -> None:
        root = url.rstrip("/")
        self.url = root
        self.query_url = query_url or root + "/query"
        self.update_url = update_url or root + "/update"
        self.store_url = store_url or root + "/store"
        self.timeout = timeout
        self._writes = 0

    def _request(self, url: str, data: bytes | None, content_type: str | None,
                 accept: str | None = None, method: str | None = None):
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip().splitlines()
            detail = body[0] if body else exc.reason
            raise StoreError(f"{url}: HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise StoreError(f"{url}: cannot reach the SPARQL server ({reason})") from None

    def query(self, sparql: str, *, view: View = "public", substitutions=None) -> QueryResult:
        if view != "public":
            raise StoreError("a remote store holds public data only (no full view)")
        sparql = bind_values(sparql, substitutions)
        with self._request(self.query_url, sparql.encode("utf-8"), "application/sparql-query",
                           _ACCEPT) as response:
            media = response.headers.get_content_type()
            body = response.read()
        results = by_media_type(media, "results")
        if results is not None:
            return ox.parse_query_results(body, results.ox)
        graph = by_media_type(media, "rdf")
        if graph is not None:
            return _Triples([q.triple for q in ox.parse(body, graph.ox)])
        raise StoreError(f"{self.query_url}: unexpected result type {media!r}")

    def update(self, sparql: str) -> None:
        self._send_update(sparql.encode("utf-8"))

    def load(self, sources: Sequence[LoadSource], *, replace: bool = False,
             check: Check | None = None, progress: Progress | None = None,
             compact: bool = False) -> LoadReport:
        staged = ox.Store()
        report = LoadReport(files=len(sources))
        bulk_load_files(staged, sources, progress)
        self._refuse_restricted(staged)
        fill_report(staged, report)
        if check is not None:
            check(Partitions(staged, ox.Store()))
        body = io.BytesIO()
        if replace:
            body.write(b"DROP SILENT ALL ;\n")
        _insert_data(body, staged.quads_for_pattern(None, None, None))
        self._send_update(body.getvalue())
        return report

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], *,
                       check: Check | None = None) -> Changes:
        """The graphs' old content is read, the difference checked, and the new content sent
        as one update (DROP and INSERT DATA), which the server applies as one transaction."""
        staged = ox.Store()
        changes = Changes()
        for graph, triples in graphs.items():
            node = ox.NamedNode(graph)
            old = {ox.Quad(t.subject, t.predicate, t.object, node) for t in self.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")}
            new = {ox.Quad(t.subject, t.predicate, t.object, node) for t in triples}
            staged.extend(new)
            changes.added.extend(new - old)
            changes.removed.extend(old - new)
        self._refuse_restricted(staged)
        if check is not None:
            check(Partitions(staged, ox.Store(), changes))
        if not changes:
            return changes
        body = io.BytesIO()
        for graph in graphs:
            body.write(f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n".encode())
        _insert_data(body, staged.quads_for_pattern(None, None, None))
        self._send_update(body.getvalue())
        return changes

    @staticmethod
    def _refuse_restricted(staged: ox.Store) -> None:
        moved = route_restricted(staged, ox.Store())
        if moved:
            raise StoreError(
                f"{moved} restricted quads refused: a remote store is public; "
                "keep restricted data in an embedded store")

    def _send_update(self, body: bytes) -> None:
        with self._request(self.update_url, body, "application/sparql-update"):
            pass
        self._writes += 1

    def query_engine(self) -> Engine:
        return InProcessEngine(lambda q, **_: self.query(q), protocol_dataset=False)

    def named_graphs(self, view: View = "public") -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows)

    def quads(self, view: View = "public") -> Iterator[ox.Quad]:
        """The whole dataset through the Graph Store Protocol, parsed as it streams in."""
        nquads = formats.rdf("nq")
        with self._request(self.store_url, None, None, nquads.bare_media_type) as response:
            yield from ox.parse(response, ox.RdfFormat.N_QUADS)

    def count(self, view: View = "public") -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value)

    def exists(self) -> bool:
        return True

    @property
    def version(self) -> str:
        return f"{self.url}@{self._writes}"

    @property
    def identity(self) -> str:
        return self.url


def _insert_data(body: io.BytesIO, quads: Iterable[ox.Quad]) -> None:
    body.write(b"INSERT DATA {\n")
    for quad in quads:
        body.write(f"GRAPH {quad.graph_name} {{ {quad.triple} . }}\n".encode())
    body.write(b"}\n")


class _Triples:
    """Graph results parsed from a remote server, iterable like pyoxigraph's QueryTriples."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.N_TRIPLES):  # noqa: A002
        return ox.serialize(self._triples, output, format)


def check_remote_url(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise StoreError(f"invalid store URL {url!r}")
    return url
