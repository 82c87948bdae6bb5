"""Display labels of IRIs: the best English (else untagged, else any) name, per store version.

Pages name the same sources, statuses and events over and over, so labels are looked up in
one query for all the IRIs a page names that are not cached yet, and kept per version.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.cache import Cached
from kg.names import LABEL_PROPERTIES
from kg.namespaces import local_name
from kg.store import Store

#: Properties that name a node in links (alternative labels excepted), best first.
DISPLAY_LABELS = (LABEL_PROPERTIES[0], LABEL_PROPERTIES[1], LABEL_PROPERTIES[2],
                  LABEL_PROPERTIES[5])
_RANK = {p: i for i, p in enumerate(DISPLAY_LABELS)}

LABEL = Cached[str]("label", lambda store, iri: labels(store, [iri])[iri], warm=False,
                    max_entries=50_000)


def labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's display label (its local name when it has none)."""
    unique = sorted({i for i in iris if i})
    known: dict[str, str] = {}
    missing = []
    for iri in unique:
        hit = LABEL.peek(store, iri)
        if hit is None:
            missing.append(iri)
        else:
            known[iri] = hit
    if not missing:
        return known
    version = store.version
    found: dict[str, tuple[int, str]] = {}
    values = " ".join(str(ox.NamedNode(i)) for i in missing)
    props = ", ".join(str(ox.NamedNode(p)) for p in DISPLAY_LABELS)
    # FILTER IN, not a second VALUES block: Oxigraph joins two VALUES blocks badly.
    rows = store.query(f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?l "
                       f"FILTER(?p IN ({props})) }}")
    for row in rows:
        lit = row["l"]
        lang = lit.language or ""
        rank = _RANK[row["p"].value] + (0 if lang == "en" else 10 if lang == "" else 20)
        key = row["s"].value
        if key not in found or rank < found[key][0]:
            found[key] = (rank, lit.value)
    for iri in missing:
        label = found[iri][1] if iri in found else local_name(iri)
        known[iri] = label
        LABEL.put(store, label, iri, version=version)
    return known
