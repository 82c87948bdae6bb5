"""What replacing named graphs of an embedded store changes, found without reading the
graphs back where that can be avoided.

Why: Oxigraph keeps terms as hashes and decodes each one by a separate RocksDB lookup, so
reading a graph back costs ~13 us a quad even in Rust (a 200k-quad table graph: ~3 s before
anything is written, on every re-import). Asking whether a quad is there needs no decoding
(its hashes are computed, one index lookup), and neither does counting a graph. So: the new
quads the store lacks are the added ones; the graph's count less the new quads it holds is
how many are removed; those are looked for among the quads of the nodes the write changes
(a changed cell's old value sits beside its new one) and the whole graph is read only when
they are not all there (a removed row). The result is the one `kg.store.base.difference`
gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from kg.store.base import Changes, Partitions, check_graph_iri, graph_quads


def _count(stores: Sequence[ox.Store], node: ox.NamedNode) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"
    return sum(int(next(iter(store.query(query)))["n"].value) for store in stores)


def _quads(stores: Sequence[ox.Store], node: ox.NamedNode,
           subjects: Iterable[ox.NamedNode | ox.BlankNode] | None = None) -> list[ox.Quad]:
    if subjects is None:
        return [q for s in stores for q in s.quads_for_pattern(None, None, None, node)]
    return [q for subject in subjects for s in stores
            for q in s.quads_for_pattern(subject, None, None, node)]


def graph_changes(node: ox.NamedNode, new: dict[ox.Quad, None], stores: Sequence[ox.Store]
                  ) -> Changes:
    """What making graph `node` hold exactly `new` adds and removes."""
    before = _count(stores, node)
    if before == 0:
        return Changes(list(new), [])
    added = [q for q in new if not any(q in store for store in stores)]
    gone = before - (len(new) - len(added))
    if gone == 0:
        return Changes(added, [])
    near = {q for q in _quads(stores, node, {q.subject for q in added}) if q not in new}
    if len(near) == gone:
        return Changes(added, list(near))
    return Changes(added, [q for q in set(_quads(stores, node)) if q not in new])


def replaced_difference(graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], parts: Partitions
                        ) -> tuple[dict[str, list[ox.Quad]], Changes]:
    """Each graph's new quads, and what replacing the graph in both partitions adds and
    removes."""
    stores = [parts.public, parts.restricted]
    content: dict[str, list[ox.Quad]] = {}
    changes = Changes()
    for graph, items in graphs.items():
        node = ox.NamedNode(check_graph_iri(graph))
        new = graph_quads(node, items)
        found = graph_changes(node, new, stores)
        content[graph] = list(new)
        changes.added.extend(found.added)
        changes.removed.extend(found.removed)
    return content, changes
