"""What differs between SPARQL servers, measured rather than assumed: URL layout, how loads
are sent, which answers can be passed through, row caps and graphs that are not kg's.

The dialect is read from the `remote_engine` setting, or detected from the server's
`Server` header on first contact (`auto`). Facts behind the Virtuoso profile, measured on
Debian's 7.2.5: a direct `application/sparql-query` POST hangs (form POSTs are used for
every engine); `INSERT DATA` refuses blank nodes (kg skolemises them for every engine);
one `INSERT DATA` of ~5,000 triples exhausts its parser, while the Graph Store endpoint
takes 100,000 triples of Turtle in ~2 s; ASK answers as a one-row SELECT of
`__ASK_RETVAL`; JSON and TSV answers are not quite the standard formats (TSV quotes IRIs
as strings); SELECT answers are cut at `ResultSetMaxRows` (10,000 by default) with an
`X-SPARQL-MaxRows` header, CONSTRUCT and Graph Store reads at one more row with no signal;
the default graph is the union of every graph, Virtuoso's own system graphs included.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.store.base import StoreError

#: Graphs Virtuoso keeps for itself: hidden from every kg query (`define input:*-exclude`).
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)


@dataclass(frozen=True)
class Dialect:
    """How kg talks to one kind of server."""

    name: str
    #: URL paths below the store URL: query, update, Graph Store Protocol.
    query_path: str
    update_path: str
    store_path: str
    #: Graph Store Protocol parameter naming the graph (`graph` in the standard).
    graph_param: str = "graph"
    #: Wire formats the server writes as the standards say (passed through untouched).
    passthrough: frozenset[str] = frozenset()
    #: How loads are sent: "update" (one SPARQL Update request: one transaction) or
    #: "gsp" (Graph Store POSTs per graph, in batches: not one transaction).
    bulk: str = "update"
    #: Whether updates go as a direct `application/sparql-update` POST (else a form).
    update_direct: bool = True
    #: Whether a whole-store Graph Store GET (N-Quads) reads every quad.
    gsp_dataset_read: bool = False
    #: Graphs of the server's own that kg never shows.
    hidden_graphs: tuple[str, ...] = ()
    #: Whether `DROP ALL` is safe (Virtuoso's would delete its system graphs).
    drop_all: bool = True
    #: Header saying the answer was cut at the server's row cap (its value is the cap).
    cap_header: str | None = None
    #: Header saying a query stopped at the server's time limit with part of its answer.
    partial_header: tuple[str, str] | None = None
    #: Where the version marker lives: the server's default graph (out of every `GRAPH ?g`;
    #: Oxigraph), else a named system graph (hidden by the prelude on Virtuoso).
    marker_in_default_graph: bool = False
    #: ASK answered as a SELECT of this variable (1/0).
    ask_variable: str | None = None

    def prelude(self, own_hidden: tuple[str, ...] = ()) -> str:
        """Text put before every query: Virtuoso's pragmas hiding graphs that are not data."""
        if self.name != "virtuoso":
            return ""
        graphs = self.hidden_graphs + own_hidden
        return "".join(f"define input:default-graph-exclude <{g}> "
                       f"define input:named-graph-exclude <{g}>\n" for g in graphs)


OXIGRAPH = Dialect("oxigraph", "/query", "/update", "/store",
                   passthrough=frozenset({"json", "xml", "csv", "tsv", "nt"}),
                   gsp_dataset_read=True, marker_in_default_graph=True)
VIRTUOSO = Dialect("virtuoso", "/sparql", "/sparql", "/sparql-graph-crud",
                   graph_param="graph-uri", bulk="gsp", update_direct=False,
                   hidden_graphs=VIRTUOSO_SYSTEM_GRAPHS,
                   drop_all=False, cap_header="X-SPARQL-MaxRows",
                   partial_header=("X-SQL-State", "S1TAT"), ask_variable="__ASK_RETVAL")
FUSEKI = Dialect("fuseki", "/query", "/update", "/data",
                 passthrough=frozenset({"json", "xml", "csv", "tsv", "nt"}),
                 gsp_dataset_read=True)
GRAPHDB = Dialect("graphdb", "", "/statements", "/rdf-graphs/service",
                  passthrough=frozenset({"json", "xml", "csv", "tsv", "nt"}))
GENERIC = Dialect("generic", "/query", "/update", "/store")

DIALECTS = {d.name: d for d in (OXIGRAPH, VIRTUOSO, FUSEKI, GRAPHDB, GENERIC)}
NAMES = ("auto", *DIALECTS)


def by_name(name: str) -> Dialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise StoreError(f"unknown remote engine {name!r}: set KG_REMOTE_ENGINE to one of "
                         f"{', '.join(NAMES)}") from None


def detect(server_header: str | None) -> Dialect:
    """The dialect a `Server` header names (Oxigraph's layout when it names none we know)."""
    text = (server_header or "").lower()
    if "virtuoso" in text:
        return VIRTUOSO
    if "fuseki" in text or "jena" in text:
        return FUSEKI
    if "graphdb" in text:
        return GRAPHDB
    return OXIGRAPH
