"""The import log: every import run a `prov:Activity` in the public graph `graph/imports`,
with who ran it, when, the file's hash, the run before it, and how many claims it added,
changed and removed; and the query that lists a table's runs (for its source page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.ingest.diff import ClaimDiff
from kg.ingest.report import ImportReport
from kg.namespaces import GRAPH, ID, KG, PREFIXES, sparql_prefixes
from kg.store import Store

IMPORTS_GRAPH = GRAPH + "imports"
PROV = PREFIXES["prov"]
XSD = PREFIXES["xsd"]

#: A table's import runs, newest first: bind ?source (VALUES) to the table's kg:Source.
IMPORT_LOG_QUERY = sparql_prefixes() + """
SELECT ?run ?agent ?started ?ended ?sha256 ?previous ?added ?changed ?removed ?rows WHERE {
    GRAPH <""" + IMPORTS_GRAPH + """> {
        ?run a prov:Activity ; prov:used ?source ; prov:startedAtTime ?started ;
             prov:endedAtTime ?ended ; kg:sha256 ?sha256 ;
             kg:claimsAdded ?added ; kg:claimsChanged ?changed ; kg:claimsRemoved ?removed .
        OPTIONAL { ?run prov:wasAssociatedWith ?agent }
        OPTIONAL { ?run prov:wasInformedBy ?previous }
        OPTIONAL { ?run kg:rowsImported ?rows }
    }
}
ORDER BY DESC(?started)
"""


@dataclass(frozen=True)
class Run:
    """One import run as the log records it."""

    iri: str
    agent: str | None
    started: str
    ended: str
    sha256: str
    previous: str | None
    added: int
    changed: int
    removed: int
    #: Public rows the run imported (restricted rows are not counted: the log is public);
    #: None for runs logged before it was recorded.
    rows: int | None = None


def import_log(store: Store, source: str) -> list[Run]:
    """The runs that imported the table `source`, newest first (what its page shows)."""
    rows = store.query(IMPORT_LOG_QUERY,
                       substitutions={ox.Variable("source"): ox.NamedNode(source)})
    return [Run(r["run"].value, r["agent"].value if r["agent"] else None, r["started"].value,
                r["ended"].value, r["sha256"].value,
                r["previous"].value if r["previous"] else None, int(r["added"].value),
                int(r["changed"].value), int(r["removed"].value),
                int(r["rows"].value) if r["rows"] else None) for r in rows]


def existing_log(store: Store) -> list[ox.Triple]:
    """The log's triples as they are, to which a run is added."""
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{IMPORTS_GRAPH}> "
                                 "{ ?s ?p ?o } }")]


def agent_iri(name: str) -> str:
    """Who ran an import: an IRI as given, else an agent IRI for a user name."""
    if name.startswith(("http://", "https://")):
        return name
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name) or "unknown"
    return f"{ID}agent/{safe}"


def activity(report: ImportReport, public: ClaimDiff, table_slug: str, started: dt.datetime,
             ended: dt.datetime, agent: str, name: str) -> tuple[str, list[ox.Triple]]:
    """A run's IRI and triples (the agent with a label, so pages can name it). The log is
    public: it counts rows and claims as the public view sees them (`public`), never the
    restricted rows' own."""
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    run = ox.NamedNode(f"{ID}import/{table_slug}-{stamp}")
    when = ox.NamedNode(XSD + "dateTime")
    integer = ox.NamedNode(XSD + "integer")
    who = ox.NamedNode(agent)

    def p(prefix: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(PREFIXES[prefix] + local)

    triples = [
        ox.Triple(run, p("rdf", "type"), p("prov", "Activity")),
        ox.Triple(run, p("rdfs", "label"), ox.Literal(f"import of {table_slug}", language="en")),
        ox.Triple(run, p("prov", "used"), ox.NamedNode(report.source)),
        ox.Triple(run, p("prov", "startedAtTime"), ox.Literal(_iso(started), datatype=when)),
        ox.Triple(run, p("prov", "endedAtTime"), ox.Literal(_iso(ended), datatype=when)),
        ox.Triple(run, p("prov", "wasAssociatedWith"), who),
        ox.Triple(run, ox.NamedNode(KG + "sha256"), ox.Literal(report.sha256)),
        ox.Triple(run, ox.NamedNode(KG + "claimsAdded"),
                  ox.Literal(str(len(public.added)), datatype=integer)),
        ox.Triple(run, ox.NamedNode(KG + "claimsChanged"),
                  ox.Literal(str(len(public.changed)), datatype=integer)),
        ox.Triple(run, ox.NamedNode(KG + "claimsRemoved"),
                  ox.Literal(str(len(public.removed)), datatype=integer)),
        ox.Triple(run, ox.NamedNode(KG + "rowsImported"),
                  ox.Literal(str(report.rows - report.restricted_rows), datatype=integer)),
        ox.Triple(who, p("rdf", "type"), p("prov", "Agent")),
        ox.Triple(who, p("rdfs", "label"), ox.Literal(name)),
    ]
    if report.previous:
        triples.append(ox.Triple(run, p("prov", "wasInformedBy"),
                                 ox.NamedNode(report.previous)))
    return run.value, triples


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def previous_run(runs: Iterable[Run]) -> Run | None:
    """The latest run of a table (None before its first import)."""
    return next(iter(runs), None)
