"""Identity decisions: two IRIs found to be one person are merged, one found to be two is
split — by a named person, for a stated reason, keeping every claim and its source.

A merge rewrites, in every graph (restricted ones too), each statement naming the retired
IRI so that it names the kept one: claims stay in their source's graph, so they stay
claims of their source, side by side with the others. The retired IRI is then
`dcterms:isReplacedBy` the kept one, and the server redirects it there. A split moves the
statements of chosen sources to another IRI, or undoes a merge. Each decision is a
`kg:Merge` / `kg:Split` activity in the decisions graph, with who, when, why, and per graph
the exact statements taken out and put in (N-Quads), so that it can be undone; the record
of a restricted graph's change stays in the restricted partition. All of a decision is
written in one `Store.replace_graphs`: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import KgError
from kg.namespaces import GRAPH, ID, KG, PREFIXES, RESTRICTED_GRAPH_PREFIX
from kg.store import Store

DECISIONS_GRAPH = GRAPH + "identity-decisions"
RESTRICTED_DECISIONS_GRAPH = RESTRICTED_GRAPH_PREFIX + "identity-decisions"
REPLACED_BY = PREFIXES["dcterms"] + "isReplacedBy"
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_PROV = PREFIXES["prov"]
_XSD = PREFIXES["xsd"]


class IdentityError(KgError):
    """A merge or split that cannot be done as asked (unknown IRI, nothing to move...)."""


@dataclass
class Decision:
    """What a merge or split did: its record's IRI, the graphs it changed, and how many
    statements it moved."""

    iri: str
    graphs: list[str]
    moved: int


def _node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise IdentityError(f"{iri!r} is not an IRI") from exc


def _mentions(store: Store, iri: str) -> list[str]:
    """Named graphs (both partitions) with a statement naming `iri`."""
    node = _node(iri)
    rows = store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {{ {node} ?p ?o }} UNION "
                       f"{{ ?s ?p {node} }} }} }}", view="full")
    return sorted(r["g"].value for r in rows if r["g"].value not in (
        DECISIONS_GRAPH, RESTRICTED_DECISIONS_GRAPH))


def _triples(store: Store, graph: str) -> list[ox.Triple]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {_node(graph)} {{ ?s ?p ?o }} }}",
                       view="full")
    return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]


def _swap(term: ox.Term, old: ox.NamedNode, new: ox.NamedNode) -> ox.Term:
    return new if term == old else term


def _rewrite(t: ox.Triple, old: ox.NamedNode, new: ox.NamedNode) -> ox.Triple:
    return ox.Triple(_swap(t.subject, old, new), t.predicate, _swap(t.object, old, new))


def _names(t: ox.Triple, node: ox.NamedNode) -> bool:
    return t.subject == node or t.object == node


def _key(t: ox.Triple) -> tuple[str, str, str]:
    """A statement with blank nodes blanked: blank node labels change between reads."""
    def part(term: ox.Term) -> str:
        return "_" if isinstance(term, ox.BlankNode) else str(term)
    return part(t.subject), str(t.predicate), part(t.object)


def _nquads(triples: Iterable[ox.Triple]) -> str:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _parse(text: str) -> list[ox.Triple]:
    return list(ox.parse(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES))


def expand(iri: str, base: str = ID) -> str:
    """`person/x` -> the full IRI under the id base (full IRIs are kept)."""
    return iri if re.match(r"^[a-z]+:", iri) else base + iri.lstrip("/")


def replaced_by(store: Store, iri: str, hops: int = 10) -> str | None:
    """The IRI that replaces a merged one (following later merges), or None."""
    current, seen = iri, {iri}
    for _ in range(hops):
        rows = list(store.query(f"SELECT ?new WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ "
                                f"{_node(current)} <{REPLACED_BY}> ?new }} }}"))
        if not rows or rows[0]["new"].value in seen:
            break
        current = rows[0]["new"].value
        seen.add(current)
    return current if current != iri else None


def redirects(store: Store) -> dict[str, str]:
    """Every merged IRI and the IRI that replaces it now (chains of merges followed), read
    at once: an import maps its rows' IRIs through it, so that importing a list again does
    not bring back a person a merge retired."""
    rows = store.query(f"SELECT ?old ?new WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ "
                       f"?old <{REPLACED_BY}> ?new }} }}")
    direct = {r["old"].value: r["new"].value for r in rows}
    out = {}
    for old in direct:
        current, seen = old, {old}
        while current in direct and direct[current] not in seen:
            current = direct[current]
            seen.add(current)
        out[old] = current
    return out


class _Record:
    """The triples of one decision's record, split by partition."""

    def __init__(self, kind: str, agent: str, reason: str, subject: str, base: str) -> None:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        digest = hashlib.sha256(f"{kind}{subject}{now.isoformat()}".encode()).hexdigest()[:8]
        self.iri = f"{base}decision/{kind.lower()}-{now:%Y%m%dT%H%M%SZ}-{digest}"
        self.node = ox.NamedNode(self.iri)
        slug = re.sub(r"[^a-z0-9]+", "-", agent.casefold()).strip("-") or "unknown"
        who = ox.NamedNode(f"{base}agent/{slug}")
        stamp = ox.Literal(now.isoformat().replace("+00:00", "Z"),
                           datatype=ox.NamedNode(_XSD + "dateTime"))
        self.public = [
            ox.Triple(self.node, _RDF_TYPE, ox.NamedNode(KG + kind)),
            ox.Triple(self.node, _RDF_TYPE, ox.NamedNode(_PROV + "Activity")),
            ox.Triple(self.node, ox.NamedNode(_PROV + "endedAtTime"), stamp),
            ox.Triple(self.node, ox.NamedNode(_PROV + "wasAssociatedWith"), who),
            ox.Triple(self.node, ox.NamedNode(KG + "reason"), ox.Literal(reason)),
            ox.Triple(who, _RDF_TYPE, ox.NamedNode(_PROV + "Agent")),
            ox.Triple(who, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(agent)),
        ]
        self.restricted: list[ox.Triple] = []
        self.changes = 0

    def say(self, prop: str, value: str) -> None:
        self.public.append(ox.Triple(self.node, ox.NamedNode(KG + prop), ox.NamedNode(value)))

    def change(self, graph: str, removed: list[ox.Triple], added: list[ox.Triple]) -> None:
        self.changes += 1
        part = ox.NamedNode(f"{self.iri}#graph-{self.changes}")
        target = self.restricted if graph.startswith(RESTRICTED_GRAPH_PREFIX) else self.public
        target += [ox.Triple(self.node, ox.NamedNode(KG + "changed"), part),
                   ox.Triple(part, _RDF_TYPE, ox.NamedNode(KG + "GraphChange")),
                   ox.Triple(part, ox.NamedNode(KG + "inGraph"), ox.NamedNode(graph)),
                   ox.Triple(part, ox.NamedNode(KG + "removedStatements"),
                             ox.Literal(_nquads(removed))),
                   ox.Triple(part, ox.NamedNode(KG + "addedStatements"),
                             ox.Literal(_nquads(added)))]


def _write(store: Store, graphs: dict[str, list[ox.Triple]], record: _Record,
           drop: Iterable[ox.Triple] = ()) -> None:
    """The changed graphs and the decision record, in one all-or-nothing write."""
    dropped = {_key(t) for t in drop}
    public = [t for t in _triples(store, DECISIONS_GRAPH) if _key(t) not in dropped]
    out = dict(graphs)
    out[DECISIONS_GRAPH] = public + record.public
    if record.restricted:
        out[RESTRICTED_DECISIONS_GRAPH] = (_triples(store, RESTRICTED_DECISIONS_GRAPH)
                                           + record.restricted)
    store.replace_graphs(out)


def _exists(store: Store, iri: str) -> bool:
    node = _node(iri)
    return bool(store.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}",
                            view="full"))


def free_iri(store: Store, iri: str) -> str:
    """A new IRI for the other half of a split: `<iri>-split-2`, `-3`..."""
    for n in range(2, 1000):
        candidate = f"{iri}-split-{n}"
        if not _exists(store, candidate):
            return candidate
    raise IdentityError(f"{iri}: no free IRI for the split — give --into")


def merge(store: Store, keep: str, retire: str, *, reason: str, agent: str | None = None,
          base: str = ID) -> Decision:
    """Make every statement naming `retire` name `keep`; `retire` then redirects to `keep`."""
    if keep == retire:
        raise IdentityError(f"{keep}: cannot merge an IRI with itself")
    if not reason.strip():
        raise IdentityError("--reason is empty — say why these are one person")
    for iri in (keep, retire):
        if not _exists(store, iri):
            raise IdentityError(f"{iri}: nothing in the store names it — check the IRI")
        if replaced_by(store, iri):
            raise IdentityError(f"{iri}: already merged into {replaced_by(store, iri)}")
    old, new = _node(retire), _node(keep)
    record = _Record("Merge", agent or getpass.getuser(), reason.strip(), retire, base)
    record.say("mergedFrom", retire)
    record.say("mergedInto", keep)
    record.public.append(ox.Triple(old, ox.NamedNode(REPLACED_BY), new))
    graphs, moved = {}, 0
    for graph in _mentions(store, retire):
        triples = _triples(store, graph)
        present = {_key(t) for t in triples}
        removed = [t for t in triples if _names(t, old)]
        added = [r for r in (_rewrite(t, old, new) for t in removed) if _key(r) not in present]
        kept = [t for t in triples if not _names(t, old)]
        graphs[graph] = kept + added
        record.change(graph, removed, added)
        moved += len(removed)
    _write(store, graphs, record)
    return Decision(record.iri, sorted(graphs), moved)


def _source_graphs(store: Store, sources: list[str]) -> list[str]:
    values = " ".join(str(_node(s)) for s in sources)
    rows = store.query(f"SELECT DISTINCT ?g WHERE {{ VALUES ?src {{ {values} }} GRAPH ?g {{ "
                       f"?c <{PREFIXES['dcterms']}source> ?src }} }}", view="full")
    return sorted(r["g"].value for r in rows)


def split(store: Store, person: str, *, sources: list[str], into: str, reason: str,
          agent: str | None = None, label: str | None = None, base: str = ID) -> Decision:
    """Move the statements naming `person` in the graphs of `sources` to `into`."""
    if not reason.strip():
        raise IdentityError("--reason is empty — say why these are two people")
    if not _exists(store, person):
        raise IdentityError(f"{person}: nothing in the store names it — check the IRI")
    if _exists(store, into):
        raise IdentityError(f"{into}: already in use — choose a new IRI (or merge instead)")
    graphs_of_sources = _source_graphs(store, sources)
    old, new = _node(person), _node(into)
    record = _Record("Split", agent or getpass.getuser(), reason.strip(), person, base)
    record.say("splitFrom", person)
    record.say("splitInto", into)
    graphs, moved = {}, 0
    for graph in sorted(set(_mentions(store, person)) & set(graphs_of_sources)):
        triples = _triples(store, graph)
        removed = [t for t in triples if _names(t, old)]
        added = [_rewrite(t, old, new) for t in removed]
        graphs[graph] = [t for t in triples if not _names(t, old)] + added
        record.change(graph, removed, added)
        moved += len(removed)
    if not moved:
        raise IdentityError(f"{person}: the graphs of {', '.join(sources)} say nothing about "
                            "it — name the sources whose claims are about the other person")
    if label:
        record.public.append(ox.Triple(new, ox.NamedNode(PREFIXES["rdfs"] + "label"),
                                       ox.Literal(label)))
    _write(store, graphs, record)
    return Decision(record.iri, sorted(graphs), moved)


def undo_merge(store: Store, merge_iri: str, *, reason: str, agent: str | None = None,
               base: str = ID) -> Decision:
    """Put back what a merge changed: the retired IRI is itself again, and redirects no more."""
    node = _node(merge_iri)
    rows = list(store.query(f"SELECT ?from ?into WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ {node} a "
                            f"<{KG}Merge> ; <{KG}mergedFrom> ?from ; <{KG}mergedInto> ?into }} }}"))
    if not rows:
        raise IdentityError(f"{merge_iri}: no such merge in {DECISIONS_GRAPH}")
    retired, kept = rows[0]["from"], rows[0]["into"]
    changes = store.query(
        f"SELECT ?g ?removed ?added WHERE {{ GRAPH ?d {{ {node} <{KG}changed> ?c . ?c "
        f"<{KG}inGraph> ?g ; <{KG}removedStatements> ?removed ; <{KG}addedStatements> ?added }} }}",
        view="full")
    record = _Record("Split", agent or getpass.getuser(), reason.strip() or "undo", merge_iri,
                     base)
    record.say("undoes", merge_iri)
    record.say("splitFrom", kept.value)
    record.say("splitInto", retired.value)
    graphs, moved = {}, 0
    for row in changes:
        graph = row["g"].value
        removed, added = _parse(row["removed"].value), _parse(row["added"].value)
        added_keys = {_key(t) for t in added}
        current = _triples(store, graph)
        back, restored = [], set()
        for t in current:
            if _names(t, kept) and _key(t) in added_keys:
                t = _rewrite(t, kept, retired)  # noqa: PLW2901
                restored.add(_key(t))
            back.append(t)
        back += [t for t in removed if _key(t) not in restored]
        graphs[graph] = back
        record.change(graph, [t for t in current if _key(t) in added_keys], removed)
        moved += len(removed)
    redirect = ox.Triple(retired, ox.NamedNode(REPLACED_BY), kept)
    _write(store, graphs, record, drop=[redirect])
    return Decision(record.iri, sorted(graphs), moved)
