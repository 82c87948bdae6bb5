"""The data an entity page is made of, as plain dataclasses that say what the graph holds.

No wording here (group names, count text, "also known as"): the web layer words it, so
`as_json` gives the data each part carries and `kg.web.entity_view` adds the wording to
make the page's JSON twin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.dates import PreciseDate
from kg.evidence import CellRef
from kg.lineage import Lineage


@dataclass
class Ref:
    """An IRI with its readable label and, for entities minted here, its page path."""

    iri: str
    label: str
    page: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "page": self.page}


@dataclass
class Value:
    """The object of a fact: a node, a literal (text with language/datatype), or a date."""

    node: Ref | None = None
    text: str | None = None
    lang: str | None = None
    datatype: str | None = None
    date: PreciseDate | None = None
    #: A blank node's own properties (a grading, a quantity), one level deep.
    nested: list[tuple[Ref, Value]] | None = None

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
class Name:
    """One spelling of the entity's name, in every language it is tagged with."""

    text: str
    languages: tuple[str, ...]
    #: Only given as an alternative name (skos:altLabel, schema:alternateName).
    alias: bool


@dataclass
class Quote:
    """The evidence passage: `exact` to be highlighted between its prefix and suffix; or
    the cell of an imported table that holds it (`cell`, its text as `exact`)."""

    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    cited: str | None = None
    locator: str | None = None
    lang: str | None = None
    cell: CellRef | None = None

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "cell": self.cell.as_json() if self.cell else None}


@dataclass
class Count:
    """A count claim's figure as the source gives it: exact, or bounds (lexical forms)."""

    exact: str | None
    low: str | None
    high: str | None
    unit: str | None = None
    #: Label of its kg:countKind (an estimate, a lower bound...).
    kind: str | None = None
    #: Figures the source gives as alternatives ("2,800 or 3,800"), never a range.
    alternatives: tuple[str, ...] = ()


@dataclass
class Assertion:
    """A participation or membership a claim asserts: who, in or of what, in which role."""

    kind: str  # "participation" or "membership"
    who: Ref
    what: Ref
    role: str | None  # the role's label; None when the source names no role
    involvement: str | None = None  # label of kg:involvement (participations)

    def counterpart(self, entity: str) -> Ref:
        """The side that is not `entity` (what it is part of, unless it is that)."""
        return self.who if self.what.iri == entity and self.who.iri != entity else self.what


@dataclass
class Claim:
    """One sourced statement about the entity, with everything needed to weigh it."""

    iri: str
    kind: str  # its most specific claim class (an IRI)
    statement: str | None = None
    count: Count | None = None
    status: str | None = None  # the status's label
    status_key: str | None = None  # the status's local name (asserted, disputed...)
    superseded_because: str | None = None
    claimant: Ref | None = None
    publication: Ref | None = None
    published: PreciseDate | None = None
    #: Dates it gives, by short property name ("date", "began", "ended"), in that order.
    dates: list[tuple[str, PreciseDate]] = field(default_factory=list)
    related: list[Ref] = field(default_factory=list)
    #: How many participations or memberships it asserts; only a few are read one by one.
    asserted_total: int = 0
    assertions: list[Assertion] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    graph: str | None = None
    #: Where it comes from: its chain back to its origins, and who repeats them.
    lineage: Lineage | None = None
    #: Every IRI the lineage names, as the page shows it.
    lineage_refs: dict[str, Ref] = field(default_factory=dict)
    #: For an attribute claim (a cell of an imported list): the property it gives a value
    #: of (its IRI) and that value.
    attribute: tuple[str, Value] | None = None

    def as_json(self) -> dict[str, Any]:
        """Its data in the JSON twin's keys (the page adds group, value text and asserts)."""
        return {
            "iri": self.iri, "kind": self.kind, "statement": self.statement,
            "countKind": self.count.kind if self.count else None,
            "unit": self.count.unit if self.count else None,
            "status": self.status, "supersededBecause": self.superseded_because,
            "claimant": self.claimant.as_json() if self.claimant else None,
            "publication": self.publication.as_json() if self.publication else None,
            "published": self.published.as_json() if self.published else None,
            "dates": [{"property": p, **d.as_json()} for p, d in self.dates],
            "related": [n.as_json() for n in self.related],
            "evidence": [q.as_json() for q in self.quotes], "graph": self.graph,
            "attribute": ({"property": self.attribute[0], "value": self.attribute[1].as_json()}
                          if self.attribute else None),
            "lineage": (self.lineage.to_json(lambda iri: self.lineage_refs[iri].as_json())
                        if self.lineage else None),
        }


@dataclass
class ClaimMade:
    """A claim the entity is the claimant of: what it says, and where."""

    claim: Ref
    statement: str  # "" when it has none
    publication: Ref

    def as_json(self) -> dict[str, Any]:
        return {"claim": self.claim.as_json(), "statement": self.statement,
                "publication": self.publication.as_json()}


@dataclass
class EventEntry:
    """An event the entity is part of (or the entity itself), with its role and date."""

    event: Ref
    role: str | None  # the role's label, when the graph gives one
    date: PreciseDate | None
    #: The entity is this event.
    itself: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"event": self.event.as_json(), "role": self.role,
                "date": self.date.as_json() if self.date else None}


@dataclass
class Incoming:
    """A property pointing at the entity: how many subjects use it, and the first few."""

    property: Ref
    count: int
    subjects: list[Ref]

    def as_json(self) -> dict[str, Any]:
        return {"property": self.property.as_json(), "count": self.count,
                "subjects": [s.as_json() for s in self.subjects]}


@dataclass
class Entity:
    """The gathered description of one entity."""

    iri: str
    label: str
    names: list[Name]
    types: list[Ref]
    descriptions: list[tuple[str, str]]  # (text, language)
    facts: list[tuple[Ref, list[Value]]]  # (property, values), by property label
    incoming: list[Incoming]
    #: Counts stopped at MAX_INCOMING_SCAN links: they are lower bounds.
    incoming_capped: bool
    claims: list[Claim]  # this page of the claims about it, in the store's order
    claims_total: int
    claims_offset: int
    claims_made: list[ClaimMade]
    claims_made_total: int
    events: list[EventEntry]

    def as_json(self) -> dict[str, Any]:
        """Its data in the JSON twin's keys; the page adds the worded parts (names, types,
        claims in groups, event roles, neighbours)."""
        return {
            "iri": self.iri, "label": self.label,
            "descriptions": [{"text": t, "lang": lang} for t, lang in self.descriptions],
            "facts": [{"property": p.as_json(), "values": [v.as_json() for v in vs]}
                      for p, vs in self.facts],
            "incoming": [i.as_json() for i in self.incoming],
            "incomingCapped": self.incoming_capped,
            "claimsTotal": self.claims_total,
            "claimsMade": [m.as_json() for m in self.claims_made],
            "claimsMadeTotal": self.claims_made_total,
        }
