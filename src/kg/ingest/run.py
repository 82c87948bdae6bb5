"""The import run: a table and its mapping read, every row checked (all errors at once),
triples built, the difference with the store worked out, SHACL-checked on what changed, and
written in one all-or-nothing write together with the run's record in the import log.

The difference is worked out once, before writing (`Store.diff_graphs`, against both
partitions), so the report and the log entry can say what the write
will change; the write then makes exactly that change, or refuses if another writer came in
between. The SHACL gate starts on the difference and the unchanged data around it while
the write is made, and ends on the staged version before it is published.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.ingest import provlog
from kg.ingest.archive import archive, archive_dir, archived_name
from kg.ingest.diff import ClaimDiff, changes_of, claim_diff, public_diff, removed_cells
from kg.ingest.fresh import fresh_prefixes
from kg.ingest.lookup import (
    EntityIndex,
    entity_index,
    existing,
    undeclared_terms,
    unknown_concepts,
)
from kg.ingest.mapping import Mapping, MappingError, locate
from kg.ingest.report import CellError, ImportErrors, ImportReport
from kg.ingest.rows import (
    RowBuilder,
    restricted_graph,
    slug,
    source_iri,
    table_graph,
)
from kg.ingest.table import Table, read_table
from kg.ingest.values import CellProblem, date_value, script_language
from kg.matching.imports import flat, table_candidates
from kg.matching.merging import redirects
from kg.names import fold
from kg.namespaces import ID, KG, ONTOLOGY_GRAPH, PREFIXES
from kg.store import GraphWrite, Partitions, Store, StoreError
from kg.validate import Report
from kg.validate_changes import PendingCheck
from kg.written_dates import AUTO

ORG_CLASSES = (PREFIXES["org"] + "Organization", PREFIXES["schema"] + "Organization")
DATASET = ID + "concept/source-type/dataset"


class ImportCheckFailed(KgError):
    """SHACL found violations in what the import would change; nothing was written."""


@dataclass(frozen=True)
class ImportRequest:
    """What `kg import` was asked to do."""

    path: Path
    metadata: Path | None = None
    template: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    dry_run: bool = False
    agent: str | None = None
    archive: str | None = None
    #: Report rows that may be people already in the graph (the matcher; never merged).
    candidates: bool = True
    #: Told of long work before it starts (building the store version's match index).
    notify: Callable[[str], None] | None = None
    #: The list's name in kg, which its IRIs are made from (else kg:slug in the metadata,
    #: else the file name): a list's new version imported from a renamed file keeps it.
    name: str | None = None


class _Abandon(Exception):  # noqa: N818 - control flow, never seen by users
    """Raised by a dry run's check, so that the staged write is thrown away."""


def _p(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def _publisher(store: Store, name: str) -> tuple[str, list[ox.Triple]]:
    """An existing organisation with this name, else one minted for it (listed as new)."""
    org = ox.NamedNode(f"{ID}org/{slug(name)}")
    index = entity_index(store, ORG_CLASSES)
    if fold(name).strip() in index.by_key[0]:
        found = index.match(name, "organisation")
        if found != org.value:  # an organisation of the graph, not one this table made
            return found, []
    lang = script_language(name)
    triples = [ox.Triple(org, _p("rdf", "type"), _p("org", "Organization")),
               ox.Triple(org, _p("rdf", "type"), _p("schema", "Organization")),
               ox.Triple(org, _p("rdf", "type"), _p("prov", "Agent")),
               ox.Triple(org, _p("rdfs", "label"), ox.Literal(name, language=lang))]
    if lang != "en":
        triples.append(ox.Triple(org, _p("rdfs", "label"),
                                 ox.Literal(f"publisher {slug(name)}", language="en")))
    return org.value, triples


def _source_triples(req: ImportRequest, mapping: Mapping, table: Table, source: str,
                    publisher: str, title: str, published: str | None,
                    errors: list[CellError]) -> list[ox.Triple]:
    s = ox.NamedNode(source)
    dialect = ox.NamedNode(source + "#dialect")
    triples = [
        ox.Triple(s, _p("rdf", "type"), ox.NamedNode(KG + "Source")),
        ox.Triple(s, _p("rdf", "type"), _p("schema", "Dataset")),
        ox.Triple(s, _p("dcterms", "title"), ox.Literal(title, language=script_language(title))),
        ox.Triple(s, _p("dcterms", "publisher"), ox.NamedNode(publisher)),
        ox.Triple(s, _p("schema", "author"), ox.NamedNode(publisher)),
        ox.Triple(s, ox.NamedNode(KG + "sourceType"), ox.NamedNode(DATASET)),
        ox.Triple(s, ox.NamedNode(KG + "sha256"), ox.Literal(table.sha256)),
        ox.Triple(s, ox.NamedNode(KG + "archivedText"),
                  ox.Literal(archived_name(table.sha256, table.path.suffix))),
        ox.Triple(s, _p("schema", "encodingFormat"), ox.Literal("text/csv")),
        ox.Triple(s, ox.NamedNode("http://www.w3.org/ns/csvw#dialect"), dialect),
        ox.Triple(dialect, ox.NamedNode("http://www.w3.org/ns/csvw#encoding"),
                  ox.Literal(table.encoding)),
        ox.Triple(dialect, ox.NamedNode("http://www.w3.org/ns/csvw#delimiter"),
                  ox.Literal(mapping.dialect.delimiter)),
    ]
    if published:
        try:
            value = date_value(published, AUTO, ox.NamedNode(source + "#published"))
        except CellProblem as exc:
            errors.append(CellError(0, "--published", published, str(exc)))
        else:
            triples.append(ox.Triple(s, ox.NamedNode(KG + "published"), value.term))
            triples.extend(value.triples)
    return triples


def prepare(store: Store, req: ImportRequest) -> tuple[Mapping, Table, str, dict, RowBuilder]:
    """Read and check everything; the graphs to write, or ImportErrors with every problem."""
    mapping = locate(req.path, req.metadata, req.template)
    _refuse_undeclared_terms(store, mapping)
    table = read_table(req.path, mapping)
    title = (req.title or mapping.source_detail("title") or "").strip()
    publisher_name = (req.publisher or mapping.source_detail("publisher") or "").strip()
    published = req.published or mapping.source_detail("issued")
    if not title or not slug(publisher_name):
        raise MappingError(f"{req.path}: the table needs a title and a publisher (who compiled "
                           "it: the claimant of its claims) — give --title and --publisher, or "
                           "dc:title and dc:publisher in the metadata")
    table_slug = slug(str(req.name or mapping.properties.get("kg:slug") or req.path.stem))
    if not table_slug:
        raise MappingError(f"{req.path}: no usable name for the table — give --name (or "
                           "kg:slug in the metadata), or rename the file")
    source = source_iri(table_slug)
    publisher, publisher_triples = _publisher(store, publisher_name)
    _refuse_other_publisher(store, source, publisher, req.path)
    _refuse_renamed_list(store, source, publisher, title, table.sha256, req.path)
    present = set().union(*(set(r.cells) for r in table.rows)) if table.rows else set()
    indexes: dict[str, EntityIndex] = {}
    by_types: dict[tuple[str, ...], EntityIndex] = {}
    for name, spec in mapping.columns.items():
        if spec.kind == "entity" and name in present:
            if spec.types not in by_types:
                by_types[spec.types] = entity_index(store, spec.types)
            indexes[name] = by_types[spec.types]
    iri_column = mapping.column("kg_iri")
    wanted = {r.cells.get(iri_column, "").strip().strip("<>") for r in table.rows} - {""} \
        if iri_column else set()
    moved = redirects(store)
    persons = existing(store, {moved.get(w, w) for w in wanted
                               if w.startswith(("http://", "https://")) and " " not in w},
                       PREFIXES["schema"] + "Person")
    builder = RowBuilder(mapping, table_slug, source, publisher, indexes, persons, moved)
    for row in table.rows:
        builder.add(row)
    errors = table.errors + builder.built.errors + unknown_concepts(store,
                                                                    builder.built.concepts)
    source_triples = _source_triples(req, mapping, table, source, publisher, title, published,
                                     errors)
    if errors:
        raise ImportErrors(req.path, errors)
    graphs = {table_graph(table_slug): builder.built.public + source_triples
              + publisher_triples,
              restricted_graph(table_slug): builder.built.restricted}
    return mapping, table, source, graphs, builder


def _refuse_undeclared_terms(store: Store, mapping: Mapping) -> None:
    """kg: properties and classes the mapping names but kg's ontology does not declare, all
    of them in one error."""
    named = {iri: name for name, spec in mapping.columns.items()
             for iri in (spec.property, *spec.types) if iri}
    unknown = undeclared_terms(store, named, KG)
    if not unknown:
        return
    if not bool(store.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")):
        raise MappingError(f"{mapping.origin}: the store holds no kg ontology (graph "
                           f"<{ONTOLOGY_GRAPH}>), so the mapping's terms cannot be checked — "
                           "build the store with kg build (or load ontology/ into that graph) "
                           "before importing")

    def short(iri: str) -> str:
        return "kg:" + iri[len(KG):]

    terms = "; ".join(f"column {named[iri]!r}: {short(iri)}"
                      + (f" (closest: {', '.join(map(short, closest))})" if closest else "")
                      for iri, closest in unknown.items())
    raise MappingError(f"{mapping.origin}: not terms kg's ontology declares: {terms} — "
                       "correct them, or declare them in ontology/ first")


def _refuse_other_publisher(store: Store, source: str, publisher: str, path: Path) -> None:
    rows = list(store.query(f"SELECT ?p WHERE {{ <{source}> <{PREFIXES['dcterms']}publisher> "
                            "?p }"))
    others = {r["p"].value for r in rows} - {publisher}
    if others:
        raise MappingError(
            f"{path}: the table name {source.rsplit('/', 1)[1]!r} is already used by a list "
            f"published by <{sorted(others)[0]}> — give it another --name (or kg:slug in the "
            "metadata) unless this is a new version of that list from the same publisher")


def _refuse_renamed_list(store: Store, source: str, publisher: str, title: str, sha256: str,
                         path: Path) -> None:
    """A list this publisher had imported before under another name (the same file, or the
    same title): importing it under this one would copy every record as new people. Another
    publisher's copy of a list is that publisher's own source (a relay), and imports."""
    rows = list(store.query(f"""
        SELECT ?other ?same WHERE {{
            ?other a <{KG}Source> ; <{KG}sourceType> <{DATASET}> ;
                   <{PREFIXES['dcterms']}publisher> <{publisher}> .
            {{ ?other <{KG}sha256> {ox.Literal(sha256)} BIND(true AS ?same) }} UNION
            {{ ?other <{PREFIXES['dcterms']}title> ?title
               FILTER(STR(?title) = {ox.Literal(title)}) BIND(false AS ?same) }}
            FILTER(?other != <{source}>)
        }} ORDER BY DESC(?same) ?other"""))
    if not rows:
        return
    other = rows[0]["other"].value
    name = other.rsplit("/", 1)[1]
    if rows[0]["same"].value == "true":
        raise MappingError(
            f"{path}: this very file was imported before as the list {name!r} (<{other}>); "
            f"under a new name every record would be copied as a new person — give --name "
            f"{name} (importing it again changes nothing)")
    raise MappingError(
        f"{path}: a list titled {title!r} from this publisher was imported before as {name!r} "
        f"(<{other}>) — give --name {name} to import this file as its new version, or another "
        "--title if it is a different list")


def _dry(store: Store, write: GraphWrite, pending: PendingCheck) -> Report:
    """The SHACL report of a write, from a staged copy that is then abandoned."""
    outcome: dict[str, Report] = {}

    def capture(parts: Partitions) -> None:
        outcome["report"] = pending.report(parts)
        del parts  # the traceback must not keep the staged stores open while they are removed
        raise _Abandon

    try:
        store.replace_graphs(write, check=capture)
    except _Abandon:
        return outcome["report"]
    raise AssertionError("the capture check did not run")


def run_import(store: Store, req: ImportRequest) -> ImportReport:
    """Import (or with dry_run only check and report) one table. The difference with the
    store is worked out once (`Store.diff_graphs`), reported, logged and written as it is:
    the SHACL gate runs beside the matching of the rows against the graph, or else beside
    the write, and ends on the staged version."""
    if not store.capabilities.embedded:
        raise StoreError(
            f"{req.path}: kg import writes into an embedded store only: its SHACL gate reads "
            "the data around what the import changes, which a SPARQL server does not lend it "
            "(not built, untested) — import into a store directory (--store DIR) and serve "
            "that, or load its export into the server (kg export, then kg load)")
    started = dt.datetime.now(dt.UTC)
    mapping, table, source, graphs, builder = prepare(store, req)
    write = store.diff_graphs(graphs)
    changes = write.changes
    runs = provlog.import_log(store, source)
    previous = provlog.previous_run(runs)
    write.fresh = fresh_prefixes(write.basis, builder.table_slug, source, previous)
    # A table's first import (the store holds no trace of it: `fresh`) adds every claim it
    # built and nothing else; telling that from its 200,000 quads took a third of a second.
    if write.fresh:
        diff = ClaimDiff(added=sorted(builder.built.cells))
        public = ClaimDiff(added=[c for c in diff.added
                                  if c not in builder.built.restricted_claims])
    else:
        diff = claim_diff(changes.added, changes.removed)
        public = public_diff(changes.added, changes.removed,
                             restricted_graph(builder.table_slug))
    cells = dict(builder.built.cells)
    gone = removed_cells(changes.removed)
    report = ImportReport(
        table=str(req.path), source=source, sha256=table.sha256, rows=len(table.rows),
        dry_run=req.dry_run, previous=previous.iri if previous else None,
        added=changes_of(diff.added, cells), changed=changes_of(diff.changed, cells),
        removed=changes_of(diff.removed, gone), moved=len(diff.moved),
        restricted_rows=builder.built.restricted_rows, row_warnings=builder.built.warnings,
        created=sorted(builder.built.created),
        quads_added=len(changes.added), quads_removed=len(changes.removed))
    run = ""
    if not req.dry_run:
        name = req.agent or getpass.getuser()
        run, triples = provlog.activity(report, public, builder.table_slug, started,
                                        dt.datetime.now(dt.UTC), provlog.agent_iri(name), name)
        log = store.diff_graphs({provlog.IMPORTS_GRAPH: provlog.existing_log(store) + triples})
        # The same content again: only the log changes (its check is the log's own).
        write = write.joined(log) if changes else log
    pending = PendingCheck(write)
    if req.candidates:
        pending.start()  # beside the matching, which comes before the write
        report.candidates = flat(table_candidates(store, mapping, table.rows, source=source,
                                                  own_iris=builder.subjects.values(),
                                                  notify=req.notify).rows)
    if req.dry_run:
        checked = _dry(store, write, pending)
        _raise_on_violations(checked, req.path)
        report.warnings = len(checked.warnings)
        return report
    folder = archive_dir(store, req.archive)
    archive(folder, archived_name(table.sha256, table.path.suffix), table.data)
    outcome: dict[str, Report] = {}

    def gate(parts: Partitions) -> None:
        outcome["report"] = pending.report(parts)
        _raise_on_violations(outcome["report"], req.path)

    store.replace_graphs(write, check=gate)
    report.activity = run
    report.warnings = len(outcome["report"].warnings)
    return report


def _raise_on_violations(report: Report | None, path: Path) -> None:
    if report is not None and not report.conforms:
        first = report.violations[0].line()
        raise ImportCheckFailed(f"{path}: SHACL found {len(report.violations)} violation(s) in "
                                f"what the import would change; nothing was written. First: "
                                f"{first}")
