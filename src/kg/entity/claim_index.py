"""The claim index: every claim's rows, read once per store version, sliced per page.

A page's claim cards cost an index lookup per claim and query (thousands for a hub page),
while the whole store holds few claims next to its victims, events and evidence. So every
claim's rows of `queries.claim_rows` are read once per version, in the background, and each
page slices its claims out of them. Until the index is ready, pages query for their own
claims (`kg.entity.claims` does both; a test checks they agree).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg.cache import Cached, NotReady
from kg.entity import queries
from kg.store import Store


class ClaimIndex:
    """Every claim's rows of `queries.claim_rows`, grouped by claim, for one store version."""

    def __init__(self, version: str, rows: dict[str, dict[str, list[Any]]],
                 asserted_rows: dict[str, dict[str, list[Any]]]) -> None:
        self.version = version
        self._rows = rows
        self._asserted = asserted_rows

    @classmethod
    def build(cls, store: Store) -> ClaimIndex:
        version = store.version
        terms: dict[Any, Any] = {}  # one object per distinct term, however many rows hold it
        grouped: dict[str, dict[str, list[Any]]] = {}
        for key, query in queries.claim_rows(
                "{ SELECT DISTINCT ?c WHERE { ?c kg:about ?about } }").items():
            grouped[key] = _by_claim(store.query(query), terms)
        small = sorted(c for c, rows in grouped["sizes"].items()
                       if 0 < int(rows[0]["n"].value) <= queries.MAX_ASSERTED)
        asserted: dict[str, dict[str, list[Any]]] = {}
        for start in range(0, len(small), 2000):
            for key, query in queries.asserted(small[start:start + 2000]).items():
                for claim, rows in _by_claim(store.query(query), terms).items():
                    asserted.setdefault(key, {}).setdefault(claim, []).extend(rows)
        return cls(version, grouped, asserted)

    def rows(self, claims: list[str]) -> dict[str, list[Any]]:
        """Per query of `queries.claim_rows`, the rows of these claims, in their order."""
        return _slice(self._rows, claims)

    def asserted(self, claims: list[str]) -> dict[str, list[Any]]:
        """Per query of `queries.asserted`, the rows of these claims, in their order."""
        return _slice(self._asserted, claims)


#: Built once per store version in the background; pages asking meanwhile query per claim.
CLAIM_INDEX = Cached[ClaimIndex]("claim-index", lambda store: ClaimIndex.build(store),
                                 background=True)


def current_index(store: Store) -> ClaimIndex | None:
    """The index of the store's current version, or None while it is being built."""
    try:
        return CLAIM_INDEX.get(store, wait=0)
    except NotReady:
        return None


def _slice(groups: dict[str, dict[str, list[Any]]], claims: list[str]) -> dict[str, list[Any]]:
    return {key: [r for c in claims for r in by_claim.get(c, ())]
            for key, by_claim in groups.items()}


class _Row:
    """A solution as the index keeps it: shared variable positions and shared term objects
    (a pyoxigraph QuerySolution held several times the memory per row)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> Any:
        i = self._names.get(name)
        return None if i is None else self._values[i]


def _by_claim(result: Any, terms: dict[Any, Any]) -> dict[str, list[Any]]:
    """Solutions grouped by ?c, compacted into _Rows."""
    names = {v.value: i for i, v in enumerate(result.variables)}
    c = names["c"]
    grouped: dict[str, list[Any]] = defaultdict(list)
    for solution in result:
        values = tuple(None if t is None else terms.setdefault(t, t) for t in solution)
        grouped[values[c].value].append(_Row(names, values))
    return dict(grouped)
