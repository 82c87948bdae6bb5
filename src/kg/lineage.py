"""Where a claim's figure or statement comes from: its chain back to its origins, and how
many of those origins are independent.

Repetition is not corroboration. A claim that relays another points to it with
prov:wasQuotedFrom ("X reports that Y says") or prov:wasDerivedFrom (it repeats or builds on
it without saying so); an *origin* is a claim on the chain that points to no other claim.
Origins that share a claimant are one witness, so the number of independent origins is the
number of groups of origins linked by shared claimants (computed exactly here with a
union-find; queries/death-toll-independent-origins.rq is the SPARQL form, which the tests
compare with this module). The claims that lead back to the same origins are its
repetitions. The pattern is documented in data/README.md.

Pages show the lineage of every claim they list, so `claim_lineages` reads it from a
per-version index of every link (`LineageIndex`); `lineages` asks the store for just the
claims given, and the tests check both answer the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.cache import Cached
from kg.store import Store

PROV = "http://www.w3.org/ns/prov#"
#: Lineage links between claims, and how each reads.
LINKS = {PROV + "wasQuotedFrom": "quoted", PROV + "wasDerivedFrom": "derived"}

def _links(where: str = "") -> str:
    """Every lineage link (with its note) among the claims `where` reaches."""
    return f"""
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://kg.example.org/ontology#>
SELECT DISTINCT ?from ?link ?to ?note WHERE {{
  {where}
  ?from ?link ?to .
  VALUES ?link {{ prov:wasQuotedFrom prov:wasDerivedFrom }}
  OPTIONAL {{ ?from kg:lineageNote ?note }}
}}
"""


#: The links of the chains from the given claims back to their origins.
_EDGES = _links("VALUES ?start { %s } ?start (prov:wasQuotedFrom|prov:wasDerivedFrom)* ?from .")
#: Every link into the claims that lead back to the given origins (their repetitions).
_REPEATS = _links("VALUES ?origin { %s } ?to (prov:wasQuotedFrom|prov:wasDerivedFrom)* ?origin .")
_ALL_EDGES = _links()

_CLAIMS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?who ?publication WHERE {
  VALUES ?claim { %s }
  OPTIONAL { ?claim prov:wasAttributedTo ?who }
  OPTIONAL { ?claim dcterms:source ?publication }
}
"""

#: Claimants and publications of every claim: the facts `_CLAIMS` reads for a few.
_ALL_CLAIMS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?who ?publication WHERE {
  { ?claim prov:wasAttributedTo ?who FILTER(isIRI(?claim)) }
  UNION { ?claim dcterms:source ?publication FILTER(isIRI(?claim)) }
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
class ChainClaim:
    """A claim on a chain, with who it is attributed to and where it is read: an origin when
    it takes its figure or statement from no other claim."""

    claim: str
    claimants: tuple[str, ...]
    publication: str | None


@dataclass(frozen=True)
class Lineage:
    """A claim's chain back to its origins, the origins grouped into independent ones, and
    the claims that repeat those origins."""

    claim: str
    links: tuple[Link, ...]
    origins: tuple[ChainClaim, ...]
    #: Origin claims grouped by shared claimants: each group is one independent origin.
    groups: tuple[tuple[str, ...], ...]
    #: Every claim the links point to (the origins among them), in the order of `links`.
    relayed: tuple[ChainClaim, ...] = ()
    #: Claims, other than the origins, whose chains lead back to one of these origins (the
    #: claim itself among them when it relays another): repetitions, not corroboration.
    repeats: tuple[str, ...] = ()
    #: The publications those repeating claims are read in.
    repeated_in: tuple[str, ...] = ()

    @property
    def independent_origins(self) -> int:
        return len(self.groups)

    @property
    def is_origin(self) -> bool:
        """True when the claim takes its figure or statement from no other claim."""
        return not self.links

    def group_claimants(self) -> list[tuple[str, ...]]:
        """Per independent origin, the claimants of its origin claims (who the witness is)."""
        by_claim = {o.claim: o.claimants for o in self.origins}
        return [tuple(sorted({w for c in g for w in by_claim.get(c, ())})) for g in self.groups]

    def iris(self) -> set[str]:
        """Every IRI the lineage names (to look up labels and pages for showing it)."""
        found = {self.claim, *self.repeats, *self.repeated_in}
        for k in self.links:
            found.update((k.claim, k.source_claim))
        for o in (*self.origins, *self.relayed):
            found.update((o.claim, *o.claimants, *((o.publication,) if o.publication else ())))
        return found

    def named(self) -> set[str]:
        """The IRIs it names that are not claims (claimants, publications): the ones worth
        a label lookup, claims having none."""
        found = set(self.repeated_in)
        for o in (*self.origins, *self.relayed):
            found.update((*o.claimants, *((o.publication,) if o.publication else ())))
        return found

    def facts(self, claim: str) -> ChainClaim | None:
        """Claimants and publication of a claim on the chain (None for the claim itself)."""
        return next((o for o in (*self.relayed, *self.origins) if o.claim == claim), None)

    def to_json(self, describe: Callable[[str], dict[str, Any]] | None = None
                ) -> dict[str, Any]:
        """The JSON form (camelCase keys, like the other JSON twins). `describe` turns an IRI
        into its JSON (a JSON twin gives label and page); by default the bare IRI."""
        d: Callable[[str], Any] = describe or (lambda iri: iri)
        return {
            "claim": d(self.claim),
            "isOrigin": self.is_origin,
            "links": [{"claim": d(k.claim), "kind": k.kind, "from": d(k.source_claim),
                       **({"note": k.note} if k.note else {})} for k in self.links],
            "relayed": [_facts_json(o, d) for o in self.relayed],
            "origins": [_facts_json(o, d) for o in self.origins],
            "independentOrigins": self.independent_origins,
            "independentGroups": [[d(c) for c in g] for g in self.groups],
            "repeats": [d(c) for c in self.repeats],
            "repeatedIn": [d(p) for p in self.repeated_in],
        }


def _facts_json(c: ChainClaim, d: Callable[[str], Any]) -> dict[str, Any]:
    return {"claim": d(c.claim), "claimants": [d(w) for w in c.claimants],
            "publication": d(c.publication) if c.publication else None}


def _values(iris: Iterable[str]) -> str:
    """IRIs for a VALUES clause, written by pyoxigraph so none can break out of it."""
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def group_origins(origins: list[ChainClaim]) -> tuple[tuple[str, ...], ...]:
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
    """The lineage of each claim (IRIs), in three queries whatever their number: the chains
    up, the claims that repeat the origins found, and the claimants and publications of all
    of them. `LineageIndex` answers the same from memory; the tests compare the two."""
    starts = list(dict.fromkeys(claims))
    if not starts:
        return {}
    graph = _Graph()
    for row in store.query(_EDGES % _values(starts)):
        graph.add(row)
    origins = {n for s in starts for n in graph.reachable(s, graph.sources) if n not in graph.up}
    if origins:
        for row in store.query(_REPEATS % _values(sorted(origins))):
            graph.add(row)
    nodes = set(starts) | {n for pair in graph.edges() for n in pair}
    for row in store.query(_CLAIMS % _values(sorted(nodes))):
        graph.fact(row)
    return {start: graph.lineage(start) for start in starts}


def lineage(store: Store, claim: str) -> Lineage:
    """The lineage of one claim (an IRI)."""
    return lineages(store, [claim])[claim]


class _Graph:
    """Lineage links between claims, both ways, with the claimants and publication of each
    claim: what a lineage is walked on, whether read for a few claims or for all."""

    def __init__(self) -> None:
        self.up: dict[str, list[Link]] = {}
        self.down: dict[str, set[str]] = {}
        self.claimants: dict[str, set[str]] = {}
        self.publication: dict[str, str] = {}

    def add(self, row: Any) -> None:
        """A row of ?from ?link ?to (?note)."""
        note = row["note"].value if row["note"] is not None else None
        link = Link(row["from"].value, LINKS[row["link"].value], row["to"].value, note)
        links = self.up.setdefault(link.claim, [])
        if link not in links:
            links.append(link)
            links.sort(key=lambda k: (k.source_claim, k.kind))
        self.down.setdefault(link.source_claim, set()).add(link.claim)

    def fact(self, row: Any) -> None:
        """A row of ?claim (?who) (?publication)."""
        claim = row["claim"].value
        if row["who"] is not None:
            self.claimants.setdefault(claim, set()).add(row["who"].value)
        if row["publication"] is not None:
            found = self.publication.get(claim)
            if found is None or row["publication"].value < found:
                self.publication[claim] = row["publication"].value

    def edges(self) -> Iterator[tuple[str, str]]:
        for links in self.up.values():
            for k in links:
                yield k.claim, k.source_claim

    def sources(self, claim: str) -> Iterator[str]:
        return (k.source_claim for k in self.up.get(claim, ()))

    def relays(self, claim: str) -> Iterable[str]:
        return sorted(self.down.get(claim, ()))

    @staticmethod
    def reachable(start: str, step: Callable[[str], Iterable[str]]) -> list[str]:
        """Nodes reached from `start` by `step` (breadth first, nearest first; `start`
        included; a cycle ends)."""
        seen, queue = {start}, [start]
        for node in queue:
            for nxt in step(node):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return queue

    def lineage(self, start: str) -> Lineage:
        if start not in self.up and start not in self.down:  # most claims: their own origin
            alone = ChainClaim(start, tuple(sorted(self.claimants.get(start, ()))),
                               self.publication.get(start))
            return Lineage(start, (), (alone,), ((start,),))
        chain = self.reachable(start, self.sources)
        links = [k for node in chain for k in self.up.get(node, ())]
        facts = {n: ChainClaim(n, tuple(sorted(self.claimants.get(n, ()))),
                               self.publication.get(n)) for n in chain}
        origins = [facts[n] for n in chain if n not in self.up]
        relayed = [facts[n] for n in dict.fromkeys(k.source_claim for k in links)]
        ends = {o.claim for o in origins}
        repeats = sorted({r for o in ends for r in self.reachable(o, self.relays)} - ends)
        repeated_in = sorted({self.publication[r] for r in repeats if r in self.publication})
        return Lineage(start, tuple(links), tuple(origins), group_origins(origins), tuple(relayed),
                       tuple(repeats), tuple(repeated_in))


class LineageIndex:
    """Every lineage link in the store, with every claim's claimants and publication, read
    once per store version: pages show the lineage of every claim they list, and the store
    holds few links and one claimant or two per claim."""

    def __init__(self, graph: _Graph) -> None:
        self._graph = graph

    @classmethod
    def build(cls, store: Store) -> LineageIndex:
        graph = _Graph()
        for row in store.query(_ALL_EDGES):
            graph.add(row)
        for row in store.query(_ALL_CLAIMS):
            graph.fact(row)
        return cls(graph)

    def lineages(self, claims: Iterable[str]) -> dict[str, Lineage]:
        """What `lineages(store, claims)` answers, without a query."""
        return {c: self._graph.lineage(c) for c in dict.fromkeys(claims)}


#: Built on first use (and by the warm-up); small next to the claim index.
LINEAGE_INDEX = Cached[LineageIndex]("lineage-index", lambda store: LineageIndex.build(store))


def claim_lineages(store: Store, claims: Iterable[str]) -> dict[str, Lineage]:
    """The lineage of each claim, from the index of the store's current version."""
    return LINEAGE_INDEX.get(store).lineages(claims)
