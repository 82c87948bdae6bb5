"""Which IRIs a table's first import mints that nothing in the store can name yet, so that
the SHACL gate need not look them up (`GraphWrite.fresh`, `kg.focus.scope_of`).

Why: a new list mints four evidence nodes per cell (an annotation, its target and two
selectors); looking each up in RocksDB as subject and as object was most of the gate's
time, and on a first import every such look-up finds nothing.

Only the evidence nodes (`id/annotation/<table>-...`) are vouched for, and only when the
store holds no trace of the table: no logged run, nothing in its graphs, its source IRI
named nowhere, and no other table whose slug extends its own or is extended by it by a
`-` (their IRIs could coincide: table `a`, record `b-1` against table `a-b`, record `1`).
The claims, records, people and values an import writes are still looked up, always:
other data may point at a claim (a relay, a contradiction) or describe a person. What this
relies on: annotation IRIs under a table's slug are written by imports of that table only.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.ingest.provlog import Run
from kg.ingest.rows import restricted_graph, table_graph
from kg.namespaces import ID
from kg.store import Partitions


def evidence_prefix(table_slug: str) -> str:
    """Where a table's annotations are minted (`kg.ingest.rows`)."""
    return f"{ID}annotation/{table_slug}-"


def _named(stores: list[ox.Store], iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(next(iter(store.quads_for_pattern(*pattern)), None) is not None
               for store in stores for pattern in ((node, None, None, None),
                                                   (None, None, node, None)))


def fresh_prefixes(basis: Partitions | None, table_slug: str, source: str,
                   previous: Run | None) -> tuple[str, ...]:
    """The prefixes of `GraphWrite.fresh` for this import, read from the dataset it was
    worked out against (the partitions themselves: the store's full view would copy them):
    none unless it is the table's first (see the module's docstring)."""
    stores = [basis.public, basis.restricted] if basis is not None else []
    if not stores or previous is not None or _named(stores, source):
        return ()
    own = (table_graph(table_slug), restricted_graph(table_slug))
    names = {g.value for store in stores for g in store.named_graphs()
             if isinstance(g, ox.NamedNode)}
    for name in names:
        for graph in own:
            base = graph.rsplit("/", 1)[0] + "/"
            if name == graph or (name.startswith(base) and _overlap(
                    name[len(base):], table_slug)):
                return ()
    return (evidence_prefix(table_slug),)


def _overlap(other: str, table_slug: str) -> bool:
    return other.startswith(table_slug + "-") or table_slug.startswith(other + "-")
