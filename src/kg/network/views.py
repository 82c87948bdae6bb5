"""What the graph explorer reads: the projection as JSON (nodes, edges, neighbourhoods, paths
ranked by their weakest-sourced hop, a summary), the same for the page and any other client."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

from kg.namespaces import local_name
from kg.network.analysis import candidate_paths
from kg.network.projection import Projection


def predicate_label(proj: Projection, iri: str) -> str:
    return proj.predicate_labels.get(iri) or local_name(iri).replace("-", " ")


def node_json(proj: Projection, iri: str) -> dict[str, Any]:
    n = proj.nodes[iri]
    return {"id": n.iri, "label": n.label, "kind": n.kind, "start": n.start, "end": n.end,
            "degree": len(proj.adjacency.get(iri, ())),
            "centrality": round(proj.centrality.get(iri, 1.0), 4),
            "community": proj.community.get(iri)}


def edge_json(proj: Projection, eid: str) -> dict[str, Any]:
    e = proj.edges[eid]
    return {"id": e.id, "source": e.source, "target": e.target, "kind": e.kind,
            "predicate": e.predicate, "label": predicate_label(proj, e.predicate),
            "status": e.status.rsplit("/", 1)[-1], "alleged": e.alleged,
            "sources": e.sources, "claims": e.claims,
            "sourceIris": list(e.source_iris[:50]), "start": e.start, "end": e.end}


def neighbourhood(proj: Projection, focus: str, *, limit: int = 25, offset: int = 0,
                  predicate: str | None = None, direction: str | None = None) -> dict[str, Any]:
    """The focus, up to `limit` neighbours (most central first) and the edges to them,
    every relation of the focus by predicate and direction with its count, and how many
    neighbours are left for a "+M more" node. KeyError if the focus is not in the graph."""
    if focus not in proj.nodes:
        raise KeyError(focus)
    order, edges_by_node, relations = proj.neighbours(focus, predicate, direction)
    page = order[offset:offset + limit]
    return {
        "focus": node_json(proj, focus),
        "nodes": [node_json(proj, n) for n in page],
        "edges": [edge_json(proj, eid) for n in page for eid in edges_by_node[n]],
        "relations": [{"predicate": p, "direction": d, "label": predicate_label(proj, p),
                       "count": c}
                      for (p, d), c in sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))],
        "total": len(order), "offset": offset, "limit": limit,
        "more": max(0, len(order) - offset - len(page)),
        "predicate": predicate, "direction": direction,
    }


def edges_between(proj: Projection, iris: Iterable[str]) -> list[dict[str, Any]]:
    """Every edge among a set of shown nodes (so edges between two expansions appear)."""
    shown = set(iris) & proj.nodes.keys()
    out = []
    for n in shown:
        if len(proj.adjacency.get(n, ())) > 5000:
            continue  # a hub's edges come with the expansions that show them
        for eid in proj.adjacency.get(n, ()):
            e = proj.edges[eid]
            if e.source == n and e.target in shown:
                out.append(edge_json(proj, eid))
    return out


def paths(proj: Projection, a: str, b: str, *, k: int = 3, max_extra_hops: int = 2,
          budget_s: float = 2.0) -> list[dict[str, Any]]:
    """Up to `k` simple paths from the shortest ones, each hop with its edges and sources,
    ranked by the weakest-sourced hop (a chain is as strong as its weakest link), then by
    length. KeyError if an end is not in the graph."""
    if a not in proj.nodes or b not in proj.nodes:
        raise KeyError(a if a not in proj.nodes else b)
    if a == b:
        return []
    ranked = []
    for path in candidate_paths(proj.graph, a, b, limit=k * 3, max_extra_hops=max_extra_hops,
                                budget_s=budget_s):
        hops = []
        for u, v in itertools.pairwise(path):
            hop_edges = [edge_json(proj, i) for i in proj.graph[u][v]["ids"]]
            hops.append({"from": u, "to": v, "edges": hop_edges,
                         "sources": max(e["sources"] for e in hop_edges)})
        ranked.append({"nodes": [node_json(proj, n) for n in path], "hops": hops,
                       "length": len(path) - 1, "weakest": min(h["sources"] for h in hops)})
    ranked.sort(key=lambda p: (-p["weakest"], p["length"]))
    return ranked[:k]


def summary(proj: Projection, top: int = 12) -> dict[str, Any]:
    """Size, kinds, date extent, communities, build timings, and the entities to start from
    (most central once the analyses are in, most connected until then)."""
    kinds = Counter(n.kind for n in proj.nodes.values())
    starts = [n.start for n in proj.nodes.values() if n.start]
    ends = [n.end for n in proj.nodes.values() if n.end]
    if proj.analysed:
        first = sorted(proj.nodes, key=lambda n: -proj.centrality.get(n, 0.0))[:top]
    else:
        first = sorted(proj.nodes, key=lambda n: -len(proj.adjacency.get(n, ())))[:top]
    return {
        "version": proj.version, "analysed": proj.analysed,
        "nodes": len(proj.nodes), "edges": len(proj.edges),
        "kinds": dict(sorted(kinds.items())),
        "edgeKinds": dict(sorted(Counter(e.kind for e in proj.edges.values()).items())),
        "dates": {"start": min(starts) if starts else None, "end": max(ends) if ends else None},
        "communities": (max(proj.community.values()) + 1) if proj.community else 0,
        "timings": {k: round(v, 3) for k, v in proj.timings.items()},
        "top": [node_json(proj, n) for n in first],
        "predicates": proj.predicate_labels,
    }


def source_list(proj: Projection, limit: int = 500) -> list[dict[str, Any]]:
    """Sources with the most claims first (the source filter's choices)."""
    items = sorted(proj.sources.values(), key=lambda s: (-s["claims"], s["title"]))
    return items[:limit]
