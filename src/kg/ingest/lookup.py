"""Existing entities (prisons, places, organisations) found by any of their labels, folded
as search folds them (case, diacritics, Persian letter variants, transliteration).

An unknown or ambiguous name is never resolved by creating an entity or by picking one: the
caller reports it with the closest known labels, so the user can fix the cell or add the
entity to the graph first.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kg.ingest.report import CellError
from kg.names import LABEL_PROPERTIES, ZWNJ, fold, skeleton, tokens
from kg.namespaces import ONTOLOGY_GRAPH, sparql_prefixes
from kg.store import Store


class NotFound(LookupError):
    """No entity, or several, carry the name; the message says which labels come closest."""


#: Words that name the kind of place, so "Evin" finds "Evin Prison" and "اوین" "زندان اوین".
_GENERIC = {"prison", "زندان", "cemetery", "گورستان", "قبرستان"}
LEVELS = 5


def _keys(text: str) -> list[set[str]]:
    """Ever looser keys: folded text, its words in order, in any order, their skeletons,
    and those without words for the kind of place. Persian writes a ZWNJ, a space or
    nothing between the parts of a name ("مجاهدین‌خلق", "مجاهدین خلق"): each key is made
    both with ZWNJ joining the parts (as `tokens` does) and with it as a space."""
    levels: list[set[str]] = [set() for _ in range(LEVELS)]
    for variant in {text, text.replace(ZWNJ, " ")}:
        words = tokens(variant)
        specific = [w for w in words if w not in _GENERIC] or words
        for level, key in enumerate(
                [fold(variant).strip(), " ".join(words), " ".join(sorted(words)),
                 " ".join(sorted(skeleton(w) for w in words)),
                 " ".join(sorted(skeleton(w) for w in specific))]):
            if key:
                levels[level].add(key)
    return levels


class EntityIndex:
    """Labels of the entities of some classes, by folded keys."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        self.by_key: list[dict[str, set[str]]] = [defaultdict(set) for _ in range(LEVELS)]
        self.labels: dict[str, set[str]] = defaultdict(set)  # folded label -> label texts
        #: Answers given, by cell text and word: a list names the same prisons over and over.
        self._answers: dict[tuple[str, str], str | NotFound] = {}
        for iri, label in rows:
            for level, keys in enumerate(_keys(label)):
                for key in keys:
                    self.by_key[level][key].add(iri)
            self.labels[fold(label).strip()].add(label)

    def __len__(self) -> int:
        return len(self.labels)

    def match(self, text: str, what: str) -> str:
        """The one entity whose label matches `text` at the strictest level that matches."""
        if (text, what) not in self._answers:
            try:
                self._answers[(text, what)] = self._match(text, what)
            except NotFound as exc:
                self._answers[(text, what)] = exc
        answer = self._answers[(text, what)]
        if isinstance(answer, NotFound):
            raise NotFound(str(answer))
        return answer

    def _match(self, text: str, what: str) -> str:
        for level, keys in enumerate(_keys(text)):
            found = set().union(*(self.by_key[level].get(key, ()) for key in keys))
            if found and len(found) == 1:
                return next(iter(found))
            if found:
                names = ", ".join(f"<{i}>" for i in sorted(found)[:4])
                raise NotFound(f"names {len(found)} {what}s ({names}) — write the name as "
                               "one of them labels it, or put its IRI in kg_iri")
        close = difflib.get_close_matches(fold(text).strip(), list(self.labels), n=3,
                                          cutoff=0.6)
        if close:
            shown = "; ".join(sorted(self.labels[c])[0] for c in close)
            hint = f"closest known: {shown} — correct the cell, or add the {what} to the graph"
        else:
            hint = (f"no {what} in the graph has a similar label — add it to the graph "
                    "first (or leave the cell empty)")
        raise NotFound(f"unknown {what}: {hint}")


def entity_index(store: Store, classes: Iterable[str]) -> EntityIndex:
    """Every label of every entity typed (directly or by subclass) with one of `classes`."""
    values = " ".join(str(ox.NamedNode(c)) for c in classes)
    props = " ".join(str(ox.NamedNode(p)) for p in LABEL_PROPERTIES)
    rows = store.query(sparql_prefixes() + f"""
        SELECT DISTINCT ?e ?label WHERE {{
            VALUES ?class {{ {values} }}
            ?e rdf:type/rdfs:subClassOf* ?class .
            VALUES ?p {{ {props} }}
            ?e ?p ?label . FILTER(isLiteral(?label))
        }}""")
    return EntityIndex((r["e"].value, r["label"].value) for r in rows
                       if isinstance(r["e"], ox.NamedNode))


def _which(store: Store, iris: Iterable[str], pattern: str) -> set[str]:
    """Which of `iris` match `pattern` (about ?x) in the store: one query naming them all."""
    wanted = sorted(set(iris))
    if not wanted:
        return set()
    values = " ".join(str(ox.NamedNode(i)) for i in wanted)
    rows = store.query(sparql_prefixes() + f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} "
                       f"{pattern} }}")
    return {r["x"].value for r in rows}


def existing(store: Store, iris: Iterable[str], cls: str) -> set[str]:
    """Which of `iris` are entities of class `cls` (or a subclass) in the store."""
    return _which(store, iris, f"?x rdf:type/rdfs:subClassOf* {ox.NamedNode(cls)}")


def unknown_concepts(store: Store, concepts: dict[str, list[tuple[int, str, str]]]
                     ) -> list[CellError]:
    """An error for every cell naming a concept the graph does not hold (a status, a sex):
    a mapping's valueUrl or kg:concepts must lead to terms the graph knows, never mint new
    ones unsaid. `concepts`: IRI -> the cells (row, column, text) naming it."""
    known = _which(store, concepts, "?x ?p ?o")
    return [CellError(row, column, text,
                      f"no concept <{iri}> in the graph — write a value the graph knows, or "
                      "add the concept (with its labels) to the graph first")
            for iri, cells in sorted(concepts.items()) if iri not in known
            for row, column, text in cells]


def undeclared_terms(store: Store, iris: Iterable[str], namespace: str) -> dict[str, list[str]]:
    """Which of `iris` under `namespace` (kg's own: every one of its terms is declared in
    ontology/) the graph does not declare, each with the closest terms the ontology graph
    declares: a mapping's typo (kg:fathrName) would otherwise make claims of a property
    nobody reads. The declared ones are asked by name (a scan of every typed node took
    1.4 s at 1.3M quads)."""
    ours = sorted({i for i in iris if i.startswith(namespace)})
    declared = _which(store, ours, "?x a ?kind")
    unknown = [i for i in ours if i not in declared]
    if not unknown:
        return {}
    local = {r["t"].value[len(namespace):]: r["t"].value for r in store.query(
        f"SELECT DISTINCT ?t WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?t a ?kind }} "
        f"FILTER(STRSTARTS(STR(?t), \"{namespace}\")) }}")}
    return {iri: [local[c] for c in difflib.get_close_matches(iri[len(namespace):],
                                                              sorted(local), n=2)]
            for iri in unknown}
