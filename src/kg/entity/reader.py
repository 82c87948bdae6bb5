"""`read_entity`: everything one entity's page shows, gathered from the store.

Stateless functions: each step takes what it needs and returns what it found, so a step can
be read (and tested) alone. The page's independent queries start together on the pool
(`kg.entity.parallel`); the steps that need their rows wait for them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from kg.dates import PreciseDate
from kg.datevalues import decode
from kg.entity import queries
from kg.entity.claim_index import current_index
from kg.entity.claims import RDF_TYPE, read_claims, read_claims_made
from kg.entity.events import dated_events, event_rows
from kg.entity.model import Entity, Incoming, Name, Ref, Value
from kg.entity.parallel import start, start_queries
from kg.entity.refs import ref, structural
from kg.labels import Label, primary
from kg.labels import labels as label_lookup
from kg.linked_data import page_of
from kg.names import LABEL_PROPERTIES
from kg.namespaces import BASE, KG, local_name
from kg.store import Store

Term = ox.NamedNode | ox.Literal | ox.BlankNode
#: Properties shown as the entity's names or descriptions rather than as facts.
NAME_PROPERTIES = set(LABEL_PROPERTIES)
DESCRIPTION_PROPERTIES = (
    "https://schema.org/description", "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description",
)
#: Properties naming the entity only as an alternative (shown as aliases).
ALIAS_PROPERTIES = (LABEL_PROPERTIES[3], LABEL_PROPERTIES[4])
#: A blank node's property values: IRIs as they are, literals marked by a leading '"'.
Nested = dict[tuple[str, str], list[tuple[str, str]]]


def read_entity(store: Store, iri: str, *, base: str = BASE,
                claims_offset: int = 0, lang: str = "en") -> Entity | None:
    """The entity's description, or None when the graph says nothing about it. Claims
    about it come MAX_CLAIMS at a time from `claims_offset` (a hub event has thousands).
    It and what it links to are named in `lang` where the graph has such names (else in
    English, else in any language)."""
    e = ox.NamedNode(iri)
    own = start_queries(store, queries.own_triples(e))
    page = start_queries(store, queries.claim_page(e, claims_offset))
    made = start(read_claims_made, store, base, e, lang)
    event_list = start(event_rows, store, e)
    date_nodes = start(_date_values, store, e)
    nested = start(_blank_objects, store, e)
    outgoing, incoming = own["out"].result(), own["in"].result()
    if not outgoing and not incoming:
        for future in (*page.values(), made, event_list, date_nodes, nested):
            future.cancel()
        return None
    names: list[tuple[str, str, str]] = []  # (text, language, property)
    descriptions: list[tuple[str, str]] = []
    types: list[str] = []
    fact_rows: list[tuple[str, Term]] = []
    for row in outgoing:
        p, o = row["p"].value, row["o"]
        if p in NAME_PROPERTIES and isinstance(o, ox.Literal):
            names.append((o.value, o.language or "", p))
        elif p in DESCRIPTION_PROPERTIES and isinstance(o, ox.Literal):
            descriptions.append((o.value, o.language or ""))
        elif p == RDF_TYPE and isinstance(o, ox.NamedNode):
            types.append(o.value)
        else:
            fact_rows.append((p, o))
    links = _incoming(store, base, e, incoming)
    total = int(page["total"].result()[0]["n"].value)
    claim_iris = [r["c"].value for r in page["page"].result()] if total else []
    claims = (read_claims(store, base, iri, claim_iris, current_index(store), lang)
              if claim_iris else [])
    made_list, made_total = made.result()
    events = dated_events(store, base, iri, types, event_list.result(), lang)
    objects = nested.result()
    labels = label_lookup(store, {p for p, _ in fact_rows} | set(types)
                          | {o.value for _, o in fact_rows if isinstance(o, ox.NamedNode)}
                          | {p for p, _, _ in links} | {s for _, _, ss in links for s in ss}
                          | {x for pairs in objects.values() for pair in pairs for x in pair
                             if not x.startswith('"')}, lang)
    names.sort(key=lambda n: (n[2] != LABEL_PROPERTIES[1] and n[2] != LABEL_PROPERTIES[0],
                              {"en": 0, "fa": 2}.get(n[1], 1), n[1], n[0]))
    return Entity(
        iri=iri, label=_best_name(names, lang) or Label(local_name(iri), None),
        names=_distinct(names),
        types=[ref(t, labels, base) for t in types], descriptions=descriptions,
        facts=_facts(fact_rows, date_nodes.result(), objects, labels, base),
        incoming=[Incoming(ref(p, labels, base), n, [ref(s, labels, base) for s in subjects])
                  for p, n, subjects in links],
        incoming_capped=sum(int(r["n"].value) for r in incoming) >= queries.MAX_INCOMING_SCAN,
        claims=claims, claims_total=total, claims_offset=claims_offset,
        claims_made=made_list, claims_made_total=made_total, events=events)


def _incoming(store: Store, base: str, e: ox.NamedNode, rows: list[Any]
              ) -> list[tuple[str, int, list[str]]]:
    """Per property pointing here: how many subjects, and the first few (entities only)."""
    wanted = [row for row in sorted(rows, key=lambda r: r["p"].value)
              if row["p"].value != KG + "about"]  # those are shown as claims
    found = start_queries(store, {row["p"].value: queries.incoming_subjects(e, row["p"])
                                  for row in wanted})
    out: list[tuple[str, int, list[str]]] = []
    for row in wanted:
        p = row["p"].value
        subjects = [r["s"].value for r in found[p].result()]
        subjects = [s for s in subjects if page_of(s, base) and not structural(s, base)]
        if subjects:
            out.append((p, int(row["n"].value), subjects))
    return out


def _date_values(store: Store, e: ox.NamedNode) -> dict[tuple[str, str], PreciseDate]:
    """The entity's kg:DateValue objects (named or blank), keyed by (property, node)."""
    return {(r["p"].value, str(r["d"])): decode(r) for r in store.query(queries.date_values(e))}


def _blank_objects(store: Store, e: ox.NamedNode) -> Nested:
    """Properties of the entity's blank-node objects, keyed by (property, node)."""
    out: Nested = defaultdict(list)
    for r in store.query(queries.blank_objects(e)):
        bo = r["bo"]
        value = '"' + bo.value if isinstance(bo, ox.Literal) else bo.value
        if not isinstance(bo, ox.BlankNode):
            out[(r["p"].value, str(r["b"]))].append((r["bp"].value, value))
    return out


def _facts(rows: list[tuple[str, Term]], date_nodes: dict[tuple[str, str], PreciseDate],
           nested: Nested, labels: dict[str, str], base: str) -> list[tuple[Ref, list[Value]]]:
    """The entity's other outgoing triples, by property (sorted by label): literals, dates,
    linked nodes, and blank nodes one level deep."""
    facts: dict[str, list[Value]] = defaultdict(list)
    for p, o in rows:
        if isinstance(o, ox.Literal):
            facts[p].append(Value(text=o.value, lang=o.language,
                                  datatype=o.datatype.value if o.datatype else None))
        elif (p, str(o)) in date_nodes:
            facts[p].append(Value(date=date_nodes[(p, str(o))]))
        elif isinstance(o, ox.NamedNode):
            facts[p].append(Value(node=ref(o.value, labels, base)))
        elif (p, str(o)) in nested:
            facts[p].append(Value(nested=[
                (ref(bp, labels, base), Value(text=bo[1:]) if bo.startswith('"')
                 else Value(node=ref(bo, labels, base)))
                for bp, bo in nested[(p, str(o))] if bp != RDF_TYPE]))
    return sorted(((ref(p, labels, base), vs) for p, vs in facts.items()),
                  key=lambda f: f[0].label.casefold())


def _best_name(names: list[tuple[str, str, str]], lang: str = "en") -> Label | None:
    """The entity's label: in `lang` by any naming property but the alternative ones, else
    by the preferred naming property, English or untagged first."""
    if lang != "en":
        for prop in LABEL_PROPERTIES:
            for text, tag, p in names:
                if p == prop and p not in ALIAS_PROPERTIES and primary(tag) == lang:
                    return Label(text, tag)
    for prop in LABEL_PROPERTIES:
        for wanted in ("en", "", None):
            for text, tag, p in names:
                if p == prop and (wanted is None or tag == wanted):
                    return Label(text, tag)
    return None


def _distinct(names: list[tuple[str, str, str]]) -> list[Name]:
    """One Name per spelling, with all its languages; an alias only if no property gives it
    as a name."""
    found: dict[str, Name] = {}
    for text, lang, prop in names:
        alias = prop in ALIAS_PROPERTIES
        name = found.setdefault(text, Name(text, (lang,) if lang else (), alias))
        if lang and lang not in name.languages:
            name.languages += (lang,)
        name.alias = name.alias and alias
    return list(found.values())
