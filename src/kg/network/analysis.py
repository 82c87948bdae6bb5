"""Analyses of the projection's undirected graph, done once when it is built: PageRank
centrality and communities. (Paths are searched on the shared file: kg.network.paths.)

PageRank by power iteration here, as networkx's own needs scipy; Louvain communities from
networkx, falling back to label propagation (near-linear) on very large graphs.
"""

from __future__ import annotations

import networkx as nx


def pagerank(graph: nx.Graph, damping: float = 0.85, iterations: int = 40,
             tol: float = 1e-9) -> dict[str, float]:
    """PageRank by power iteration, scaled so the mean node scores 1 (networkx's needs scipy)."""
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    neighbours = [[index[m] for m in graph[node]] for node in nodes]
    degree = [len(ns) for ns in neighbours]
    rank = [1.0 / n] * n
    for _ in range(iterations):
        dangling = sum(rank[i] for i in range(n) if degree[i] == 0)
        base = (1.0 - damping) / n + damping * dangling / n
        share = [rank[i] / degree[i] if degree[i] else 0.0 for i in range(n)]
        new = [base + damping * sum(share[j] for j in neighbours[i]) for i in range(n)]
        delta = sum(abs(new[i] - rank[i]) for i in range(n))
        rank = new
        if delta < tol * n:
            break
    return {nodes[i]: rank[i] * n for i in range(n)}


def communities(graph: nx.Graph, louvain_limit: int = 60_000) -> tuple[dict[str, int], str]:
    """Community number of each node (largest community 0) and the method used."""
    if graph.number_of_nodes() <= louvain_limit:
        groups, method = nx.community.louvain_communities(graph, seed=1988), "louvain"
    else:
        groups, method = nx.community.label_propagation_communities(graph), "label propagation"
    ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    return {n: i for i, g in enumerate(ordered) for n in g}, method
