"""What the graph says about each person, body, place and event, read for matching.

One pass of SPARQL over a view (public unless the caller is entitled to the full one):
names in every language; attribute claims and plain statements (father's name, birth date,
age at death, prison, place and date of death, affiliation); and what curated data implies
(a participation as victim dates a death and places it at the event's place; a membership
is an affiliation). RECORDS.md describes the model. Restricted data is read only when the
full view is asked for, and never cached on disk.
"""

from __future__ import annotations

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
RDFS, SKOS = PREFIXES["rdfs"], PREFIXES["skos"]
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

    @property
    def label(self) -> str:
        """The display name: preferred label, English first, then untagged, then any."""
        if not self.names:
            return self.iri.rsplit("/", 1)[-1]
        return min(self.names, key=lambda n: (n[2], n[1] != "en", n[1] != "", n[0]))[0]


def _rows(store: Store, view: View, query: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(_P + query, view=view)  # type: ignore[misc]


def _span(date: object) -> Span:
    return Span(date.earliest, date.latest, date.precision)  # type: ignore[attr-defined]


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
    _read_curated(store, view, profiles)
    _read_attributes(store, view, profiles)
    _read_sources(store, view, profiles)
    return profiles


def _read_curated(store: Store, view: View, profiles: dict[str, Profile]) -> None:
    """Victims' events (date and place of death) and memberships (affiliation)."""
    event_places: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, view, "SELECT ?ev ?pl WHERE { ?ev sem:hasPlace ?pl }"):
        event_places[row["ev"].value].add(row["pl"].value)
    dates = EVENT_DATES.get(store)
    for row in _rows(store, view, "SELECT ?p ?ev WHERE { ?x kg:participant ?p ; kg:inEvent ?ev ;"
                                  f" sem:roleType <{VICTIM_ROLE}> }}"):
        found = profiles.get(row["p"].value)
        if found is None or found.kind != "person":
            continue
        event = row["ev"].value
        found.events.add(event)
        found.places.update(event_places.get(event, ()))
        if event in dates:
            span = _span(dates[event])
            if span not in found.deaths:
                found.deaths.append(span)
    for row in _rows(store, view, "SELECT ?p ?o WHERE { ?m org:member ?p ; org:organization ?o }"):
        found = profiles.get(row["p"].value)
        if found is not None:
            found.affiliations.add(row["o"].value)


def _read_attributes(store: Store, view: View, profiles: dict[str, Profile]) -> None:
    """Attribute claims (not superseded ones) and the same properties stated plainly."""
    for short, prop in ATTRIBUTES.items():
        query = (f"SELECT ?s ?o ?dv ?dprec ?dlo ?dhi ?dinf WHERE {{ {{ ?s <{prop}> ?o }} UNION "
                 f"{{ ?c kg:about ?s ; kg:property <{prop}> ; kg:value ?o "
                 f"FILTER NOT EXISTS {{ ?c kg:claimStatus <{SUPERSEDED}> }} }} "
                 f"OPTIONAL {{ {date_pattern('?o', 'd')} }} }}")
        for row in _rows(store, view, query):
            found = profiles.get(row["s"].value)
            if found is None:
                continue
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
                    continue
            elif short == "death" and date is not None and date not in found.deaths:
                found.deaths.append(date)
            elif short == "affiliation" and isinstance(value, ox.NamedNode):
                found.affiliations.add(value.value)
            elif short in ("held", "death_place", "burial") and isinstance(value, ox.NamedNode):
                found.places.add(value.value)


def _read_sources(store: Store, view: View, profiles: dict[str, Profile]) -> None:
    """The sources whose claims are about each entity or assert its participations."""
    query = ("SELECT DISTINCT ?p ?src WHERE { { ?c kg:about ?p } UNION { ?c kg:asserts ?x . "
             "?x kg:participant|org:member ?p } ?c dcterms:source ?src }")
    for row in _rows(store, view, query):
        found = profiles.get(row["p"].value)
        if found is not None:
            found.sources.add(row["src"].value)


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
