"""Where CSV rows become triples: each record an entity and a kg:Record, each non-empty cell
an attribute claim of the table's source, evidenced by an annotation that selects that cell
(RFC 7111 `cell=ROW,COL`) and quotes its text.

Every node is an IRI derived from the table's slug, the record id and the column, never a
blank node, so the same file gives the same triples and re-importing it changes nothing.
Restricted records go whole into the table's restricted graph, their nodes marked
`kg:accessLevel kg:Restricted`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.dates import ASCII_DIGITS
from kg.evidence import RFC7111
from kg.ingest.lookup import EntityIndex
from kg.ingest.mapping import ColumnSpec, Mapping, about_iri
from kg.ingest.plausibility import Given, row_warnings
from kg.ingest.report import CellError
from kg.ingest.table import Row
from kg.ingest.values import QUOTE_WORDS, CellProblem, cell_value
from kg.namespaces import ACCESS_LEVEL, GRAPH, ID, KG, PREFIXES, RESTRICTED, RESTRICTED_GRAPH_PREFIX

CLAIM_STATUS = ID + "concept/claim-status/asserted"
_P = {k: v for k, v in PREFIXES.items()}


@functools.cache
def _iri(iri: str) -> ox.NamedNode:
    """A node made once (a list's rows name the same few predicates and classes ~100k
    times)."""
    return ox.NamedNode(iri)


def _term(prefix: str, local: str) -> ox.NamedNode:
    return _iri(_P[prefix] + local)


TYPE = _term("rdf", "type")
VALUE = _term("rdf", "value")
LABEL = _term("rdfs", "label")
ALT = _term("skos", "altLabel")
_SLUG = re.compile(r"[^\w-]+")
#: What every cell's evidence says (made once).
_DCTERMS_CONFORMS_TO = _term("dcterms", "conformsTo")
_OA_ANNOTATION = _term("oa", "Annotation")
_OA_FRAGMENT_SELECTOR = _term("oa", "FragmentSelector")
_OA_TEXT_QUOTE_SELECTOR = _term("oa", "TextQuoteSelector")
_OA_EXACT = _term("oa", "exact")
_OA_HAS_BODY = _term("oa", "hasBody")
_OA_HAS_SELECTOR = _term("oa", "hasSelector")
_OA_HAS_SOURCE = _term("oa", "hasSource")
_OA_HAS_TARGET = _term("oa", "hasTarget")
_OA_MOTIVATED_BY = _term("oa", "motivatedBy")
_EVIDENCING = _iri(KG + "evidencing")
_RFC7111 = _iri(RFC7111)
_TEXT_SHA256 = _iri(KG + "textSha256")
#: What every claim says.
_ATTRIBUTE_CLAIM = _iri(KG + "AttributeClaim")
_ABOUT = _iri(KG + "about")
_PROPERTY = _iri(KG + "property")
_VALUE = _iri(KG + "value")
_SOURCE = _term("dcterms", "source")
_ATTRIBUTED_TO = _term("prov", "wasAttributedTo")
_CLAIM_STATUS = _iri(KG + "claimStatus")


def slug(text: str) -> str:
    """A readable IRI segment: lower case, digits in ASCII, runs of other marks as '-'
    (record ids '۱۲' and '12' are one record: a list re-exported with its digits changed
    keeps its people)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(ASCII_DIGITS)
    return _SLUG.sub("-", text.replace("_", "-")).strip("-")


def table_graph(table_slug: str) -> str:
    return f"{GRAPH}table/{table_slug}"


def restricted_graph(table_slug: str) -> str:
    return f"{RESTRICTED_GRAPH_PREFIX}table/{table_slug}"


def source_iri(table_slug: str) -> str:
    return f"{ID}source/{table_slug}"


@dataclass(frozen=True)
class Cell:
    """Where a claim's evidence is: the RFC 7111 row and column, the column name and text."""

    row: int
    col: int
    column: str
    text: str


@dataclass
class Built:
    """The triples of every row, by graph, and which cell each claim comes from."""

    #: As quads of the table's graphs (what a write takes without converting them again).
    public: list[ox.Quad] = field(default_factory=list)
    restricted: list[ox.Quad] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    #: The claims of restricted rows (left out of what the public import log counts).
    restricted_claims: set[str] = field(default_factory=set)
    #: Concept IRIs the cells name, with each cell naming one (row, column, text): checked
    #: against the graph once for the whole table (`kg.ingest.lookup.unknown_concepts`).
    concepts: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    errors: list[CellError] = field(default_factory=list)
    #: Rows whose cells contradict each other (imported as they are: kg.ingest.plausibility).
    warnings: list[CellError] = field(default_factory=list)
    restricted_rows: int = 0


class RowBuilder:
    """Turns rows into triples; collects every cell's problem instead of stopping."""

    def __init__(self, mapping: Mapping, table_slug: str, source: str, claimant: str,
                 indexes: dict[str, EntityIndex], persons: set[str],
                 redirects: dict[str, str] | None = None) -> None:
        self.mapping = mapping
        self.table_slug = table_slug
        self.source = ox.NamedNode(source)
        self.claimant = ox.NamedNode(claimant)
        self.indexes = indexes
        self.persons = persons  # kg_iri values that name existing persons
        #: IRIs merged into others (kg merge) -> the IRI now used: a row's person stays merged.
        self.redirects = redirects or {}
        #: The person each imported row (by number) describes.
        self.subjects: dict[int, str] = {}
        self.id_column = mapping.id_column()
        self.column_slugs = {name: slug(name) for name in mapping.columns}
        #: The columns the aboutUrl template names (only their cells need a slug).
        self.template_names = set(mapping.about_url.variable_names)
        self.built = Built()
        self.seen: dict[str, tuple[int, str]] = {}
        #: The graph of a public row's quads, and of a restricted one's.
        self.graphs = (ox.NamedNode(table_graph(table_slug)),
                       ox.NamedNode(restricted_graph(table_slug)))

    def error(self, row: Row, column: str, message: str) -> None:
        self.built.errors.append(CellError(row.number, column, row.cells.get(column, ""),
                                           message))

    def add(self, row: Row) -> None:
        """One row: checked whole, then its triples added (nothing from a bad row)."""
        before = len(self.built.errors)
        rid = row.cells.get(self.id_column, "").strip()
        key = slug(rid)
        if self.id_column not in row.cells:
            pass  # the header lacks the column: said once, on row 1, not again on every row
        elif not rid:
            self.error(row, self.id_column, "the record id is empty — give every row "
                                                 "an id that stays the same in later versions")
        elif not key:
            self.error(row, self.id_column, "the record id has no letters or digits — use "
                                                 "letters, digits or '-'")
        elif key in self.seen:
            other_row, other = self.seen[key]
            same = "the same id" if other == rid else f"the same IRI as {other!r}"
            self.error(row, self.id_column, f"{same} as row {other_row} — record ids "
                                                 "must be unique in the list")
        else:
            self.seen[key] = (row.number, rid)
        restricted = self._access(row)
        subject = self._subject(row, key)
        for group in self.mapping.require_one_of:
            if not any(row.cells.get(c, "").strip() for c in group) and \
                    any(c in row.cells for c in group):  # else said once, on row 1
                self.error(row, group[0], f"no name — fill {' or '.join(group)}")
        claims: list[tuple[ColumnSpec, str, int, str]] = []
        for name, text in row.cells.items():
            spec = self.mapping.columns[name]
            if spec.kind is None or not text.strip():
                continue
            parts = [p for p in text.split(spec.separator)] if spec.separator else [text]
            parts = [p.strip() for p in parts if p.strip()]
            for i, part in enumerate(parts, start=1):
                suffix = f"{self.column_slugs[name]}-{i}" if spec.separator \
                    else self.column_slugs[name]
                claims.append((spec, part, i, suffix))
        values = []
        for spec, part, _i, suffix in claims:
            claim = ox.NamedNode(f"{ID}claim/{self.table_slug}-{key}-{suffix}")
            try:
                value = cell_value(spec, part, node=ox.NamedNode(claim.value + "#value"),
                                   index=self.indexes.get(spec.name), slug=slug)
            except CellProblem as exc:
                self.built.errors.append(CellError(row.number, spec.name, part, str(exc)))
                continue
            values.append((spec, claim, value, suffix))
            if spec.kind == "concept":
                self.built.concepts.setdefault(value.term.value, []).append(
                    (row.number, spec.name, part))
        if len(self.built.errors) > before or subject is None:
            return
        given = {spec.property: Given(spec.name, row.cells[spec.name], value.bounds,
                                      int(value.term.value) if spec.kind == "integer" else None)
                 for spec, _claim, value, _suffix in values if spec.property}
        self.built.warnings += [CellError(row.number, "", "", w) for w in row_warnings(given)]
        out = self.built.restricted if restricted else self.built.public
        g = self.graphs[restricted]
        self.built.restricted_rows += restricted
        self.subjects[row.number] = subject.value
        out.extend(self._record(row, rid, key, subject, restricted, g))
        for spec, claim, value, suffix in values:
            text = row.cells[spec.name]
            out.extend(self._claim(spec, claim, subject, value, restricted, g))
            out.extend(self._evidence(row, spec, claim, suffix, text, restricted, g))
            self.built.cells[claim.value] = Cell(row.number, row.columns[spec.name], spec.name,
                                                 text)
            if restricted:
                self.built.restricted_claims.add(claim.value)
            if value.created:
                self.built.created.add(value.created)

    def _access(self, row: Row) -> bool:
        column = self.mapping.column("access")
        if column is None:
            return False
        text = row.cells.get(column, "").strip()
        if text.casefold() not in ("", "public", "restricted"):
            self.error(row, column, "not an access level — write public or restricted "
                                         "(empty means public)")
            return False
        return text.casefold() == "restricted"

    def _subject(self, row: Row, key: str) -> ox.NamedNode | None:
        column = self.mapping.column("kg_iri")
        iri = row.cells.get(column, "").strip() if column else ""
        if iri:
            if iri.startswith("<") and iri.endswith(">"):
                iri = iri[1:-1]
            iri = self.redirects.get(iri, iri)
            if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", iri):
                self.error(row, column, "not an IRI — paste the person's full IRI "
                                             f"({ID}person/...) or leave it empty")
                return None
            if iri not in self.persons:
                self.error(row, column, "no person with this IRI in the graph — check "
                                             "the IRI, or leave it empty to add a new person")
                return None
            return ox.NamedNode(iri)
        variables = {name: slug(text) for name, text in row.cells.items()
                     if name in self.template_names}
        variables["_table"] = self.table_slug
        variables["_row"] = str(row.number - 1)
        minted = about_iri(self.mapping, variables)
        return ox.NamedNode(self.redirects.get(minted, minted)) if key else None

    def _mark(self, nodes: list[ox.NamedNode], restricted: bool, g: ox.NamedNode
              ) -> Iterator[ox.Quad]:
        if restricted:
            level = _iri(RESTRICTED)
            for node in nodes:
                yield ox.Quad(node, _iri(ACCESS_LEVEL), level, g)

    def _record(self, row: Row, rid: str, key: str, subject: ox.NamedNode,
                restricted: bool, g: ox.NamedNode) -> Iterator[ox.Quad]:
        record = ox.NamedNode(f"{ID}record/{self.table_slug}-{key}")
        yield ox.Quad(record, TYPE, _iri(KG + "Record"), g)
        yield ox.Quad(record, _term("dcterms", "identifier"), ox.Literal(rid), g)
        yield ox.Quad(record, _term("dcterms", "isPartOf"), self.source, g)
        yield ox.Quad(record, _iri("http://www.w3.org/ns/csvw#describes"), subject, g)
        marked = [record]
        if subject.value not in self.persons:  # a row's own person; never mark a matched one
            yield ox.Quad(subject, TYPE, _term("schema", "Person"), g)
            yield ox.Quad(subject, TYPE, _term("prov", "Agent"), g)
            marked.append(subject)
            if not any(s.property == LABEL.value and s.lang == "en" and row.cells.get(n, "")
                       .strip() for n, s in self.mapping.columns.items()):
                # A record with only a Persian name still needs an English label (pages,
                # search): a descriptor of our own, never a transliteration.
                yield ox.Quad(subject, LABEL, ox.Literal(f"record {rid} of {self.table_slug}",
                                                         language="en"), g)
        yield from self._mark(marked, restricted, g)

    def _claim(self, spec: ColumnSpec, claim: ox.NamedNode, subject: ox.NamedNode, value,
               restricted: bool, g: ox.NamedNode) -> list[ox.Quad]:
        quad = ox.Quad
        out = [quad(claim, TYPE, _ATTRIBUTE_CLAIM, g), quad(claim, _ABOUT, subject, g),
               quad(claim, _PROPERTY, _iri(spec.property), g),
               quad(claim, _VALUE, value.term, g), quad(claim, _SOURCE, self.source, g),
               quad(claim, _ATTRIBUTED_TO, self.claimant, g),
               quad(claim, _CLAIM_STATUS, _iri(CLAIM_STATUS), g)]
        out += [quad(t.subject, t.predicate, t.object, g) for t in value.triples]
        if spec.property in (LABEL.value, ALT.value):
            out.append(quad(subject, _iri(spec.property), value.term, g))
        if restricted:
            out += self._mark([claim] + ([value.term] if value.triples and not value.created
                                         else []), restricted, g)
        return out

    def _evidence(self, row: Row, spec: ColumnSpec, claim: ox.NamedNode, suffix: str,
                  text: str, restricted: bool, g: ox.NamedNode) -> list[ox.Quad]:
        quad, named = ox.Quad, ox.NamedNode
        iri = f"{ID}annotation/{claim.value.rsplit('/', 1)[1]}"
        ann, target, cell = named(iri), named(iri + "#target"), named(iri + "#cell")
        out = [quad(ann, TYPE, _OA_ANNOTATION, g), quad(ann, _OA_MOTIVATED_BY, _EVIDENCING, g),
               quad(ann, _OA_HAS_BODY, claim, g), quad(ann, _OA_HAS_TARGET, target, g),
               quad(target, _OA_HAS_SOURCE, self.source, g),
               quad(target, _OA_HAS_SELECTOR, cell, g),
               quad(cell, TYPE, _OA_FRAGMENT_SELECTOR, g),
               quad(cell, _DCTERMS_CONFORMS_TO, _RFC7111, g),
               quad(cell, VALUE, ox.Literal(f"cell={row.number},{row.columns[spec.name]}"), g),
               quad(cell, LABEL, ox.Literal(f"row {row.number}, {spec.name}"), g)]
        nodes = [ann, target, cell]
        if len(text.split()) <= QUOTE_WORDS:
            quote = named(iri + "#text")
            out += [quad(target, _OA_HAS_SELECTOR, quote, g),
                    quad(quote, TYPE, _OA_TEXT_QUOTE_SELECTOR, g),
                    quad(quote, _OA_EXACT, ox.Literal(text), g)]
            nodes.append(quote)
        else:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            out.append(quad(cell, _TEXT_SHA256, ox.Literal(digest), g))
        if restricted:
            out += self._mark(nodes, restricted, g)
        return out
