"""Disputed quantities: every figure the sources give for one count about one event (the death
toll of the 1988 executions first), each with its claimant, status, grading and lineage.

A quantity is a counted item (`kg:countedItem`, e.g. people killed) of an event that two or
more count claims give. Its figures are never merged: each keeps its own shape (a number, a
range, a lower or upper bound, alternatives such as '2,800 or 3,800'), its publication date
and the independent origin it rests on. Origins are grouped across all the figures by shared
claimants (`kg.lineage.group_origins`), so figures repeating one witness share one origin
however many sources carry them; a figure that combines several origins names them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.cache import Cached
from kg.dates import PreciseDate
from kg.datevalues import FAR, PUBLISHED
from kg.labels import labels as label_lookup
from kg.lineage import ChainClaim, Lineage, claim_lineages, group_origins
from kg.namespaces import ID, local_name, sparql_prefixes
from kg.store import Store

COUNT_KIND = ID + "concept/count-kind/"
#: Kinds of count that are floors: a tally of named victims is open above, like a lower bound.
OPEN_ABOVE = ("lower-bound", "named-victim-tally")

_QUANTITIES = sparql_prefixes() + """
SELECT ?e ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c kg:about ?e ; kg:count ?k . ?k kg:countedItem ?item . ?e a kg:Event .
} GROUP BY ?e ?item HAVING (COUNT(DISTINCT ?c) > 1) ORDER BY DESC(?n) ?e ?item"""

_FIGURES = sparql_prefixes() + """
SELECT ?c ?k ?kind ?v ?min ?max ?alt ?inferred ?note ?unit ?status ?who ?src ?statement WHERE {
  ?c kg:about %s ; kg:count ?k . ?k kg:countedItem %s .
  OPTIONAL { ?k kg:countKind ?kind }
  OPTIONAL { ?k schema:value ?v }
  OPTIONAL { ?k schema:minValue ?min }
  OPTIONAL { ?k schema:maxValue ?max }
  OPTIONAL { ?k kg:alternativeValue ?alt }
  OPTIONAL { ?k kg:inferred ?inferred }
  OPTIONAL { ?k kg:inferenceNote ?note FILTER(LANGMATCHES(LANG(?note), "en")) }
  OPTIONAL { ?k schema:unitText ?unit FILTER(LANG(?unit) = "" || LANGMATCHES(LANG(?unit), "en")) }
  OPTIONAL { ?c kg:claimStatus ?status }
  OPTIONAL { ?c prov:wasAttributedTo ?who }
  OPTIONAL { ?c dcterms:source ?src }
  OPTIONAL { ?c kg:statement ?statement
             FILTER(LANG(?statement) = "" || LANGMATCHES(LANG(?statement), "en")) }
}"""

_GRADINGS = sparql_prefixes() + """
SELECT ?src ?rel ?cred ?date WHERE {
  VALUES ?src { %s }
  ?src kg:grading ?g .
  OPTIONAL { ?g kg:sourceReliability ?rel }
  OPTIONAL { ?g kg:informationCredibility ?cred }
  OPTIONAL { ?g kg:date/kg:dateValue ?date }
}"""


@dataclass(frozen=True)
class Quantity:
    """A count of one item about one event that two or more claims give."""

    event: str
    counted: str
    claims: int

    @property
    def key(self) -> tuple[str, str]:
        return self.event, self.counted


@dataclass(frozen=True)
class Grading:
    """A source's latest Admiralty grading: reliability A-F and credibility 1-6 (IRIs)."""

    reliability: str | None
    credibility: str | None

    @property
    def code(self) -> str:
        """'B2'; '?' for a half that is missing."""
        rel = local_name(self.reliability).upper() if self.reliability else "?"
        return rel + (local_name(self.credibility) if self.credibility else "?")


@dataclass
class Figure:
    """One claim's figure for the quantity, as the source gives it."""

    claim: str
    #: How it is drawn: "point", "range", "lower" (open above), "upper" (open below) or
    #: "alternatives" (two or more numbers, nothing in between claimed).
    shape: str
    value: float | None
    low: float | None
    high: float | None
    alternatives: tuple[float, ...]
    kind: str | None  # the count kind's IRI
    inferred: bool
    inference_note: str | None
    unit: str | None
    statement: str | None
    claimants: tuple[str, ...]
    publication: str | None
    published: PreciseDate | None
    status: str | None  # the status's IRI
    grading: Grading | None
    lineage: Lineage
    #: Indexes into `Dispute.witnesses`: the independent origins the figure rests on.
    witnesses: tuple[int, ...] = ()


@dataclass
class Witness:
    """An independent origin of figures: origin claims linked by shared claimants."""

    claimants: tuple[str, ...]
    origins: tuple[str, ...]  # the origin claims
    figures: list[str] = field(default_factory=list)  # claims resting on it (alone or not)


@dataclass
class Dispute:
    """A quantity with all its figures (by publication date) and their independent origins
    (in the order their first figure was published), with labels for every IRI shown."""

    quantity: Quantity
    figures: list[Figure]
    witnesses: list[Witness]
    labels: dict[str, str]


def _quantities(store: Store) -> list[Quantity]:
    return [Quantity(r["e"].value, r["item"].value, int(r["n"].value))
            for r in store.query(_QUANTITIES)]


#: Disputed quantities per store version (the home page and event pages link to them).
QUANTITIES = Cached[list[Quantity]]("disputed-quantities", _quantities)


def quantities(store: Store, event: str | None = None) -> list[Quantity]:
    """The disputed quantities, most figures first; only those about `event` if given."""
    return [q for q in QUANTITIES.get(store) if event is None or q.event == event]


def dispute(store: Store, quantity: Quantity) -> Dispute:
    """Every figure of `quantity`, with its lineage, grading and independent origins."""
    rows = list(store.query(_FIGURES % (ox.NamedNode(quantity.event),
                                        ox.NamedNode(quantity.counted))))
    by_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        by_key[(r["c"].value, str(r["k"]))].append(r)
    claims = sorted({c for c, _ in by_key})
    lineages = claim_lineages(store, claims)
    published = PUBLISHED.get(store)
    sources = sorted({r["src"].value for r in rows if isinstance(r["src"], ox.NamedNode)})
    gradings = _gradings(store, sources)
    figures = [_figure(claim, rs, lineages[claim], published, gradings)
               for (claim, _), rs in by_key.items()]
    figures.sort(key=lambda f: (f.published.earliest if f.published else FAR,
                                f.published.latest if f.published else FAR, f.claim))
    witnesses = _witnesses(figures)
    iris = {quantity.event, quantity.counted}
    for f in figures:
        iris.update(f.claimants, f.lineage.named())
        grading = (f.grading.reliability, f.grading.credibility) if f.grading else ()
        iris.update(i for i in (f.publication, f.kind, f.status, *grading) if i)
    return Dispute(quantity, figures, witnesses, label_lookup(store, iris))


def _number(term: Any) -> float | None:
    if term is None:
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def _figure(claim: str, rows: list[Any], lineage: Lineage,
            published: dict[str, PreciseDate], gradings: dict[str, Grading]) -> Figure:
    """A figure from the rows of one (claim, count node): OPTIONALs multiply them."""
    first = rows[0]

    def iri(name: str) -> str | None:
        found = sorted(r[name].value for r in rows if isinstance(r[name], ox.NamedNode))
        return found[0] if found else None

    def text(name: str) -> str | None:
        found = sorted((r[name] for r in rows if r[name] is not None),
                       key=lambda lit: (lit.language != "en", lit.value))
        return found[0].value if found else None

    value, low, high = _number(first["v"]), _number(first["min"]), _number(first["max"])
    alternatives = tuple(sorted({n for r in rows if (n := _number(r["alt"])) is not None}))
    kind = iri("kind")
    kind_key = kind[len(COUNT_KIND):] if kind and kind.startswith(COUNT_KIND) else None
    if alternatives:
        shape = "alternatives"
    elif kind_key in OPEN_ABOVE and (low is not None or value is not None):
        shape, low = "lower", low if low is not None else value
    elif low is not None and high is not None:
        shape = "range"
    elif value is not None:
        shape = "point"
    elif low is not None:
        shape = "lower"
    else:
        shape = "upper"
    publication = iri("src")
    return Figure(
        claim=claim, shape=shape, value=value, low=low, high=high, alternatives=alternatives,
        kind=kind, inferred=any(r["inferred"] is not None and r["inferred"].value in
                                ("true", "1") for r in rows),
        inference_note=text("note"), unit=text("unit"), statement=text("statement"),
        claimants=tuple(sorted({r["who"].value for r in rows
                                if isinstance(r["who"], ox.NamedNode)})),
        publication=publication,
        published=published.get(publication) if publication else None,
        status=iri("status"), grading=gradings.get(publication) if publication else None,
        lineage=lineage)


def _gradings(store: Store, sources: list[str]) -> dict[str, Grading]:
    """Each source's latest grading (by its date; an undated one counts as the oldest)."""
    if not sources:
        return {}
    found: dict[str, tuple[str, Grading]] = {}
    values = " ".join(str(ox.NamedNode(s)) for s in sources)
    for r in store.query(_GRADINGS % values):
        grading = Grading(r["rel"].value if r["rel"] is not None else None,
                          r["cred"].value if r["cred"] is not None else None)
        date = r["date"].value if r["date"] is not None else ""
        src = r["src"].value
        if src not in found or (date, grading.code) > (found[src][0], found[src][1].code):
            found[src] = (date, grading)
    return {src: g for src, (_, g) in found.items()}


def _witnesses(figures: list[Figure]) -> list[Witness]:
    """The independent origins of all the figures, in the order of the first figure resting
    on each; sets each figure's `witnesses`."""
    origins: dict[str, ChainClaim] = {}
    for f in figures:
        for o in f.lineage.origins:
            origins.setdefault(o.claim, o)
    groups = group_origins(list(origins.values()))
    group_of = {claim: i for i, group in enumerate(groups) for claim in group}
    order: list[int] = []
    for f in figures:  # figures are in publication order
        for i in sorted({group_of[o.claim] for o in f.lineage.origins}):
            if i not in order:
                order.append(i)
    index = {g: n for n, g in enumerate(order)}
    witnesses = [Witness(tuple(sorted({w for c in groups[g] for w in origins[c].claimants})),
                         groups[g]) for g in order]
    for f in figures:
        f.witnesses = tuple(sorted({index[group_of[o.claim]] for o in f.lineage.origins}))
        for i in f.witnesses:
            witnesses[i].figures.append(f.claim)
    return witnesses


def _read(store: Store, event: str, counted: str) -> Dispute | None:
    found = next((q for q in quantities(store, event) if q.counted == counted), None)
    return dispute(store, found) if found else None


#: A figure page's data, per store version (a page reads a handful of claims; kept because
#: the page and its JSON twin are asked for together).
DISPUTES = Cached[Dispute | None]("disputes", _read, warm=False, max_entries=64)


def read_dispute(store: Store, event: str, counted: str) -> Dispute | None:
    """The dispute over `counted` about `event`, or None when it is not a disputed quantity."""
    return DISPUTES.get(store, event, counted)

