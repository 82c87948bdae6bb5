"""What the graph explorer reads: the projection as JSON (nodes, edges, neighbourhoods, paths
ranked by their weakest-sourced hop, a summary), the same for the page and any other client.
Everything is read from the shared projection file (kg.network.shared)."""

from __future__ import annotations

from typing import Any

from kg.namespaces import local_name
from kg.network.kinds import Edge
from kg.network.paths import shortest_paths
from kg.network.shared import NodeRow, SharedProjection

#: Nodes with more edges than this are left out of `edges_between` (a hub's edges come with
#: the expansions that show them).
HUB = 5000


def predicate_label(proj: SharedProjection, iri: str) -> str:
    return proj.predicate_labels.get(iri) or local_name(iri).replace("-", " ")


def node_json(proj: SharedProjection, node: NodeRow | str) -> dict[str, Any]:
    n = proj.nodes[node] if isinstance(node, str) else node
    return {"id": n.iri, "label": n.label, "kind": n.kind, "start": n.start, "end": n.end,
            "degree": n.degree, "centrality": round(n.centrality, 4), "community": n.community}


def edge_json(proj: SharedProjection, edge: Edge | str) -> dict[str, Any]:
    e = proj.edges[edge] if isinstance(edge, str) else edge
    return {"id": e.id, "source": e.source, "target": e.target, "kind": e.kind,
            "predicate": e.predicate, "label": predicate_label(proj, e.predicate),
            "status": e.status.rsplit("/", 1)[-1], "alleged": e.alleged,
            "sources": e.sources, "claims": e.claims,
            "sourceIris": list(e.source_iris[:50]), "start": e.start, "end": e.end}


def neighbourhood(proj: SharedProjection, focus: str, *, limit: int = 25, offset: int = 0,
                  predicate: str | None = None, direction: str | None = None) -> dict[str, Any]:
    """The focus, up to `limit` neighbours (most central first) and the edges to them,
    every relation of the focus by predicate and direction with its count, and how many
    neighbours are left for a "+M more" node. KeyError if the focus is not in the graph."""
    page = proj.page(focus, predicate, direction, limit, offset)
    if page is None:
        raise KeyError(focus)
    rows = proj.nodes_of([focus, *page.nodes])
    wanted = [eid for n in page.nodes for eid in page.edges[n]]
    return {
        "focus": node_json(proj, rows[focus]),
        "nodes": [node_json(proj, rows[n]) for n in page.nodes],
        "edges": [edge_json(proj, eid) for eid in wanted],
        "relations": [{"predicate": p, "direction": d, "label": predicate_label(proj, p),
                       "count": c}
                      for p, d, c in sorted(page.relations, key=lambda r: (-r[2], r[0], r[1]))],
        "total": page.total, "offset": offset, "limit": limit,
        "more": max(0, page.total - offset - len(page.nodes)),
        "predicate": predicate, "direction": direction,
    }


def edges_between(proj: SharedProjection, iris: list[str]) -> list[dict[str, Any]]:
    """Every edge among a set of shown nodes (so edges between two expansions appear)."""
    return [edge_json(proj, e) for e in proj.among(iris, HUB)]


def paths(proj: SharedProjection, a: str, b: str, *, k: int = 3, max_extra_hops: int = 2,
          budget_s: float = 2.0) -> list[dict[str, Any]]:
    """Up to `k` simple paths from the shortest ones, each hop with its edges and sources,
    ranked by the weakest-sourced hop (a chain is as strong as its weakest link), then by
    length. KeyError if an end is not in the graph."""
    for end in (a, b):
        if end not in proj.nodes:
            raise KeyError(end)
    if a == b:
        return []
    ranked = []
    found = shortest_paths(proj.adjacent, a, b, limit=k * 3, max_extra_hops=max_extra_hops,
                           budget_s=budget_s)
    rows = proj.nodes_of(sorted({n for path in found for n in path}))
    for path in found:
        hops = []
        for u, v in zip(path, path[1:], strict=False):
            hop_edges = [edge_json(proj, e) for e in proj.between(u, v)]
            hops.append({"from": u, "to": v, "edges": hop_edges,
                         "sources": max(e["sources"] for e in hop_edges)})
        ranked.append({"nodes": [node_json(proj, rows[n]) for n in path], "hops": hops,
                       "length": len(path) - 1, "weakest": min(h["sources"] for h in hops)})
    ranked.sort(key=lambda p: (-p["weakest"], p["length"]))
    return ranked[:k]


def summary(proj: SharedProjection, top: int = 12) -> dict[str, Any]:
    """Size, kinds, date extent, communities, build timings, and the most central entities
    (the ones to start from)."""
    stored = proj.summary
    rows = proj.nodes_of(stored["top"][:top])
    return {
        "version": proj.version, "analysed": proj.analysed,
        "nodes": stored["nodes"], "edges": stored["edges"], "kinds": stored["kinds"],
        "edgeKinds": stored["edgeKinds"], "dates": stored["dates"],
        "communities": stored["communities"],
        "timings": {k: round(v, 3) for k, v in proj.timings.items()},
        "top": [node_json(proj, rows[n]) for n in stored["top"][:top] if n in rows],
        "predicates": proj.predicate_labels,
    }


def source_list(proj: SharedProjection, limit: int = 500) -> list[dict[str, Any]]:
    """Sources with the most claims first (the source filter's choices)."""
    items = sorted(proj.sources.values(), key=lambda s: (-s["claims"], s["title"]))
    return items[:limit]
