"""A remote SPARQL 1.1 server as the store: Query, Update and Graph Store Protocol over HTTP.

The server must answer its default graph as the union of its named graphs (Oxigraph:
`--union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`; GraphDB and Virtuoso do by
default). Only public data may be sent there: loads with restricted graphs or nodes are
refused, since the server would publish them. Files are parsed and checked locally first,
so a syntax error or a failed check sends nothing. What is sent then depends on the
engine's dialect (kg.store.dialects): one SPARQL Update request, applied by the server as
one transaction (Oxigraph, Fuseki, GraphDB), or Graph Store POSTs per graph in batches of
`remote_batch_quads` (Virtuoso, whose SPARQL parser cannot take large updates): those are
not one transaction, and a failure half-way says so; sending the same files again
completes the load, since blank nodes become the same IRIs every time (kg.store.skolem).
Every write ends by bumping the version marker the server holds (kg.store.remote_version).
"""

from __future__ import annotations

import re
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

import pyoxigraph as ox

from kg import formats
from kg.namespaces import BASE
from kg.query.engines import Engine
from kg.query.inspection import inspect
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
)
from kg.store.dialects import Dialect, by_name, detect
from kg.store.loading import bulk_load_files, fill_report
from kg.store.remote_engine import RemoteEngine
from kg.store.remote_reads import Reader, Triples, inline_values
from kg.store.remote_version import (
    SYSTEM_GRAPH,
    VersionMarker,
    bump_update,
    is_marker,
    read_query,
)
from kg.store.restricted import route_restricted
from kg.store.skolem import Skolem
from kg.store.sparql_http import RemoteHttpError, SparqlHttp, with_params
from kg.store.virtuoso_rewrite import TRANSITIVE_ERROR, unroll_values

#: Triples per INSERT DATA / DELETE DATA operation (Virtuoso's parser gives out near 5,000).
OPERATION_TRIPLES = 1000
_CONSTANT_GRAPH = re.compile(r"\bGRAPH\s*(<|[A-Za-z_][\w.-]*:|:)", re.I)
_DROP_ALL = re.compile(r"\b(DROP|CLEAR)\s+(SILENT\s+)?(ALL|DEFAULT|NAMED)\b", re.I)


class RemoteStore(Store):
    """A SPARQL server reached over HTTP; its dialect is detected unless named."""

    kind = "remote"
    capabilities = Capabilities(restricted=False, killable_queries=False,
                                protocol_dataset=True, persistent=True, embedded=False)

    def __init__(self, url: str, *, query_url: str | None = None, update_url: str | None = None,
                 store_url: str | None = None, timeout: float = 60.0, engine: str = "auto",
                 base_iri: str = BASE, batch_quads: int = 100_000,
                 version_check: float = 0.5) -> None:
        self.url = url.rstrip("/")
        self._given = (query_url, update_url, store_url)
        self._engine = engine
        self._dialect: Dialect | None = None if engine == "auto" else by_name(engine)
        self.http = SparqlHttp(timeout)
        self.skolem = Skolem(base_iri)
        self.batch_quads = max(batch_quads, OPERATION_TRIPLES)
        self.marker = VersionMarker(self._read_version, version_check)
        self.reader = Reader(self)

    # --- where to send what ------------------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        if self._dialect is None:
            self._dialect = detect(self._server_header())
        return self._dialect

    def _server_header(self) -> str | None:
        try:
            with self.http.open(self.url + "/", method="GET", timeout=10) as response:
                return response.headers.get("Server")
        except RemoteHttpError as exc:
            return exc.headers.get("Server") if exc.headers else None

    @property
    def query_url(self) -> str:
        return self._given[0] or self.url + self.dialect.query_path

    @property
    def update_url(self) -> str:
        return self._given[1] or self.url + self.dialect.update_path

    @property
    def store_url(self) -> str:
        return self._given[2] or self.url + self.dialect.store_path

    @property
    def hidden_graphs(self) -> tuple[str, ...]:
        """Graphs that are not data: kg's version marker, the server's own."""
        return (SYSTEM_GRAPH, *self.dialect.hidden_graphs)

    def prepare(self, sparql: str) -> str:
        """The text sent for a query: the dialect's prelude, blank-node tests rewritten.

        Virtuoso 7.2 answers nothing from `GRAPH <iri> { ... }` once any graph-exclude
        pragma is given (measured), so a query naming a graph goes without the prelude:
        it reads the graph it names, and its union parts may see the server's graphs.
        """
        text = self.skolem.rewrite_query(sparql)
        if _CONSTANT_GRAPH.search(sparql):
            return text
        return self.dialect.prelude((SYSTEM_GRAPH,)) + text

    def send_query(self, text: str, accept: str, fields: Sequence[tuple[str, str]] = (),
                   timeout: float | None = None, hide: bool = True):
        """POST a query (prepared unless `hide` is off); the open response. A query Virtuoso
        refuses for a transitive path started by VALUES is sent again unrolled."""
        sent = self.prepare(text) if hide else text
        try:
            return self.http.form(self.query_url, [("query", sent), *fields], accept, timeout)
        except RemoteHttpError as exc:
            unrolled = unroll_values(text) if TRANSITIVE_ERROR in exc.detail else None
            if unrolled is None:
                raise
            sent = self.prepare(unrolled) if hide else unrolled
            return self.http.form(self.query_url, [("query", sent), *fields], accept, timeout)

    # --- reading -------------------------------------------------------------------------

    def query(self, sparql: str, *, view: View = "public", substitutions=None) -> QueryResult:
        if view != "public":
            raise StoreError("a remote store holds public data only (no full view)")
        if substitutions:
            substitutions = {k: self.skolem.iri(v) if isinstance(v, ox.BlankNode) else v
                             for k, v in substitutions.items()}
        text = inline_values(sparql, substitutions) if substitutions else sparql
        if substitutions and any(v.value.startswith("nodeID://") for v in
                                 substitutions.values() if isinstance(v, ox.NamedNode)):
            # Virtuoso finds its own blank nodes by name in a pattern, not through VALUES
            text = unroll_values(text) or text
        return self.reader.query(text, inspect(text).form)

    def named_graphs(self, view: View = "public") -> list[str]:
        rows = self.reader.rows("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        hidden = set(self.hidden_graphs)
        return sorted(g.value for (g,) in rows if g.value not in hidden)

    def quads(self, view: View = "public") -> Iterator[ox.Quad]:
        """Every public quad, read per graph (or whole where the server's Graph Store
        Protocol can), paged past the server's row cap; blank nodes restored."""
        term = self.skolem.quad
        if self.dialect.gsp_dataset_read:
            accept = {"Accept": formats.rdf("nq").bare_media_type}
            with self.http.open(self.store_url, headers=accept) as response:
                for quad in ox.parse(response, ox.RdfFormat.N_QUADS):
                    if not is_marker(quad):
                        yield term(quad)
            return
        for graph in self.named_graphs():
            node = ox.NamedNode(graph)
            for s, p, o in self.reader.rows(
                    f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"):
                yield term(ox.Quad(s, p, o, node))

    def count(self, view: View = "public") -> int:
        hidden = ", ".join(f"<{g}>" for g in self.hidden_graphs)
        rows = list(self.reader.rows(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g NOT IN ({hidden})) }}"))
        return int(rows[0][0].value)


    def restricted_since(self, version: str) -> bool:
        return False  # a remote store holds public data only
    def exists(self) -> bool:
        return True

    @property
    def version(self) -> str:
        return f"{self.url}@{self.marker.get()}"

    def _read_version(self) -> str:
        rows = list(self.reader.rows(read_query(self.dialect.marker_in_default_graph),
                                     hide=False))
        return rows[0][0].value if rows else "0"

    @property
    def identity(self) -> str:
        return self.url

    def query_engine(self) -> Engine:
        return RemoteEngine(self)

    # --- writing -------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        if not self.dialect.drop_all and _DROP_ALL.search(sparql):
            raise StoreError(f"DROP/CLEAR ALL is refused on {self.dialect.name}: it would "
                             "delete the server's own graphs; drop kg's graphs one by one")
        self._send_update(sparql.rstrip().rstrip(";"))

    def _send_update(self, text: str) -> None:
        """One request: the update and the version bump, one transaction on the server."""
        bump = bump_update(self.dialect.marker_in_default_graph)
        body = f"{text} ;\n{bump}" if text else bump
        self.http.update(self.update_url, body, direct=self.dialect.update_direct)
        self.marker.expire()

    def refresh(self) -> None:
        """Give the store a new version: every kg process drops its caches (after writes by
        other tools)."""
        self._send_update("")

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
        self.skolem.store_in_place(staged)
        drop = self.named_graphs() if replace else []
        if self.dialect.bulk == "gsp":
            self._post_graphs(staged, drop, progress)
        else:
            operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drop]
            operations.append(_data_operations("INSERT", staged.quads_for_pattern(
                None, None, None)))
            self._send_update(" ;\n".join(op for op in operations if op))
        return report

    def _post_graphs(self, staged: ox.Store, drop: list[str], progress: Progress | None
                     ) -> None:
        """Graph Store POSTs of N-Triples per graph, `batch_quads` a request."""
        if drop:
            self.http.update(self.update_url, " ;\n".join(
                f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drop),
                direct=self.dialect.update_direct)
        total, done = len(staged), 0
        try:
            for graph in staged.named_graphs():
                url = with_params(self.store_url, **{self.dialect.graph_param: graph.value})
                with tempfile.TemporaryFile() as spool:
                    staged.dump(spool, ox.RdfFormat.N_TRIPLES, from_graph=graph)
                    spool.seek(0)
                    while batch := list(islice(spool, self.batch_quads)):
                        turtle = {"Content-Type": formats.rdf("ttl").bare_media_type}
                        with self.http.open(url, data=b"".join(batch), method="POST",
                                            headers=turtle) as r:
                            r.read()
                        done += len(batch)
                        if progress is not None:
                            progress(done, total, f"sending to {self.dialect.name}")
        except StoreError as exc:
            raise StoreError(
                f"{exc} — the load stopped after {done:,} of {total:,} quads: the server "
                "holds part of it (its Graph Store writes are not one transaction); send "
                "the same files again to complete it") from None
        finally:
            if done:
                self._send_update("")

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], *,
                       check: Check | None = None) -> Changes:
        """The graphs' old content is read, the difference checked, and only the difference
        sent (DELETE DATA and INSERT DATA in one request: one transaction on the server)."""
        staged = ox.Store()
        changes = Changes()
        removed: list[ox.Quad] = []
        added: list[ox.Quad] = []
        for graph, triples in graphs.items():
            node = ox.NamedNode(graph)
            plain, blank = [], []
            for t in triples:
                quad = ox.Quad(t.subject, t.predicate, t.object, node)
                (blank if isinstance(t.subject, ox.BlankNode)
                 or isinstance(t.object, ox.BlankNode) else plain).append(quad)
            new = set(plain) | set(self.skolem.graph_quads(node, blank))
            old = {ox.Quad(s, p, o, node) for s, p, o in self.reader.rows(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}", raw=True)}
            staged.extend(self.skolem.quad(q) for q in new)
            added.extend(new - old)
            removed.extend(old - new)
        changes.added = [self.skolem.quad(q) for q in added]
        changes.removed = [self.skolem.quad(q) for q in removed]
        self._refuse_restricted(staged)
        if check is not None:
            check(Partitions(staged, ox.Store(), changes))
        if not changes:
            return changes
        self._send_update(" ;\n".join(part for part in (
            _data_operations("DELETE", removed), _data_operations("INSERT", added)) if part))
        return changes

    @staticmethod
    def _refuse_restricted(staged: ox.Store) -> None:
        moved = route_restricted(staged, ox.Store())
        if moved:
            raise StoreError(
                f"{moved} restricted quads refused: a remote store is public; "
                "keep restricted data in an embedded store")


def _data_operations(verb: str, quads: Iterable[ox.Quad]) -> str:
    """`INSERT DATA`/`DELETE DATA` operations of at most OPERATION_TRIPLES triples each."""
    parts = []
    it = iter(quads)
    while chunk := list(islice(it, OPERATION_TRIPLES)):
        body = "\n".join(f"GRAPH {q.graph_name} {{ {q.triple} . }}" for q in chunk)
        parts.append(f"{verb} DATA {{\n{body}\n}}")
    return " ;\n".join(parts)


def check_remote_url(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise StoreError(f"invalid store URL {url!r}")
    return url


__all__ = ["RemoteStore", "Triples", "check_remote_url"]
