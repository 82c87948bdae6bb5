"""What the graph says about each person, body, place and event, read for matching.

One pass of SPARQL over a view (public unless the caller is entitled to the full one):
names in every language; attribute claims and plain statements (father's name, birth date,
age at death, prison, place and date of death, affiliation); and what curated data implies
(a participation as victim dates a death and places it at the event's place; a membership
is an affiliation). RECORDS.md describes the model. Restricted data is read only when the
full view is asked for, and never cached on disk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.datevalues import EVENT_DATES, date_pattern, decode
from kg.matching.records import Span
from kg.names import LABEL_PROPERTIES
from kg.namespaces import ID, KG, PREFIXES, sparql_prefixes
from kg.store import Store, View

SCHEMA, ORG, SEM = PREFIXES["schema"], PREFIXES["org"], PREFIXES["sem"]
DCTERMS = PREFIXES["dcterms"]
_P = sparql_prefixes()

#: Classes whose instances are candidates, by kind (subclasses count, via the ontology;
#: the common ones are named too, for stores loaded without it).
KIND_ROOTS = {
    "person": (SCHEMA + "Person",),
    "organisation": (ORG + "Organization", SCHEMA + "Organization", KG + "Court"),
    "place": (SCHEMA + "Place", KG + "Prison", KG + "MassGrave", SCHEMA + "City",
              SCHEMA + "Country", SCHEMA + "Cemetery"),
    "event": (KG + "Event", SEM + "Event"),
}
#: Never candidates: described, not named ("unnamed people stay unnamed").
UNNAMED = KG + "UnidentifiedAgent", KG + "UnidentifiedPerson", KG + "PersonGroup"
VICTIM_ROLE = ID + "concept/participation-role/victim"
SUPERSEDED = ID + "concept/claim-status/superseded"

#: Person attributes (RECORDS.md), by the short name features use.
ATTRIBUTES = {
    "father": KG + "fatherName", "birth": SCHEMA + "birthDate", "age": KG + "ageAtDeath",
    "affiliation": KG + "affiliation", "held": KG + "heldIn", "death_place": SCHEMA + "deathPlace",
    "death": SCHEMA + "deathDate", "burial": KG + "burialPlace", "gender": SCHEMA + "gender",
}


@dataclass(slots=True)
class Profile:
    """One candidate entity as the matcher sees it."""

    iri: str
    kind: str
    types: set[str] = field(default_factory=set)
    #: (text, language tag, label property rank: 0 preferred ... alternative names last)
    names: list[tuple[str, str, int]] = field(default_factory=list)
    fathers: list[str] = field(default_factory=list)
    births: list[tuple[int, int]] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    deaths: list[Span] = field(default_factory=list)
    places: set[str] = field(default_factory=set)
    affiliations: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)

    def packed(self) -> tuple:
        """The profile as plain values (dates as ordinals), for the match index's file:
        made again by `unpacked` in a few microseconds, where unpickling the dataclass
        itself runs its generated __setstate__ for every profile a query reads."""
        return (self.iri, self.kind, sorted(self.types), self.names, self.fathers,
                self.births, self.ages,
                [(d.earliest.toordinal(), d.latest.toordinal(), d.precision, d.inferred)
                 for d in self.deaths],  # tuples: keys of `unpacked`'s spans
                sorted(self.places), sorted(self.affiliations), sorted(self.sources),
                sorted(self.events))

    @classmethod
    def unpacked(cls, values: tuple, spans: dict[tuple, Span]) -> Profile:
        """`spans`: the dates made so far, by their packed values, to use again (a few
        hundred days and months date tens of thousands of deaths; a Span is immutable)."""
        (iri, kind, types, names, fathers, births, ages, deaths, places, affiliations,
         sources, events) = values
        made = []
        for packed in deaths:
            span = spans.get(packed)
            if span is None:
                lo, hi, precision, inferred = packed
                span = spans[packed] = Span(_day(lo), _day(hi), precision, inferred)
            made.append(span)
        return cls(iri, kind, set(types), names, fathers, births, ages, made,
                   set(places), set(affiliations), set(sources), set(events))

    @property
    def label(self) -> str:
        """The display name: preferred label, English first, then untagged, then any."""
        if not self.names:
            return self.iri.rsplit("/", 1)[-1]
        return min(self.names, key=lambda n: (n[2], n[1] != "en", n[1] != "", n[0]))[0]


_day = dt.date.fromordinal


def _rows(store: Store, view: View, query: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(_P + query, view=view)  # type: ignore[misc]


def _span(date: object) -> Span:
    return Span(date.earliest, date.latest, date.precision,  # type: ignore[attr-defined]
                date.inferred)  # type: ignore[attr-defined]


def read_profiles(store: Store, base: str = ID, view: View = "public") -> dict[str, Profile]:
    """Every named person, body, place and event minted under `base`, with what the view
    says about it."""
    profiles: dict[str, Profile] = {}
    for kind, roots in KIND_ROOTS.items():
        values = " ".join(f"<{r}>" for r in roots)
        for row in _rows(store, view, f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?root {{ {values} }}"
                                      " ?t rdfs:subClassOf* ?root . ?s a ?t }"):
            iri = row["s"].value
            if not isinstance(row["s"], ox.NamedNode) or not iri.startswith(base):
                continue
            found = profiles.get(iri)
            if found is None:
                found = profiles[iri] = Profile(iri, kind)
            found.types.add(row["t"].value)
    unnamed = " ".join(f"<{t}>" for t in UNNAMED)
    for row in _rows(store, view, f"SELECT ?s WHERE {{ VALUES ?t {{ {unnamed} }} ?s a ?t }}"):
        profiles.pop(row["s"].value, None)
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    for prop in LABEL_PROPERTIES:
        for row in _rows(store, view, f"SELECT ?s ?l WHERE {{ ?s <{prop}> ?l }}"):
            found = profiles.get(row["s"].value)
            label = row["l"]
            if found is not None and isinstance(label, ox.Literal):
                entry = (label.value, label.language or "", rank[prop])
                if entry not in found.names:
                    found.names.append(entry)
    for iri in [i for i, p in profiles.items() if not p.names]:
        del profiles[iri]
    agent_of = _read_curated(store, view, profiles)
    _read_attributes(store, view, profiles)
    _read_sources(store, view, profiles, agent_of)
    return profiles


def _pairs(store: Store, view: View, prop: str) -> list[tuple[str, str]]:
    """(subject, object) of one property: a plain pattern per property, joined in Python,
    costs a fraction of one query joining them (as `kg.search.label_rows` found)."""
    return [(row[0].value, row[1].value)
            for row in _rows(store, view, f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o }}")]


def _read_curated(store: Store, view: View, profiles: dict[str, Profile]) -> dict[str, str]:
    """Victims' events (date and place of death) and memberships (affiliation); returns the
    participant or member of every participation and membership node, for sources."""
    event_places: dict[str, set[str]] = defaultdict(set)
    for event, place in _pairs(store, view, SEM + "hasPlace"):
        event_places[event].add(place)
    dates = EVENT_DATES.get(store)
    victim_nodes = {x for x, role in _pairs(store, view, SEM + "roleType") if role == VICTIM_ROLE}
    events = dict(_pairs(store, view, KG + "inEvent"))
    agent_of: dict[str, str] = {}
    for x, person in _pairs(store, view, KG + "participant"):
        agent_of[x] = person
        found = profiles.get(person)
        event = events.get(x)
        if x not in victim_nodes or found is None or found.kind != "person" or event is None:
            continue
        found.events.add(event)
        found.places.update(event_places.get(event, ()))
        if event in dates:
            span = _span(dates[event])
            if span not in found.deaths:
                found.deaths.append(span)
    organisations = dict(_pairs(store, view, ORG + "organization"))
    for m, person in _pairs(store, view, ORG + "member"):
        agent_of[m] = person
        found = profiles.get(person)
        if found is not None and m in organisations:
            found.affiliations.add(organisations[m])
    return agent_of


def _read_attributes(store: Store, view: View, profiles: dict[str, Profile]) -> None:
    """Attribute claims (not superseded ones) and the same properties stated plainly."""
    for short, prop in ATTRIBUTES.items():
        dated = f"OPTIONAL {{ {date_pattern('?o', 'd')} }}"
        direct = f"SELECT ?s ?o ?dv ?dprec ?dlo ?dhi ?dinf WHERE {{ ?s <{prop}> ?o {dated} }}"
        claimed = (f"SELECT ?s ?o ?dv ?dprec ?dlo ?dhi ?dinf WHERE {{ ?c kg:property <{prop}> ; "
                   f"kg:about ?s ; kg:value ?o "
                   f"FILTER NOT EXISTS {{ ?c kg:claimStatus <{SUPERSEDED}> }} {dated} }}")
        for query in (direct, claimed):
            for row in _rows(store, view, query):
                found = profiles.get(row["s"].value)
                if found is not None:
                    _add_attribute(found, short, row)


def _add_attribute(found: Profile, short: str, row: ox.QuerySolution) -> None:
    value = row["o"]
    date = _span(decode(row, "d")) if row["dv"] is not None else None
    if short == "father" and isinstance(value, ox.Literal):
        found.fathers.append(value.value)
    elif short == "birth" and date is not None:
        found.births.append((date.earliest.year, date.latest.year))
    elif short == "age" and isinstance(value, ox.Literal):
        try:
            found.ages.append(int(value.value))
        except ValueError:
            return
    elif short == "death" and date is not None and date not in found.deaths:
        found.deaths.append(date)
    elif short == "affiliation" and isinstance(value, ox.NamedNode):
        found.affiliations.add(value.value)
    elif short in ("held", "death_place", "burial") and isinstance(value, ox.NamedNode):
        found.places.add(value.value)


def _read_sources(store: Store, view: View, profiles: dict[str, Profile],
                  agent_of: dict[str, str]) -> None:
    """The sources whose claims are about each entity or assert its participations."""
    source_of: dict[str, set[str]] = defaultdict(set)
    for claim, source in _pairs(store, view, DCTERMS + "source"):
        source_of[claim].add(source)
    for claim, thing in _pairs(store, view, KG + "about"):
        found = profiles.get(thing)
        if found is not None and claim in source_of:
            found.sources |= source_of[claim]
    for claim, node in _pairs(store, view, KG + "asserts"):
        found = profiles.get(agent_of.get(node, ""))
        if found is not None and claim in source_of:
            found.sources |= source_of[claim]


def place_parents(store: Store, view: View = "public") -> dict[str, set[str]]:
    """Each place's containing places, transitively (Evin Prison -> Tehran -> Iran)."""
    direct: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, view, "SELECT ?a ?b WHERE { ?a schema:containedInPlace ?b }"):
        direct[row["a"].value].add(row["b"].value)
    closed: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(direct.get(nxt, ()))
        closed[start] = seen
    return closed
