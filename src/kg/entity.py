"""Everything a reader needs about one entity: names, types, claims by property, links, events.

Plain Python over the Store (no Flask), so the HTML page, its JSON twin and tests share it.
Every query is anchored on the entity's IRI (a selective pattern the engine answers from its
indexes) and capped, so a page stays fast when the entity is the hub of 50,000 victims.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.cache import Cached, NotReady
from kg.dates import PreciseDate
from kg.datevalues import EVENT_DATES, FAR, PUBLISHED, date_pattern, decode, decode_props
from kg.labels import labels as label_lookup
from kg.linked_data import page_of
from kg.names import LABEL_PROPERTIES
from kg.namespaces import ID, local_name, sparql_prefixes
from kg.store import Store

log = logging.getLogger(__name__)
PREFIXES = sparql_prefixes()
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KG = "https://kg.example.org/ontology#"
#: Properties shown as names or descriptions rather than as facts.
NAME_PROPERTIES = set(LABEL_PROPERTIES)
DESCRIPTION_PROPERTIES = (
    "https://schema.org/description", "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description",
)
#: Claim classes from the most to the least specific, for grouping and display.
CLAIM_CLASSES = (KG + "CountClaim", KG + "TimeClaim", KG + "IdentityClaim", KG + "Allegation",
                 KG + "Claim")
#: Kinds of node that carry the model's structure (claims, evidence, roles), shown through
#: the claims that hold them rather than as neighbours.
STRUCTURAL = ("claim/", "annotation/", "participation/", "membership/", "concept/", "date/")
MAX_CLAIMS = 25
MAX_LINKS_PER_PROPERTY = 25
MAX_NEIGHBOURS = 14
MAX_EVENTS = 30
#: Incoming links scanned to count them per property: a hub has 100,000; counts stop here
#: (shown as lower bounds; scanning 1,000 cost a hub page 7 ms, 250 cost 2 ms).
MAX_INCOMING_SCAN = 250
MAX_ASSERTED = 8
#: The page's queries are independent lookups; pyoxigraph releases the GIL while it
#: evaluates, so running them side by side cuts a hub page's render time (measured 1.7x for
#: two queries on 2 CPUs). Only request threads submit here; tasks never wait on tasks.
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kg-entity")


@dataclass
class Node:
    """An IRI with a readable label and, for entities of this graph, its page path."""

    iri: str
    label: str
    page: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "page": self.page}


@dataclass
class Value:
    """The object of a fact: a node, a literal (text with language/datatype), or a date."""

    node: Node | None = None
    text: str | None = None
    lang: str | None = None
    datatype: str | None = None
    date: PreciseDate | None = None
    #: A blank node's own properties (a grading, a quantity), one level deep.
    nested: list[tuple[Node, Value]] | None = None

    def as_json(self) -> dict[str, Any]:
        if self.node:
            return {"node": self.node.as_json()}
        if self.date:
            return {"date": self.date.as_json()}
        if self.nested is not None:
            return {"nested": [{"property": p.as_json(), "value": v.as_json()}
                               for p, v in self.nested]}
        return {"text": self.text, "lang": self.lang, "datatype": self.datatype}


@dataclass
class Quote:
    """The evidence passage: `exact` to be highlighted between its prefix and suffix."""

    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    cited: str | None = None
    locator: str | None = None
    lang: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Claim:
    """One sourced statement about the entity, with everything needed to weigh it."""

    iri: str
    kind: str
    kind_label: str
    group: str
    statement: str | None = None
    value: str | None = None
    count_kind: str | None = None
    unit: str | None = None
    status: str | None = None
    status_key: str | None = None
    superseded_because: str | None = None
    claimant: Node | None = None
    publication: Node | None = None
    published: PreciseDate | None = None
    dates: list[tuple[str, PreciseDate]] = field(default_factory=list)
    related: list[Node] = field(default_factory=list)
    #: What the claim's structured assertion says: ("participation", role, event-or-agent).
    asserts: list[tuple[str, str, Node | None]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    graph: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "kind": self.kind, "group": self.group, "statement": self.statement,
            "value": self.value, "countKind": self.count_kind, "unit": self.unit,
            "status": self.status,
            "supersededBecause": self.superseded_because,
            "claimant": self.claimant.as_json() if self.claimant else None,
            "publication": self.publication.as_json() if self.publication else None,
            "published": self.published.as_json() if self.published else None,
            "dates": [{"property": p, **d.as_json()} for p, d in self.dates],
            "related": [n.as_json() for n in self.related],
            "asserts": [{"kind": k, "text": t, "node": n.as_json() if n else None}
                        for k, t, n in self.asserts],
            "evidence": [q.as_json() for q in self.quotes], "graph": self.graph,
        }


@dataclass
class EventEntry:
    """An event the entity is part of (or the entity itself), with its role and date."""

    event: Node
    role: str | None
    date: PreciseDate | None
    date_source: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"event": self.event.as_json(), "role": self.role,
                "date": self.date.as_json() if self.date else None}


@dataclass
class Entity:
    """The gathered description of one entity."""

    iri: str
    label: str
    names: list[tuple[str, str, str]]  # (text, language, property label)
    types: list[Node]
    descriptions: list[tuple[str, str]]
    facts: list[tuple[Node, list[Value]]]
    incoming: list[tuple[Node, int, list[Node]]]  # (property, how many, first few subjects)
    incoming_capped: bool  # counts stopped at MAX_INCOMING_SCAN links: they are lower bounds
    claim_groups: list[tuple[str, list[Claim]]]
    claims_total: int
    claims_offset: int
    claims_made: list[tuple[Node, str, Node | None]]  # (claim, statement, publication)
    claims_made_total: int
    events: list[EventEntry]
    neighbours: list[tuple[Node, str]]  # (node, relation label)

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "label": self.label,
            "names": [{"text": t, "lang": lang, "property": p} for t, lang, p in self.names],
            "types": [t.as_json() for t in self.types],
            "descriptions": [{"text": t, "lang": lang} for t, lang in self.descriptions],
            "facts": [{"property": p.as_json(), "values": [v.as_json() for v in vs]}
                      for p, vs in self.facts],
            "incoming": [{"property": p.as_json(), "count": n,
                          "subjects": [s.as_json() for s in subjects]}
                         for p, n, subjects in self.incoming],
            "incomingCapped": self.incoming_capped,
            "claims": [{"group": g, "claims": [c.as_json() for c in cs]}
                       for g, cs in self.claim_groups],
            "claimsTotal": self.claims_total,
            "claimsMade": [{"claim": c.as_json(), "statement": st,
                            "publication": p.as_json() if p else None}
                           for c, st, p in self.claims_made],
            "claimsMadeTotal": self.claims_made_total,
            "events": [e.as_json() for e in self.events],
            "neighbours": [{"node": n.as_json(), "relation": r} for n, r in self.neighbours],
        }


class EntityReader:
    """Reads entities from a store whose entity IRIs sit under `base` + 'id/'."""

    def __init__(self, store: Store, base: str = "https://kg.example.org/") -> None:
        self.store = store
        self.id_base = base + "id/"
        self._asserted_sizes: dict[str, int] = {}

    # naming ----------------------------------------------------------------------------
    def page_of(self, iri: str) -> str | None:
        """The HTML page path for an IRI minted here (None for outside vocabularies)."""
        return page_of(iri, self.id_base[:-3])

    def structural(self, iri: str) -> bool:
        return iri.startswith(self.id_base) and iri[len(self.id_base):].startswith(STRUCTURAL)

    def iri_of(self, slug: str) -> str:
        return self.id_base + slug

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        return label_lookup(self.store, iris)

    def node(self, iri: str, labels: dict[str, str]) -> Node:
        return Node(iri, labels.get(iri) or local_name(iri), self.page_of(iri))

    def _fan(self, queries: dict[str, str]) -> dict[str, Future[list[Any]]]:
        """Start `queries` side by side; each future holds its rows, read to the end."""
        return {key: _POOL.submit(lambda q: list(self.store.query(q)), query)
                for key, query in queries.items()}

    def exists(self, iri: str) -> bool:
        e = ox.NamedNode(iri)
        result = self.store.query(f"ASK {{ {{ {e} ?p ?o }} UNION {{ ?s ?p {e} }} }}")
        return bool(result)

    # the whole entity --------------------------------------------------------------------
    def read(self, iri: str, claims_offset: int = 0) -> Entity | None:
        """The entity's description, or None when the graph says nothing about it.

        Claims come MAX_CLAIMS at a time from `claims_offset` (a hub event has thousands).
        """
        e = ox.NamedNode(iri)
        rows = self._fan({
            "out": f"SELECT DISTINCT ?p ?o WHERE {{ {e} ?p ?o }} LIMIT 2000",
            "in": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s ?p WHERE {{ ?s ?p {e} }} "
                  f"LIMIT {MAX_INCOMING_SCAN} }} FILTER(isIRI(?s)) }} GROUP BY ?p"})
        claim_page = self._fan(self._claim_queries(e, claims_offset))
        later = {"made": _POOL.submit(self._claims_made, e),
                 "events": _POOL.submit(self._event_rows, e),
                 "dates": _POOL.submit(self._date_values, e),
                 "nested": _POOL.submit(self._blank_objects, e)}
        outgoing, incoming = rows["out"].result(), rows["in"].result()
        if not outgoing and not incoming:
            for future in [*later.values(), *claim_page.values()]:
                future.cancel()
            return None
        names: list[tuple[str, str, str]] = []
        descriptions: list[tuple[str, str]] = []
        type_iris: list[str] = []
        fact_rows: list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]] = []
        for row in outgoing:
            p, o = row["p"].value, row["o"]
            if p in NAME_PROPERTIES and isinstance(o, ox.Literal):
                names.append((o.value, o.language or "", p))
            elif p in DESCRIPTION_PROPERTIES and isinstance(o, ox.Literal):
                descriptions.append((o.value, o.language or ""))
            elif p == RDF_TYPE and isinstance(o, ox.NamedNode):
                type_iris.append(o.value)
            else:
                fact_rows.append((p, o))
        incoming_links = self._incoming(e, incoming)
        claims, total = self._claims(e, claim_page)
        made, made_total = later["made"].result()
        events = self._events(iri, type_iris, later["events"].result())
        date_nodes = later["dates"].result()
        nested = later["nested"].result()
        iris_to_name = ({p for p, _ in fact_rows} | set(type_iris)
                        | {o.value for _, o in fact_rows if isinstance(o, ox.NamedNode)}
                        | {p for p, _, _ in incoming_links}
                        | {s for _, _, subjects in incoming_links for s in subjects}
                        | {x for rows in nested.values() for pair in rows for x in pair
                           if not x.startswith('"')})
        labels = self.labels(iris_to_name)
        names.sort(key=lambda n: (n[2] != LABEL_PROPERTIES[1] and n[2] != LABEL_PROPERTIES[0],
                                  {"en": 0, "fa": 2}.get(n[1], 1), n[1], n[0]))
        facts: dict[str, list[Value]] = defaultdict(list)
        for p, o in fact_rows:
            if isinstance(o, ox.Literal):
                facts[p].append(Value(text=o.value, lang=o.language,
                                      datatype=o.datatype.value if o.datatype else None))
            elif (p, str(o)) in date_nodes:
                facts[p].append(Value(date=date_nodes[(p, str(o))]))
            elif isinstance(o, ox.NamedNode):
                facts[p].append(Value(node=self.node(o.value, labels)))
            elif (p, str(o)) in nested:
                facts[p].append(Value(nested=[
                    (self.node(bp, labels), Value(text=bo[1:]) if bo.startswith('"')
                     else Value(node=self.node(bo, labels)))
                    for bp, bo in nested[(p, str(o))] if bp != RDF_TYPE]))
        fact_list = sorted(((self.node(p, labels), vs) for p, vs in facts.items()),
                           key=lambda f: f[0].label.casefold())
        incoming_list = [(self.node(p, labels), n, [self.node(s, labels) for s in subjects])
                         for p, n, subjects in incoming_links]
        label = _best_name(names) or local_name(iri)
        neighbours = self._neighbours(iri, fact_list, incoming_list, claims, events)
        return Entity(
            iri=iri, label=label, names=_dedupe_names(names),
            types=_type_nodes([self.node(t, labels) for t in type_iris]),
            descriptions=descriptions, facts=fact_list, incoming=incoming_list,
            incoming_capped=sum(int(r["n"].value) for r in incoming) >= MAX_INCOMING_SCAN,
            claim_groups=_group(claims), claims_total=total, events=events,
            claims_offset=claims_offset, claims_made=made, claims_made_total=made_total,
            neighbours=neighbours)

    def _incoming(self, e: ox.NamedNode, rows: list[Any]) -> list[tuple[str, int, list[str]]]:
        """Per property pointing here: how many subjects, and the first few (entities only)."""
        wanted = [row for row in sorted(rows, key=lambda r: r["p"].value)
                  if row["p"].value != KG + "about"]  # those are shown as claims
        found = self._fan({
            row["p"].value: f"SELECT DISTINCT ?s WHERE {{ ?s {row['p']} {e} FILTER(isIRI(?s)) }} "
                            f"LIMIT {MAX_LINKS_PER_PROPERTY}"  # no ORDER BY: 100k inEvent links
            for row in wanted})
        out: list[tuple[str, int, list[str]]] = []
        for row in wanted:
            p = row["p"].value
            subjects = [r["s"].value for r in found[p].result()]
            subjects = [s for s in subjects if self.page_of(s) and not self.structural(s)]
            if subjects:
                out.append((p, int(row["n"].value), subjects))
        return out

    def _date_values(self, e: ox.NamedNode) -> dict[tuple[str, str], PreciseDate]:
        """The entity's kg:DateValue objects (named or blank), keyed by (property, node)."""
        rows = self.store.query(
            PREFIXES + f"SELECT ?p ?d ?v ?prec ?lo ?hi ?inf WHERE {{ {e} ?p ?d . "
            f"{date_pattern()} }}")
        return {(r["p"].value, str(r["d"])): decode(r) for r in rows}

    def _blank_objects(self, e: ox.NamedNode) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """Properties of the entity's blank-node objects; literals come back as '"text'."""
        rows = self.store.query(
            f"SELECT ?p ?b ?bp ?bo WHERE {{ {e} ?p ?b FILTER(isBlank(?b)) ?b ?bp ?bo }} "
            "LIMIT 500")
        out: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for r in rows:
            bo = r["bo"]
            value = '"' + bo.value if isinstance(bo, ox.Literal) else bo.value
            if not isinstance(bo, ox.BlankNode):
                out[(r["p"].value, str(r["b"]))].append((r["bp"].value, value))
        return out

    # claims ------------------------------------------------------------------------------
    def _claim_queries(self, e: ox.NamedNode, offset: int) -> dict[str, str]:
        """How many claims are about the entity, and which are on this page."""
        return {
            "total": PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c kg:about {e} }}",
            "page": PREFIXES + f"SELECT DISTINCT ?c WHERE {{ ?c kg:about {e} FILTER(isIRI(?c)) }} "
                    f"LIMIT {MAX_CLAIMS} OFFSET {max(offset, 0)}"}

    def _claim_rows(self, claim_iris: list[str]) -> dict[str, list[Any]]:
        """The claim queries' rows for these claims: from the per-version index once it is
        built, else by querying for just these claims, side by side."""
        index = _claim_index(self.store)
        if index is not None:
            return index.rows(claim_iris)
        values = " ".join(str(ox.NamedNode(c)) for c in claim_iris)
        return self._wait(self._fan(claim_row_queries(f"VALUES ?c {{ {values} }}")))

    def _asserted_rows(self, small: list[str]) -> dict[str, list[Any]]:
        """What these claims (each asserting a few nodes) assert, from the index or by query."""
        index = _claim_index(self.store)
        if index is not None:
            return index.asserted(small)
        return self._wait(self._fan(_asserted_queries(small)))

    @staticmethod
    def _wait(futures: dict[str, Future[list[Any]]]) -> dict[str, list[Any]]:
        return {key: future.result() for key, future in futures.items()}

    def _claims(self, e: ox.NamedNode, page: dict[str, Future[list[Any]]]
                ) -> tuple[list[Claim], int]:
        """Claims about the entity (capped), with their value, status, sources and quotes;
        `page` holds the running `_claim_queries`."""
        total = int(page["total"].result()[0]["n"].value)
        claim_iris = [r["c"].value for r in page["page"].result()]
        if not total or not claim_iris:
            return [], total
        rows = self._claim_rows(claim_iris)
        out: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = \
            defaultdict(lambda: defaultdict(list))
        for r in rows["props"]:
            out[r["c"].value][r["p"].value].append(r["o"])
        sizes = {r["c"].value: int(r["n"].value) for r in rows["sizes"]}
        claims: dict[str, Claim] = {}
        self._asserted_sizes = {}
        for c in claim_iris:
            props = out[c]
            types = {t.value for t in props[RDF_TYPE]}
            kind = next((k for k in CLAIM_CLASSES if k in types), KG + "Claim")
            claim = Claim(iri=c, kind=kind, kind_label=_CLAIM_LABELS[kind], group="")
            statements = sorted((o for o in props[KG + "statement"] if isinstance(o, ox.Literal)),
                                key=lambda lit: (lit.language not in ("en", None, ""),))
            claim.statement = statements[0].value if statements else None
            status = _first_iri(props[KG + "claimStatus"])
            claim.status_key = local_name(status) if status else None
            because = props[KG + "supersededBecause"]
            claim.superseded_because = because[0].value if because else None
            claimant = _first_iri(props[_PROV + "wasAttributedTo"])
            claim.claimant = Node(claimant, "") if claimant else None
            pub = _first_iri(props[_DCT + "source"])
            claim.publication = Node(pub, "") if pub else None
            self._asserted_sizes[c] = sizes.get(c, 0)
            claims[c] = claim
        small = [c for c in claim_iris if 0 < sizes.get(c, 0) <= MAX_ASSERTED]
        asserted = self._asserted_rows(small) if small else {}
        pubs = sorted({c.publication.iri for c in claims.values() if c.publication})
        if pubs:  # a page's claims come from a handful of sources: ask once per source
            every = PUBLISHED.get(self.store)
            published = {p: every[p] for p in pubs if p in every}
            for claim in claims.values():
                if claim.publication:
                    claim.published = published.get(claim.publication.iri)
        for r in rows["graphs"]:
            if r["c"].value in claims:
                claims[r["c"].value].graph = r["g"].value
        self._claim_values(rows["values"], asserted, claims)
        self._claim_assertions(e.value, asserted, claims)
        for c, claim in claims.items():
            for o in out[c][KG + "about"] + out[c][KG + "possiblySameAs"]:
                if (isinstance(o, ox.NamedNode) and o.value != e.value and self.page_of(o.value)
                        and all(n.iri != o.value for n in claim.related)
                        and all(n is None or n.iri != o.value for _, _, n in claim.asserts)):
                    claim.related.append(Node(o.value, ""))
        self._claim_quotes(rows["selectors"], rows["cited"], claims)
        labels = self.labels(
            [c.claimant.iri for c in claims.values() if c.claimant]
            + [c.publication.iri for c in claims.values() if c.publication]
            + [n.iri for c in claims.values() for n in c.related]
            + [_STATUS_BASE + c.status_key for c in claims.values()
                            if c.status_key])
        for claim in claims.values():
            if claim.claimant:
                claim.claimant = self.node(claim.claimant.iri, labels)
            if claim.publication:
                claim.publication = self.node(claim.publication.iri, labels)
            claim.related = [self.node(n.iri, labels) for n in claim.related]
            if claim.status_key:
                claim.status = labels.get(_STATUS_BASE + claim.status_key, claim.status_key)
            claim.group = _group_name(claim)
        return list(claims.values()), total

    def _claims_made(self, e: ox.NamedNode) -> tuple[list[tuple[Node, str, Node | None]], int]:
        """Claims this entity is the claimant of (capped): what it says, and where."""
        total = int(next(iter(self.store.query(
            PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c prov:wasAttributedTo {e} ; "
            "dcterms:source ?pub }")))
            ["n"].value)
        if not total:
            return [], 0
        rows = list(self.store.query(
            PREFIXES + "SELECT ?c (SAMPLE(?st) AS ?s) (SAMPLE(?pub) AS ?p) WHERE { "
            f"{{ SELECT DISTINCT ?c WHERE {{ ?c prov:wasAttributedTo {e} ; dcterms:source ?x }} "
            f"LIMIT {MAX_CLAIMS} }} "
            "?c dcterms:source ?pub . OPTIONAL { ?c kg:statement ?st } } GROUP BY ?c"))
        labels = self.labels(r["p"].value for r in rows)
        made = [(Node(r["c"].value, local_name(r["c"].value), self.page_of(r["c"].value)),
                 _v(r, "s") or "", self.node(r["p"].value, labels)) for r in rows]
        return made, total

    def _claim_values(self, rows: list[Any], asserted: dict[str, list[Any]],
                      claims: dict[str, Claim]) -> None:
        """Counts and dates the claims hold (rows of one two-hop query), and the dates inside
        what small claims assert."""
        nodes: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
        for r in rows:
            nodes[(r["c"].value, r["p"].value, str(r["x"]))][r["q"].value] = r["y"].value
        kinds: list[tuple[Claim, str]] = []
        names = {KG + "date": "date", KG + "beginDate": "began", KG + "endDate": "ended"}
        for (c, p, _), props in nodes.items():
            claim = claims.get(c)
            if claim is None:
                continue
            if p == KG + "count":
                claim.value = _count_text(props.get(_SCHEMA + "value"),
                                          props.get(_SCHEMA + "minValue"),
                                          props.get(_SCHEMA + "maxValue"))
                claim.unit = props.get(_SCHEMA + "unitText")
                if KG + "countKind" in props:
                    kinds.append((claim, props[KG + "countKind"]))
            elif KG + "dateValue" in props:
                entry = (names[p], decode_props(props))
                if entry not in claim.dates:
                    claim.dates.append(entry)
        labels = self.labels(k for _, k in kinds)
        for claim, k in kinds:
            claim.count_kind = labels.get(k) or local_name(k)
        if asserted:  # dates inside what a claim asserts; not for lists of hundreds of victims
            for r in asserted["dates"]:
                claim = claims[r["c"].value]
                entry = (names[r["p"].value], decode(r))
                if entry not in claim.dates:
                    claim.dates.append(entry)

    def _claim_assertions(self, entity: str, asserted: dict[str, list[Any]],
                          claims: dict[str, Claim]) -> None:
        """Participations and memberships a claim asserts, as 'victim in X', 'activist of Y'.

        A list of named victims asserts hundreds of participations; those claims say how
        many instead of naming each (counting first keeps hub pages fast).
        """
        for c, n in self._asserted_sizes.items():
            if n > MAX_ASSERTED and c in claims:
                claims[c].asserts.append(("many", f"names {n:,} participations or memberships",
                                          None))
        if not asserted:
            return
        found = [(r["c"].value, "participation", r["who"].value, r["what"].value,
                  _v(r, "role"), _v(r, "how")) for r in asserted["parts"]]
        found += [(r["c"].value, "membership", r["who"].value, r["what"].value,
                   _v(r, "role"), None) for r in asserted["members"]]
        labels = self.labels({x for f in found for x in f[2:] if x})
        for c, kind, who, what, role, how in found:
            claim = claims.get(c)
            if claim is None:
                continue
            role_label = labels.get(role, "") if role else ("participant" if kind ==
                                                            "participation" else "member")
            if how:
                role_label += f" ({labels.get(how, '')})"
            link = " in " if kind == "participation" else " of "
            if who == entity:
                entry = (kind, role_label + link, self.node(what, labels))
            elif what == entity:
                entry = (kind, f"{labels.get(who, who)}: {role_label}", self.node(who, labels))
            else:
                entry = (kind, f"{labels.get(who, who)}: {role_label}{link}",
                         self.node(what, labels))
            if entry not in claim.asserts:
                claim.asserts.append(entry)

    def _claim_quotes(self, selector_rows: list[Any], cited_rows: list[Any],
                      claims: dict[str, Claim]) -> None:
        """Each claim's evidence: its selectors (quote and position, one generic query joined
        here on the annotation target) and any cited wording."""
        found: dict[tuple[str, str], Quote] = {}
        selectors: dict[tuple[str, str], dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]] = \
            defaultdict(dict)
        for r in selector_rows:
            selectors[(r["c"].value, str(r["t"]))][r["p"].value] = r["o"]
        for key, props in selectors.items():
            quote = found.setdefault(key, Quote())
            exact = props.get(_OA + "exact")
            if isinstance(exact, ox.Literal):
                quote.exact, quote.lang = exact.value, exact.language
                quote.prefix = props[_OA + "prefix"].value if _OA + "prefix" in props else ""
                quote.suffix = props[_OA + "suffix"].value if _OA + "suffix" in props else ""
            if _OA + "start" in props and _OA + "end" in props:
                quote.start = int(props[_OA + "start"].value)
                quote.end = int(props[_OA + "end"].value)
        found = {k: q for k, q in found.items() if q.exact}
        for r in cited_rows:
            cited = r["cited"]
            found[(r["c"].value, str(r["ann"]))] = Quote(
                cited=cited.value, locator=_v(r, "loc"),
                lang=cited.language if isinstance(cited, ox.Literal) else None)
        for (c, _), quote in found.items():
            claim = claims.get(c)
            if claim is not None and quote not in claim.quotes:
                claim.quotes.append(quote)
        for claim in claims.values():
            claim.quotes.sort(key=lambda q: (q.start is None, q.start or 0))

    # events -----------------------------------------------------------------------------
    def _event_rows(self, e: ox.NamedNode) -> list[tuple[str, str | None]]:
        """Events the entity takes part in (any role), is a sub-event of, or has claims that
        name: (event, role)."""
        # Three small queries, not one UNION: Oxigraph does not push the entity's IRI into
        # UNION branches, and the union form took 1.5 s at 1.3M triples against 1 ms.
        with_role = self.store.query(
            PREFIXES + f"SELECT DISTINCT ?ev ?role WHERE {{ ?part kg:participant {e} ; "
            "kg:inEvent ?ev . OPTIONAL { ?part sem:roleType ?r . "
            "?r skos:prefLabel ?role FILTER(LANGMATCHES(LANG(?role), 'en')) } } "
            f"LIMIT {MAX_EVENTS}")
        rows: list[tuple[str, str | None]] = [(r["ev"].value, _v(r, "role")) for r in with_role]
        for query in (
                PREFIXES + f"SELECT DISTINCT ?ev WHERE {{ {e} sem:subEventOf ?ev }} "
                f"LIMIT {MAX_EVENTS}",
                PREFIXES + f"SELECT DISTINCT ?ev WHERE {{ {{ SELECT ?c WHERE {{ ?c kg:about {e} }}"
                f" LIMIT {MAX_CLAIMS * 4} }} ?c kg:about ?ev . ?ev a kg:Event "
                f"FILTER(?ev != {e}) }} LIMIT {MAX_EVENTS}"):
            rows += [(r["ev"].value, None) for r in self.store.query(query)]
        return rows

    def _events(self, iri: str, types: list[str],
                rows: list[tuple[str, str | None]]) -> list[EventEntry]:
        """The events of `_event_rows`, plus the entity itself if it is an event, dated."""
        events: dict[str, str | None] = {}
        if any(t in EVENT_TYPES for t in types):
            events[iri] = "this event"
        for ev, role in rows:
            if ev not in events or events[ev] is None:
                events[ev] = role
        if not events:
            return []
        every = EVENT_DATES.get(self.store)
        dates = {e: every[e] for e in events if e in every}
        labels = self.labels(events)
        out = [EventEntry(self.node(ev, labels), role, dates.get(ev))
               for ev, role in events.items()]
        out.sort(key=lambda x: (x.date.earliest if x.date else FAR, x.event.label))
        return out

    def _neighbours(self, iri: str, facts: list[tuple[Node, list[Value]]],
                    incoming: list[tuple[Node, int, list[Node]]], claims: list[Claim],
                    events: list[EventEntry]) -> list[tuple[Node, str]]:
        """Up to MAX_NEIGHBOURS linked entities for the small graph, most direct first."""
        seen: dict[str, tuple[Node, str]] = {}

        def add(node: Node, relation: str) -> None:
            if node.iri != iri and node.page and node.iri not in seen and not \
                    self.structural(node.iri) and len(seen) < MAX_NEIGHBOURS:
                seen[node.iri] = (node, relation)

        for ev in events:
            add(ev.event, ev.role or "event")
        for prop, values in facts:
            for v in values:
                if v.node:
                    add(v.node, prop.label)
        for claim in claims:
            for _, text, node in claim.asserts:
                if node:
                    add(node, text.strip())
            for n in claim.related:
                add(n, claim.kind_label)
        for prop, _, subjects in incoming:
            for s in subjects[:3]:
                add(s, prop.label + " (inverse)")
        return list(seen.values())


def claim_row_queries(scope: str) -> dict[str, str]:
    """What a claim card is read from, for the claims `scope` binds to ?c. Few, flat queries:
    each costs a lookup per claim, and Oxigraph evaluates nested OPTIONALs and UNIONs over the
    whole store. One reads every outgoing triple of the claims; others the nodes they hold
    (counts, dates), their graphs and their evidence."""
    head = PREFIXES + f"SELECT * WHERE {{ {scope} "
    return {
        "props": head + "?c ?p ?o FILTER(?p != kg:asserts) }",
        # A list of named victims asserts hundreds of participations: count, not fetch.
        "sizes": head.replace("SELECT *", "SELECT ?c (COUNT(?a) AS ?n)", 1)
        + "?c kg:asserts ?a } GROUP BY ?c",
        "graphs": head + "GRAPH ?g { ?c dcterms:source ?gpub } }",
        "values": head + "?c ?p ?x . ?x ?q ?y FILTER(?p IN (kg:count, kg:date, "
        "kg:beginDate, kg:endDate)) }",
        "selectors": head + "?ann oa:hasBody ?c ; oa:hasTarget ?t . ?t oa:hasSelector ?s . "
        "?s ?p ?o FILTER(?p != rdf:type) }",
        "cited": head + "?ann oa:hasBody ?c ; kg:citedWording ?cited "
        "OPTIONAL { ?ann kg:locator ?loc } }",
    }


class ClaimIndex:
    """Every claim's rows of `claim_row_queries`, grouped by claim, for one store version.

    A hub page reads 25 claims with about 2,500 index lookups (~20 us each at 1.3M quads);
    the whole store has few claims (8,537 among 1.3M quads), so reading them all once per
    version (5-7 s in the background, 58 MB) and slicing per page is cheaper (hub pages p95
    43 -> 14-21 ms). Until the index is ready, pages query for their own claims.
    """

    def __init__(self, version: str, rows: dict[str, dict[str, list[Any]]],
                 asserted_rows: dict[str, dict[str, list[Any]]]) -> None:
        self.version = version
        self._rows = rows
        self._asserted = asserted_rows

    @classmethod
    def build(cls, store: Store) -> ClaimIndex:
        version = store.version
        terms: dict[Any, Any] = {}  # one object per distinct term: ~4x less memory
        grouped: dict[str, dict[str, list[Any]]] = {}
        for key, query in claim_row_queries(
                "{ SELECT DISTINCT ?c WHERE { ?c kg:about ?about } }").items():
            grouped[key] = _by_claim(store.query(query), terms)
        small = sorted(c for c, rows in grouped["sizes"].items()
                       if 0 < int(rows[0]["n"].value) <= MAX_ASSERTED)
        asserted: dict[str, dict[str, list[Any]]] = {}
        for start in range(0, len(small), 2000):
            for key, query in _asserted_queries(small[start:start + 2000]).items():
                for claim, rows in _by_claim(store.query(query), terms).items():
                    asserted.setdefault(key, {}).setdefault(claim, []).extend(rows)
        return cls(version, grouped, asserted)

    def rows(self, claims: list[str]) -> dict[str, list[Any]]:
        return _slice(self._rows, claims)

    def asserted(self, claims: list[str]) -> dict[str, list[Any]]:
        return _slice(self._asserted, claims) if self._asserted else {}


def _slice(groups: dict[str, dict[str, list[Any]]], claims: list[str]) -> dict[str, list[Any]]:
    """Per query, the rows of these claims, in their order."""
    return {key: [r for c in claims for r in by_claim.get(c, ())]
            for key, by_claim in groups.items()}


class _Row:
    """A solution as the index keeps it: shared variable positions, shared term objects
    (a pyoxigraph QuerySolution held ~800 bytes per row: 113 MB at 1.3M quads)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> Any:
        i = self._names.get(name)
        return None if i is None else self._values[i]


def _by_claim(result: Any, terms: dict[Any, Any]) -> dict[str, list[Any]]:
    """Solutions grouped by ?c, compacted into _Rows."""
    names = {v.value: i for i, v in enumerate(result.variables)}
    c = names["c"]
    grouped: dict[str, list[Any]] = defaultdict(list)
    for solution in result:
        values = tuple(None if t is None else terms.setdefault(t, t) for t in solution)
        grouped[values[c].value].append(_Row(names, values))
    return dict(grouped)


#: Built once per store version in the background; pages asking meanwhile query per claim.
CLAIM_INDEX = Cached[ClaimIndex]("claim-index", lambda store: ClaimIndex.build(store),
                                 background=True)


def _claim_index(store: Store) -> ClaimIndex | None:
    try:
        return CLAIM_INDEX.get(store, wait=0)
    except NotReady:
        return None


def _asserted_queries(small: list[str]) -> dict[str, str]:
    """What claims asserting a few participations or memberships assert, with their dates."""
    head = PREFIXES + "SELECT * WHERE { VALUES ?c { " + " ".join(
        str(ox.NamedNode(c)) for c in small) + " } ?c kg:asserts ?a . "
    return {
        "dates": head + f"?a ?p ?d . {date_pattern()} "
        "FILTER(?p IN (kg:date, kg:beginDate, kg:endDate)) }",
        "parts": head + "?a kg:participant ?who ; kg:inEvent ?what "
        "OPTIONAL { ?a sem:roleType ?role } OPTIONAL { ?a kg:involvement ?how } }",
        "members": head + "?a org:member ?who ; org:organization ?what "
        "OPTIONAL { ?a org:role ?role } }",
    }


EVENT_TYPES = {KG + "Event", "http://semanticweb.cs.vu.nl/2009/11/sem/Event",
               "https://schema.org/Event"}
_STATUS_BASE = ID + "concept/claim-status/"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_SCHEMA = "https://schema.org/"
_SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
_OA = "http://www.w3.org/ns/oa#"
_CLAIM_LABELS = {KG + "CountClaim": "count", KG + "TimeClaim": "date",
                 KG + "IdentityClaim": "identity", KG + "Allegation": "allegation",
                 KG + "Claim": "claim"}


def _first_iri(terms: list[Any]) -> str | None:
    iris = sorted(t.value for t in terms if isinstance(t, ox.NamedNode))
    return iris[0] if iris else None


def _v(row: Any, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


def _count_text(value: str | None, low: str | None, high: str | None) -> str:
    def num(x: str) -> str:
        try:
            return f"{int(float(x)):,}"
        except ValueError:
            return x
    if value is not None:
        return num(value)
    if low is not None and high is not None:
        return f"{num(low)} – {num(high)}"
    if low is not None:
        return f"≥ {num(low)}"
    if high is not None:
        return f"≤ {num(high)}"
    return "?"


def _group_name(claim: Claim) -> str:
    """What the claim is about, so competing values land in one table."""
    if claim.kind == KG + "CountClaim":
        return f"Count: {claim.unit}" if claim.unit else "Count"
    if claim.kind == KG + "TimeClaim":
        props = sorted({p for p, _ in claim.dates})
        return "Date" + (f" ({', '.join(props)})" if props and props != ["date"] else "")
    if claim.kind == KG + "IdentityClaim":
        return "Possible identity"
    if claim.kind == KG + "Allegation":
        return "Allegations"
    kinds = {k for k, _, _ in claim.asserts}
    if "participation" in kinds:
        return "Part in events"
    if "membership" in kinds:
        return "Offices and memberships"
    return "Statements"


_GROUP_ORDER = ("Date", "Count", "Part in events", "Allegations", "Offices and memberships",
                "Possible identity", "Statements")


def _group(claims: list[Claim]) -> list[tuple[str, list[Claim]]]:
    groups: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        c.dates.sort(key=lambda d: ("date", "began", "ended").index(d[0]))
        groups[c.group].append(c)

    def order(name: str) -> tuple[int, str]:
        return next((i for i, g in enumerate(_GROUP_ORDER) if name.startswith(g)), 99), name

    def claim_key(c: Claim) -> tuple[Any, ...]:
        return (c.dates[0][1].earliest if c.dates else FAR,
                c.published.earliest if c.published else FAR, c.iri)

    return [(g, sorted(groups[g], key=claim_key)) for g in sorted(groups, key=order)]


def _type_nodes(nodes: list[Node]) -> list[Node]:
    """Types with capitalised labels, one per label, prov:Agent dropped beside a better one."""
    by_label: dict[str, Node] = {}
    for n in nodes:
        n.label = n.label[:1].upper() + n.label[1:]
        by_label.setdefault(n.label, n)
    if len(by_label) > 1:
        by_label.pop("Agent", None)
    return sorted(by_label.values(), key=lambda n: n.label)


def _best_name(names: list[tuple[str, str, str]]) -> str | None:
    for prop in LABEL_PROPERTIES:
        for lang in ("en", "", None):
            for text, lang_, p in names:
                if p == prop and (lang is None or lang_ == lang):
                    return text
    return None


def _dedupe_names(names: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One row per spelling, its languages joined ('en, fr'); 'name' or 'also known as'."""
    rows: dict[str, list[str]] = {}
    for text, lang, prop in names:
        kind = "also known as" if prop in (LABEL_PROPERTIES[3], LABEL_PROPERTIES[4]) else "name"
        if text not in rows:
            rows[text] = [lang, kind]
        elif lang and lang not in rows[text][0].split(", "):
            rows[text][0] = ", ".join(x for x in (rows[text][0], lang) if x)
        if kind == "name":
            rows[text][1] = "name"
    return [(text, lang, kind) for text, (lang, kind) in rows.items()]


_SLUG = re.compile(r"^[A-Za-z0-9._~%-]+(?:/[A-Za-z0-9._~%-]+)*$")


def valid_slug(slug: str) -> bool:
    """Whether a page path can name an entity IRI (keeps junk out of SPARQL terms)."""
    return bool(_SLUG.match(slug)) and ".." not in slug.split("/")
