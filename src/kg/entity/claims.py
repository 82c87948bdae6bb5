"""Claims about an entity, and claims it makes, built from their rows.

A claim card needs the claim's own triples, the count or dates it gives, its source and
publication date, its status, what it asserts, the evidence quoted for it and its lineage
(from the per-version lineage index, for all the page's claims at once). The rows come
from the claim index once it is built, else from queries for just the page's claims; both
are built into `Claim`s by the same code, so the page cannot tell which it got.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain
from typing import Any

import pyoxigraph as ox

from kg.dates import PreciseDate
from kg.datevalues import DATE_PROPERTIES, PUBLISHED, decode, decode_props
from kg.entity import queries
from kg.entity.claim_index import ClaimIndex
from kg.entity.model import Assertion, Claim, ClaimMade, Count, Quote, Ref, Value
from kg.entity.parallel import results, start_queries
from kg.entity.refs import ref
from kg.evidence import RFC7111, cell_ref
from kg.labels import labels as label_lookup
from kg.lineage import claim_lineages
from kg.namespaces import ID, KG, PREFIXES, local_name
from kg.store import Store

Term = ox.NamedNode | ox.Literal | ox.BlankNode
RDF_TYPE = PREFIXES["rdf"] + "type"
#: Claim classes from the most to the least specific: a claim is shown as the first it has.
CLAIM_CLASSES = (KG + "CountClaim", KG + "TimeClaim", KG + "IdentityClaim", KG + "Allegation",
                 KG + "AttributeClaim", KG + "Claim")
STATUS_BASE = ID + "concept/claim-status/"
_ATTRIBUTED, _SOURCE = PREFIXES["prov"] + "wasAttributedTo", PREFIXES["dcterms"] + "source"
_SCHEMA, _OA, _DCTERMS = PREFIXES["schema"], PREFIXES["oa"], PREFIXES["dcterms"]
#: What a table cell's selector holds besides its quote: its RFC 7111 fragment and label.
_RDF_VALUE, _LABEL = PREFIXES["rdf"] + "value", PREFIXES["rdfs"] + "label"
#: What a claim is about besides the entity: shown as the claim's other subjects.
_RELATED = (KG + "about", KG + "possiblySameAs")


def read_claims(store: Store, base: str, entity: str, claim_iris: list[str],
                index: ClaimIndex | None, lang: str = "en") -> list[Claim]:
    """These claims about `entity`, read from `index` when there is one, else by querying
    for just them (the queries side by side); what they name is labelled in `lang`."""
    if index is not None:
        rows = index.rows(claim_iris)
    else:
        rows = results(start_queries(store, queries.claim_rows(queries.claims_of(claim_iris))))
    sizes = _sizes(rows)
    small = [c for c in claim_iris if 0 < sizes.get(c, 0) <= queries.MAX_ASSERTED]
    asserted: dict[str, list[Any]] = {}
    if small:
        asserted = (index.asserted(small) if index is not None
                    else results(start_queries(store, queries.asserted(small))))
    lineages = claim_lineages(store, claim_iris)
    labels = label_lookup(store, chain(_named(rows, asserted),
                                       (i for found in lineages.values() for i in found.named())),
                          lang)
    claims = build_claims(entity, claim_iris, rows, asserted, labels, PUBLISHED.get(store), base)
    for claim in claims:
        claim.lineage = lineages[claim.iri]
        claim.lineage_refs = {i: ref(i, labels, base) for i in claim.lineage.iris()}
    return claims


def build_claims(entity: str, claim_iris: list[str], rows: dict[str, list[Any]],
                 asserted: dict[str, list[Any]], labels: dict[str, str],
                 published: dict[str, PreciseDate], base: str) -> list[Claim]:
    """The claims, in `claim_iris` order, from the rows of `queries.claim_rows` and
    `queries.asserted`, with `labels` for every IRI `_named` picks from those rows."""
    props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for r in rows["props"]:
        props[r["c"].value][r["p"].value].append(r["o"])
    sizes = _sizes(rows)
    graphs = {r["c"].value: r["g"].value for r in rows["graphs"]}
    counts, dates = _values(rows["values"], asserted.get("dates", []), labels)
    assertions = _assertions(asserted, labels, base)
    quotes = _quotes(rows["selectors"], rows["cited"])
    attr_dates = {r["c"].value: decode(r) for r in rows["attr_dates"]}
    claims = []
    for c in claim_iris:
        claim = _claim(c, props[c], labels, published, base)
        claim.count = counts.get(c)
        claim.dates = sorted(dates[c], key=lambda d: _DATE_ORDER.index(d[0]))
        claim.asserted_total = sizes.get(c, 0)
        claim.assertions = assertions[c]
        claim.related = _related(entity, props[c], assertions[c], labels, base)
        claim.quotes = quotes[c]
        claim.graph = graphs.get(c)
        claim.attribute = _attribute(props[c], attr_dates.get(c), labels, base)
        if c in attr_dates and not claim.dates:  # shown, sorted and worded as a date
            claim.dates = [("date", attr_dates[c])]
        claims.append(claim)
    return claims


def read_claims_made(store: Store, base: str, e: ox.NamedNode, lang: str = "en"
                     ) -> tuple[list[ClaimMade], int]:
    """Claims the entity is the claimant of (the first MAX_CLAIMS), and how many there are;
    their publications labelled in `lang`."""
    total = int(next(iter(store.query(queries.claims_made_total(e))))["n"].value)
    if not total:
        return [], 0
    rows = list(store.query(queries.claims_made(e)))
    labels = label_lookup(store, (r["p"].value for r in rows), lang)
    made = [ClaimMade(ref(r["c"].value, {}, base), queries.value(r, "s") or "",
                      ref(r["p"].value, labels, base)) for r in rows]
    return made, total


_DATE_ORDER = tuple(DATE_PROPERTIES.values())


def _sizes(rows: dict[str, list[Any]]) -> dict[str, int]:
    """How many participations or memberships each claim asserts."""
    return {r["c"].value: int(r["n"].value) for r in rows["sizes"]}


def _named(rows: dict[str, list[Any]], asserted: dict[str, list[Any]]) -> Iterable[str]:
    """Every IRI the claims show by its label."""
    for r in rows["props"]:
        p, o = r["p"].value, r["o"]
        if isinstance(o, ox.NamedNode):
            if p in (_ATTRIBUTED, _SOURCE, KG + "value", *_RELATED):
                yield o.value
            elif p == KG + "claimStatus":
                yield STATUS_BASE + local_name(o.value)
    for r in rows["values"]:
        if r["q"].value == KG + "countKind":
            yield r["y"].value
    for r in asserted.get("parts", []) + asserted.get("members", []):
        yield from (r[k].value for k in ("who", "what", "role", "how") if r[k] is not None)


def _claim(iri: str, props: dict[str, list[Term]], labels: dict[str, str],
           published: dict[str, PreciseDate], base: str) -> Claim:
    """A claim from its own triples: its kind, statement, status, claimant and source."""
    types = {t.value for t in props[RDF_TYPE]}
    statements = sorted((o for o in props[KG + "statement"] if isinstance(o, ox.Literal)),
                        key=lambda lit: (lit.language not in ("en", None, ""),))
    status = _first_iri(props[KG + "claimStatus"])
    key = local_name(status) if status else None
    because = props[KG + "supersededBecause"]
    claimant = _first_iri(props[_ATTRIBUTED])
    publication = _first_iri(props[_SOURCE])
    return Claim(
        iri=iri, kind=next((k for k in CLAIM_CLASSES if k in types), KG + "Claim"),
        statement=statements[0].value if statements else None,
        status=labels.get(STATUS_BASE + key, key) if key else None, status_key=key,
        superseded_because=because[0].value if because else None,
        claimant=ref(claimant, labels, base) if claimant else None,
        publication=ref(publication, labels, base) if publication else None,
        published=published.get(publication) if publication else None)


def _values(rows: list[Any], asserted_dates: list[Any], labels: dict[str, str]
            ) -> tuple[dict[str, Count], dict[str, list[tuple[str, PreciseDate]]]]:
    """Counts and dates the claims hold (rows of one two-hop query), and the dates inside
    what small claims assert."""
    nodes: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    alternatives: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        nodes[(r["c"].value, r["p"].value, str(r["x"]))][r["q"].value] = r["y"].value
        if r["q"].value == KG + "alternativeValue":
            alternatives[r["c"].value].append(r["y"].value)
    counts: dict[str, Count] = {}
    dates: dict[str, list[tuple[str, PreciseDate]]] = defaultdict(list)
    for (c, p, _), props in nodes.items():
        if p == KG + "count":
            kind = props.get(KG + "countKind")
            counts[c] = Count(props.get(_SCHEMA + "value"), props.get(_SCHEMA + "minValue"),
                              props.get(_SCHEMA + "maxValue"), props.get(_SCHEMA + "unitText"),
                              (labels.get(kind) or local_name(kind)) if kind else None,
                              tuple(sorted(alternatives[c], key=_number)))
        elif KG + "dateValue" in props:
            _add(dates[c], (DATE_PROPERTIES[p], decode_props(props)))
    for r in asserted_dates:  # not for lists of hundreds of victims: those are not read
        _add(dates[r["c"].value], (DATE_PROPERTIES[r["p"].value], decode(r)))
    return counts, dates


def _number(text: str) -> tuple[float, str]:
    try:
        return float(text), text
    except ValueError:
        return float("inf"), text


def _assertions(asserted: dict[str, list[Any]], labels: dict[str, str], base: str
                ) -> dict[str, list[Assertion]]:
    """The participations and memberships each small claim asserts."""
    found: dict[str, list[Assertion]] = defaultdict(list)
    for key, kind in (("parts", "participation"), ("members", "membership")):
        for r in asserted.get(key, []):
            role, how = queries.value(r, "role"), queries.value(r, "how")
            _add(found[r["c"].value], Assertion(
                kind, ref(r["who"].value, labels, base), ref(r["what"].value, labels, base),
                labels.get(role, "") if role else None, labels.get(how, "") if how else None))
    return found


def _attribute(props: dict[str, list[Term]], date: PreciseDate | None,
               labels: dict[str, str], base: str) -> tuple[str, Value] | None:
    """An attribute claim's property and value: a date, a node (an organisation, a place,
    a concept) or a literal."""
    prop, values = _first_iri(props[KG + "property"]), props[KG + "value"]
    if prop is None or not values:
        return None
    term = values[0]
    if date is not None:
        return prop, Value(date=date)
    if isinstance(term, ox.NamedNode):
        return prop, Value(node=ref(term.value, labels, base))
    if isinstance(term, ox.Literal):
        return prop, Value(text=term.value, lang=term.language or None,
                           datatype=term.datatype.value if not term.language else None)
    return None


def _related(entity: str, props: dict[str, list[Term]], assertions: list[Assertion],
             labels: dict[str, str], base: str) -> list[Ref]:
    """The claim's other subjects with pages, unless an assertion already shows them."""
    shown = {a.counterpart(entity).iri for a in assertions}
    related: list[Ref] = []
    for o in props[KG + "about"] + props[KG + "possiblySameAs"]:
        if isinstance(o, ox.NamedNode) and o.value != entity and o.value not in shown:
            node = ref(o.value, labels, base)
            if node.page and node not in related:
                related.append(node)
    return related


def _quotes(selector_rows: list[Any], cited_rows: list[Any]) -> dict[str, list[Quote]]:
    """Each claim's evidence: its selectors (quote and position, one generic query joined
    here on the annotation target) and any cited wording, in the order of the text."""
    found: dict[tuple[str, str], Quote] = {}
    selectors: dict[tuple[str, str], dict[str, Term]] = defaultdict(dict)
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
        conforms = props.get(_DCTERMS + "conformsTo")
        if conforms is not None and conforms.value == RFC7111 and _RDF_VALUE in props:
            label = props.get(_LABEL)
            quote.cell = cell_ref(props[_RDF_VALUE].value, label.value if label else None,
                                  quote.exact)
    found = {k: q for k, q in found.items() if q.exact or q.cell}
    for r in cited_rows:
        cited = r["cited"]
        found[(r["c"].value, str(r["ann"]))] = Quote(
            cited=cited.value, locator=queries.value(r, "loc"),
            lang=cited.language if isinstance(cited, ox.Literal) else None)
    by_claim: dict[str, list[Quote]] = defaultdict(list)
    for (c, _), quote in found.items():
        _add(by_claim[c], quote)
    for quotes in by_claim.values():
        quotes.sort(key=lambda q: (q.start is None, q.start or 0))
    return by_claim


def _add(items: list[Any], item: Any) -> None:
    """Append `item` unless an equal one is there (rows repeat what OPTIONALs multiply)."""
    if item not in items:
        items.append(item)


def _first_iri(terms: list[Term]) -> str | None:
    iris = sorted(t.value for t in terms if isinstance(t, ox.NamedNode))
    return iris[0] if iris else None
