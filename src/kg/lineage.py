"""Where a claim's figure or statement comes from: its chain back to its origins, and how
many of those origins are independent.

Repetition is not corroboration. A claim that relays another points to it with
prov:wasQuotedFrom ("X reports that Y says") or prov:wasDerivedFrom (it repeats or builds on
it without saying so); an *origin* is a claim on the chain that points to no other claim.
Origins that share a claimant are one witness, so the number of independent origins is the
number of groups of origins linked by shared claimants (computed exactly here with a
union-find; queries/death-toll-independent-origins.rq is the SPARQL form, which the tests
compare with this module). The pattern is documented in data/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.store import Store

PROV = "http://www.w3.org/ns/prov#"
#: Lineage links between claims, and how each reads.
LINKS = {PROV + "wasQuotedFrom": "quoted", PROV + "wasDerivedFrom": "derived"}

_EDGES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://kg.example.org/ontology#>
SELECT DISTINCT ?from ?link ?to ?note WHERE {
  VALUES ?start { %s }
  ?start (prov:wasQuotedFrom|prov:wasDerivedFrom)* ?from .
  ?from ?link ?to .
  VALUES ?link { prov:wasQuotedFrom prov:wasDerivedFrom }
  OPTIONAL { ?from kg:lineageNote ?note }
}
"""

_CLAIMS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?who ?publication WHERE {
  VALUES ?claim { %s }
  OPTIONAL { ?claim prov:wasAttributedTo ?who }
  OPTIONAL { ?claim dcterms:source ?publication }
}
"""


@dataclass(frozen=True)
class Link:
    """One step back: `claim` takes its figure or statement from `source_claim`."""

    claim: str
    kind: str  # "quoted" (names who it relays) or "derived" (does not say so)
    source_claim: str
    note: str | None = None


@dataclass(frozen=True)
class Origin:
    """A claim the chain ends at: it takes its figure or statement from no other claim."""

    claim: str
    claimants: tuple[str, ...]
    publication: str | None


@dataclass(frozen=True)
class Lineage:
    """A claim's chain back to its origins, and the origins grouped into independent ones."""

    claim: str
    links: tuple[Link, ...]
    origins: tuple[Origin, ...]
    #: Origin claims grouped by shared claimants: each group is one independent origin.
    groups: tuple[tuple[str, ...], ...]

    @property
    def independent_origins(self) -> int:
        return len(self.groups)

    @property
    def is_origin(self) -> bool:
        """True when the claim takes its figure or statement from no other claim."""
        return not self.links

    def to_json(self) -> dict:
        """The JSON form (camelCase keys, like the other JSON twins)."""
        return {
            "claim": self.claim,
            "links": [{"claim": k.claim, "kind": k.kind, "from": k.source_claim,
                       **({"note": k.note} if k.note else {})} for k in self.links],
            "origins": [{"claim": o.claim, "claimants": list(o.claimants),
                         "publication": o.publication} for o in self.origins],
            "independentOrigins": self.independent_origins,
            "independentGroups": [list(g) for g in self.groups],
        }


def _values(iris: Iterable[str]) -> str:
    """IRIs for a VALUES clause, written by pyoxigraph so none can break out of it."""
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _group(origins: list[Origin]) -> tuple[tuple[str, ...], ...]:
    """Union-find over origins: two origins with a claimant in common are one witness."""
    parent = {o.claim: o.claim for o in origins}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[str, str] = {}
    for o in origins:
        for who in o.claimants:
            if who in first_with:
                a, b = find(first_with[who]), find(o.claim)
                parent[max(a, b)] = min(a, b)
            else:
                first_with[who] = o.claim
    groups: dict[str, list[str]] = {}
    for o in origins:
        groups.setdefault(find(o.claim), []).append(o.claim)
    return tuple(sorted(tuple(sorted(g)) for g in groups.values()))


def lineages(store: Store, claims: Iterable[str]) -> dict[str, Lineage]:
    """The lineage of each claim (IRIs), in two queries whatever their number."""
    starts = list(dict.fromkeys(claims))
    if not starts:
        return {}
    upstream: dict[str, list[Link]] = {}
    for row in store.query(_EDGES % _values(starts)):
        note = row["note"].value if row["note"] is not None else None
        link = Link(row["from"].value, LINKS[row["link"].value], row["to"].value, note)
        upstream.setdefault(link.claim, []).append(link)
    for links in upstream.values():
        links.sort(key=lambda k: (k.source_claim, k.kind))
    nodes = set(starts) | {k.source_claim for ks in upstream.values() for k in ks}
    claimants: dict[str, set[str]] = {n: set() for n in nodes}
    publication: dict[str, str] = {}
    for row in store.query(_CLAIMS % _values(sorted(nodes))):
        if row["who"] is not None:
            claimants[row["claim"].value].add(row["who"].value)
        if row["publication"] is not None:
            publication.setdefault(row["claim"].value, row["publication"].value)
    result = {}
    for start in starts:
        links: list[Link] = []
        origins: list[Origin] = []
        seen, queue = {start}, [start]
        while queue:  # breadth first: nearest links first; `seen` guards against cycles
            node = queue.pop(0)
            if node not in upstream:
                origins.append(Origin(node, tuple(sorted(claimants.get(node, ()))),
                                      publication.get(node)))
            for link in upstream.get(node, []):
                links.append(link)
                if link.source_claim not in seen:
                    seen.add(link.source_claim)
                    queue.append(link.source_claim)
        result[start] = Lineage(start, tuple(links), tuple(origins), _group(origins))
    return result


def lineage(store: Store, claim: str) -> Lineage:
    """The lineage of one claim (an IRI)."""
    return lineages(store, [claim])[claim]

