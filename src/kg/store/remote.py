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
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from kg.rdf_formats import FORMATS
from kg.store.base import (
    Check,
    LoadReport,
    LoadSource,
    Progress,
    QueryResult,
    Store,
    StoreError,
    View,
    bind_values,
)
from kg.store.partition import bulk_load_files, fill_report, route_restricted

#: Media type (parameters dropped) -> parser, from pyoxigraph's own format tables.
_RESULT_TYPES = {f.media_type.split(";")[0]: f for f in (
    ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV,
    ox.QueryResultsFormat.CSV)}
_GRAPH_TYPES = {f.ox.media_type: f.ox for f in FORMATS if not f.has_graphs or f.name == "nq"}
_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, "
           "text/turtle;q=0.5")


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP; Oxigraph's URL layout unless told otherwise."""

    kind = "remote"

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
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{url}: cannot reach the SPARQL server ({reason})") from None

    def query(self, sparql: str, *, view: View = "public", substitutions=None) -> QueryResult:
        if view != "public":
            raise StoreError("a remote store holds public data only (no full view)")
        sparql = bind_values(sparql, substitutions)
        with self._request(self.query_url, sparql.encode("utf-8"), "application/sparql-query",
                           _ACCEPT) as response:
            media = response.headers.get_content_type()
            body = response.read()
        if media in _RESULT_TYPES:
            return ox.parse_query_results(body, _RESULT_TYPES[media])
        if media in _GRAPH_TYPES:
            triples = [q.triple for q in ox.parse(body, _GRAPH_TYPES[media])]
            return _Triples(triples)
        raise StoreError(f"{self.query_url}: unexpected result type {media!r}")

    def update(self, sparql: str) -> None:
        with self._request(self.update_url, sparql.encode("utf-8"),
                           "application/sparql-update"):
            pass
        self._writes += 1

    def load(self, sources: Sequence[LoadSource], *, replace: bool = False,
             check: Check | None = None, progress: Progress | None = None,
             compact: bool = False) -> LoadReport:
        staged = ox.Store()
        report = LoadReport(files=len(sources))
        bulk_load_files(staged, sources, progress)
        refused = ox.Store()
        route_restricted(staged, refused, report)
        if report.restricted_quads:
            raise StoreError(
                f"{report.restricted_quads} restricted quads refused: a remote store is public; "
                "keep restricted data in an embedded store")
        fill_report(staged, report)
        if check is not None:
            check(staged)
        body = io.BytesIO()
        if replace:
            body.write(b"DROP SILENT ALL ;\n")
        body.write(b"INSERT DATA {\n")
        for quad in staged.quads_for_pattern(None, None, None):
            body.write(f"GRAPH {quad.graph_name} {{ {quad.triple} . }}\n".encode())
        body.write(b"}\n")
        with self._request(self.update_url, body.getvalue(), "application/sparql-update"):
            pass
        self._writes += 1
        return report

    def named_graphs(self, view: View = "public") -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows)

    def quads(self, view: View = "public") -> Iterator[ox.Quad]:
        """The whole dataset through the Graph Store Protocol, parsed as it streams in."""
        with self._request(self.store_url, None, None, "application/n-quads") as response:
            yield from ox.parse(response, ox.RdfFormat.N_QUADS)

    def count(self, view: View = "public") -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value)

    def exists(self) -> bool:
        return True

    @property
    def version(self) -> str:
        return f"{self.url}@{self._writes}"


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
