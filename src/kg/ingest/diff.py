"""What a write changes, claim by claim: the quads a store write adds and removes, grouped
by the claim they belong to (its own node, its date value, its annotation and selectors).

A claim is added or removed when its type triple is; changed when its own triples differ
(value, subject, status, access); merely moved when only its evidence differs (a row added
above it shifts its cell). Graph names count: a record turned restricted changes its claims.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.ingest.cells import parse_fragment
from kg.ingest.report import ClaimChange
from kg.ingest.rows import Cell
from kg.namespaces import ID, KG, PREFIXES

_CLAIM = ID + "claim/"
_ANNOTATION = ID + "annotation/"
_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_ATTRIBUTE_CLAIM = ox.NamedNode(KG + "AttributeClaim")


@dataclass
class ClaimDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def _owner(iri: str) -> tuple[str, bool] | None:
    """The claim a node belongs to, and whether the node is evidence rather than the claim."""
    iri = iri.split("#", 1)[0]
    if iri.startswith(_CLAIM):
        return iri, False
    if iri.startswith(_ANNOTATION):
        return _CLAIM + iri[len(_ANNOTATION):], True
    return None


def claim_diff(added: list[ox.Quad], removed: list[ox.Quad]) -> ClaimDiff:
    """Claims added, changed, removed and moved by a write's quad changes. A node's owner
    is worked out once (a claim's nodes hold several quads each)."""
    owners: dict[str, tuple[str, bool] | None] = {}
    own: dict[str, int] = defaultdict(int)
    evidence: set[str] = set()
    typed: tuple[set[str], set[str]] = (set(), set())
    for quads, typed_here in ((added, typed[0]), (removed, typed[1])):
        for q in quads:
            subject = q.subject
            if not isinstance(subject, ox.NamedNode):
                continue
            iri = subject.value
            owner = owners[iri] if iri in owners else owners.setdefault(iri, _owner(iri))
            if owner is None:
                continue
            claim, is_evidence = owner
            if is_evidence:
                evidence.add(claim)
                continue
            own[claim] += 1
            if q.object == _ATTRIBUTE_CLAIM and q.predicate == _TYPE:
                typed_here.add(claim)
    typed_added, typed_removed = typed
    diff = ClaimDiff()
    for claim in sorted(set(own) | evidence):
        if claim in typed_added and claim not in typed_removed:
            diff.added.append(claim)
        elif claim in typed_removed and claim not in typed_added:
            diff.removed.append(claim)
        elif claim in own:
            diff.changed.append(claim)
        else:
            diff.moved.append(claim)
    return diff


def public_diff(added: list[ox.Quad], removed: list[ox.Quad], hidden: str) -> ClaimDiff:
    """The claims a write changes as the public view sees them (what the import log, which is
    public, counts): the quads of the graph `hidden` (a table's restricted rows) left out, so
    a row turned restricted is a removed claim and a change inside a restricted row is none."""
    graph = ox.NamedNode(hidden)
    return claim_diff([q for q in added if q.graph_name != graph],
                      [q for q in removed if q.graph_name != graph])


def removed_cells(removed: list[ox.Quad]) -> dict[str, Cell]:
    """Where removed claims came from, read back from their removed selectors."""
    rows: dict[str, tuple[int, int]] = {}
    texts: dict[str, str] = {}
    columns: dict[str, str] = {}
    for q in removed:
        owner = _owner(q.subject.value) if isinstance(q.subject, ox.NamedNode) else None
        if owner is None or not owner[1]:
            continue
        claim, fragment = owner[0], q.subject.value.rpartition("#")[2]
        if fragment == "cell" and q.predicate.value == PREFIXES["rdf"] + "value":
            r, c = parse_fragment(q.object.value)
            rows[claim] = (r, c or 0)
        elif fragment == "cell" and q.predicate.value == PREFIXES["rdfs"] + "label":
            columns[claim] = q.object.value.split(", ", 1)[-1]
        elif fragment == "text" and q.predicate.value == PREFIXES["oa"] + "exact":
            texts[claim] = q.object.value
    return {claim: Cell(r, c, columns.get(claim, ""), texts.get(claim, ""))
            for claim, (r, c) in rows.items()}


def changes_of(claims: list[str], cells: dict[str, Cell]) -> list[ClaimChange]:
    out = []
    for claim in claims:
        cell = cells.get(claim)
        if cell is None:
            out.append(ClaimChange(claim, None, claim.rsplit("/", 1)[-1], ""))
        else:
            out.append(ClaimChange(claim, cell.row, cell.column, cell.text))
    return out
