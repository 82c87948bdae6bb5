"""What the projection draws: kinds of node (by their classes) and kinds of edge (by the claim
patterns that state them).

Each edge kind is one SPARQL pattern binding a claim ?c to the relation (?s ?p ?o) it
states. The projection aggregates over it (kg.network.queries) and the who-says-so panel
binds it to one edge (kg.network.claims), so an edge and the claims listed behind it can
never disagree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kg.namespaces import ID, KG, PREFIXES
from kg.wording import N_

SCHEMA = PREFIXES["schema"]
ORG = PREFIXES["org"]
SEM = PREFIXES["sem"]
STATUS = ID + "concept/claim-status/"
ASSERTED = STATUS + "asserted"
ALLEGED_ROLE = ID + "concept/participation-role/alleged-perpetrator"

#: Root classes of each node kind; subclasses are found in the ontology graph as well.
KIND_ROOTS: dict[str, tuple[str, ...]] = {
    "event": (SEM + "Event", SCHEMA + "Event", KG + "Event"),
    "person": (SCHEMA + "Person", KG + "UnidentifiedPerson"),
    "group": (KG + "PersonGroup",),
    "organisation": (ORG + "Organization", SCHEMA + "Organization", KG + "Court",
                     SCHEMA + "GovernmentOrganization", SCHEMA + "NGO"),
    "place": (SCHEMA + "Place", SCHEMA + "City", SCHEMA + "Country", SCHEMA + "Cemetery",
              SCHEMA + "GovernmentBuilding", KG + "Prison", KG + "MassGrave"),
}
#: When an entity has types of several kinds, the first kind here wins.
KIND_ORDER = ("event", "person", "group", "organisation", "place")
#: Predicates never drawn as links (typing, labels, identity to outside datasets).
SKIPPED_LINKS = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2002/07/owl#sameAs",
    KG + "possiblySameAs",  # drawn from the identity claims instead, with their status
    KG + "accessLevel",
)


@dataclass(frozen=True)
class EdgeKind:
    """Claims that state relations of one kind, as a SPARQL pattern over ?c ?s ?p ?o.

    `parts` are joined; with `columns`, the projection runs each as its own sub-select so
    Oxigraph hash-joins whole predicate columns instead of looking each row up in turn.
    `predicate` is the expression giving ?p when no part binds it (the projection BINDs it,
    the panel, whose ?p is given, FILTERs on it). `alleged` is the expression (0 or 1)
    marking relations that rest on allegations.
    """

    name: str
    parts: tuple[tuple[str, str], ...]  # (variables a sub-select projects, pattern)
    predicate: str | None = None
    optional: str = ""
    filters: str = ""
    alleged: str = "0"
    columns: bool = False
    dated: bool = False

    def _joins(self, columns: bool) -> str:
        if columns and self.columns:
            return " ".join(f"{{ SELECT {v} WHERE {{ {p} }} }}" for v, p in self.parts)
        return " ".join(f"{p} ." for _, p in self.parts)

    def aggregated(self) -> str:
        """The pattern as the projection reads it: every relation, ?p bound."""
        bind = f" BIND({self.predicate} AS ?p)" if self.predicate else ""
        return f"{self._joins(True)} {self.optional} {self.filters}{bind}"

    def bound(self) -> str:
        """The pattern as the panel reads it: ?s ?p ?o are given, the claims are found."""
        check = f" FILTER({self.predicate} = ?p)" if self.predicate else ""
        return f"{self._joins(False)} {self.optional} {self.filters}{check}"


_NOT_PLAIN = ("FILTER NOT EXISTS { ?c kg:asserts ?anything } "
              "FILTER NOT EXISTS { ?c a kg:Allegation } "
              "FILTER NOT EXISTS { ?c a kg:IdentityClaim }")
_ALLEGATION = "OPTIONAL { SELECT ?c (1 AS ?allegation) WHERE { ?c a kg:Allegation } }"

EDGE_KINDS: dict[str, EdgeKind] = {k.name: k for k in (
    # agent -> event, predicate = the sem:roleType concept (victim, alleged perpetrator...)
    EdgeKind("participation", (("?x ?s", "?x kg:participant ?s"), ("?x ?o", "?x kg:inEvent ?o"),
                               ("?x ?p", "?x sem:roleType ?p"), ("?c ?x", "?c kg:asserts ?x")),
             optional=_ALLEGATION,
             alleged=f"IF(?p = <{ALLEGED_ROLE}> || BOUND(?allegation), 1, 0)",
             columns=True, dated=True),
    # member -> organisation, predicate = org:role (or org:memberOf)
    EdgeKind("membership", (("?x ?s", "?x org:member ?s"), ("?x ?o", "?x org:organization ?o"),
                            ("?c ?x", "?c kg:asserts ?x")),
             predicate="COALESCE(?role, org:memberOf)",
             optional="OPTIONAL { SELECT ?x ?role WHERE { ?x org:role ?role } } " + _ALLEGATION,
             alleged="IF(BOUND(?allegation), 1, 0)", columns=True, dated=True),
    # claimant -> every entity an allegation is about (accuser -> accused)
    EdgeKind("allegation", (("?c ?s ?o", "?c a kg:Allegation ; prov:wasAttributedTo ?s ; "
                                         "kg:about ?o"),),
             predicate="kg:Allegation", filters="FILTER(?s != ?o)", alleged="1"),
    # entity -> entity for each pair an identity claim is about (possibly same as)
    EdgeKind("identity", (("?c ?s ?o", "?c a kg:IdentityClaim ; kg:about ?s, ?o"),),
             predicate="kg:possiblySameAs", filters="FILTER(STR(?s) < STR(?o))"),
    # claimant -> entity, for claims asserting no structure of their own (counts, dates)
    EdgeKind("claim", (("?c ?s ?o", "?c prov:wasAttributedTo ?s ; kg:about ?o"),),
             predicate="COALESCE(?ct, kg:Claim)",
             optional="OPTIONAL { ?c a ?ct . VALUES ?ct { kg:CountClaim kg:TimeClaim } }",
             filters="FILTER(?s != ?o) " + _NOT_PLAIN),
)}
#: Every kind of edge, the direct triples between two entities ("link") last.
KIND_NAMES = (*EDGE_KINDS, "link")

#: Readable names for predicates the ontology does not label as a relation.
PREDICATE_LABELS = {
    ORG + "memberOf": N_("member of"),
    KG + "Allegation": N_("alleges"),
    KG + "possiblySameAs": N_("possibly same as"),
    KG + "Claim": N_("makes a claim about"),
    KG + "CountClaim": N_("gives a figure for"),
    KG + "TimeClaim": N_("dates"),
    SEM + "hasPlace": N_("took place at"),
    SCHEMA + "location": N_("took place at"),
    SEM + "subEventOf": N_("part of"),
    SCHEMA + "superEvent": N_("part of"),
    SCHEMA + "containedInPlace": N_("located in"),
    ORG + "subOrganizationOf": N_("part of"),
}


@dataclass(slots=True)
class Node:
    """An entity of the projection."""

    iri: str
    kind: str
    label: str
    start: str | None = None
    end: str | None = None


@dataclass(slots=True)
class Edge:
    """One relation as the claims of one status state it; parallel edges keep disagreement."""

    id: str
    kind: str
    source: str
    target: str
    predicate: str
    status: str
    sources: int
    claims: int
    alleged: bool
    source_iris: tuple[str, ...]
    start: str | None = None
    end: str | None = None


def edge_id(kind: str, s: str, p: str, o: str, status: str) -> str:
    """A content hash, so ids agree across worker processes and rebuilds."""
    return hashlib.blake2b("\x1f".join((kind, s, p, o, status)).encode(),
                           digest_size=9).hexdigest()
