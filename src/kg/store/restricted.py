"""Where restricted data is kept out of the public view: routed into its own partition.

Graphs under the restricted prefix, graphs declared `kg:accessLevel kg:Restricted`, and
every quad naming a node marked `kg:accessLevel kg:Restricted` are moved out of the public
partition when they are written, so nothing that reads the public partition (the endpoint,
pages, search, dumps, reconciliation) can reach them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from kg.namespaces import ACCESS_LEVEL, RESTRICTED, RESTRICTED_GRAPH_PREFIX

_MARKED = f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x <{ACCESS_LEVEL}> <{RESTRICTED}> }} }}"


def restricted_graphs(stores: Sequence[ox.Store]) -> set[str]:
    """Graphs under the restricted prefix or declared restricted by `kg:accessLevel`."""
    found: set[str] = set()
    for store in stores:
        for g in store.named_graphs():
            if isinstance(g, ox.NamedNode) and g.value.startswith(RESTRICTED_GRAPH_PREFIX):
                found.add(g.value)
        for row in store.query(_MARKED):
            x = row["x"]
            if isinstance(x, ox.NamedNode) and store.contains_named_graph(x):
                found.add(x.value)
    return found


def restricted_nodes(stores: Sequence[ox.Store]) -> set[ox.NamedNode | ox.BlankNode]:
    """Nodes marked `kg:accessLevel kg:Restricted` in any partition."""
    nodes: set = set()
    for store in stores:
        nodes.update(row["x"] for row in store.query(_MARKED))
    return nodes


def route_restricted(public: ox.Store, restricted: ox.Store) -> int:
    """Move restricted graphs, and every quad naming a restricted node, out of `public`;
    return how many quads moved."""
    moved = 0
    for g in restricted_graphs([public]):
        node = ox.NamedNode(g)
        quads = list(public.quads_for_pattern(None, None, None, node))
        restricted.extend(quads)
        public.remove_graph(node)
        moved += len(quads)
    for node in restricted_nodes([public, restricted]):
        moving = list(public.quads_for_pattern(node, None, None, None))
        moving += list(public.quads_for_pattern(None, None, node, None))
        for quad in moving:
            public.remove(quad)
        restricted.extend(moving)
        moved += len(moving)
    return moved


def merged(public: ox.Store, restricted: ox.Store) -> ox.Store:
    """The full view: the public partition alone when nothing is restricted, else a copy of
    both in memory (queries on it, such as SHACL's, run faster there than on RocksDB).
    Copied quad by quad, not through a serialisation: a parser renames blank nodes, and the
    full view must name every node as the partitions do (a merge read from it and written
    back would otherwise change every blank node; tests/regressions/)."""
    if len(restricted) == 0:
        return public
    full = ox.Store()
    full.bulk_extend(public.quads_for_pattern(None, None, None, None))
    full.bulk_extend(restricted.quads_for_pattern(None, None, None, None))
    return full
