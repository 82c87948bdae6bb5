"""Name search over labels in every language and script, tolerant of transliteration.

Why an index: a Python scan of every label per request does not hold at scale, and
SPARQL `REGEX` cannot fold Persian letter variants or "Khosravi"/"Khosrowi". So one SPARQL
query over the label properties builds, once per store version, a sorted list of folded
tokens (for prefix search by bisection) and a table of consonant skeletons (for
transliteration variants). Keys and queries go through the same folding. Built once, it is
a file every server worker reads (SharedSearchIndex), not a copy in each.
"""

from __future__ import annotations

import bisect
import heapq
import json
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.cache import Cached, Persist
from kg.names import LABEL_PROPERTIES, ZWNJ, skeleton, tokens
from kg.namespaces import ID, local_name, sparql_prefixes
from kg.shared_files import Lookup, ReadOnlyDatabase, Rows, pack, unpack, write_database
from kg.store import Store


@dataclass
class Hit:
    """One entity found, with the label that matched and how well."""

    iri: str
    label: str
    lang: str
    matched: str
    score: float
    types: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"iri": self.iri, "label": self.label, "lang": self.lang,
                "matched": self.matched, "score": round(self.score, 3),
                "types": [{"iri": t, "label": label} for t, label in self.types]}


class SearchIndex:
    """Folded tokens and skeletons of every label, pointing at entity numbers."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """`rows` are (entity IRI, label property, label text, language tag)."""
        started = time.perf_counter()
        self.iris: list[str] = []
        self.labels: list[list[tuple[str, str, int]]] = []  # (text, lang, property rank)
        number: dict[str, int] = {}
        postings: dict[str, set[int]] = defaultdict(set)
        full: dict[str, set[int]] = defaultdict(set)
        rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
        # Names repeat a lot (a few thousand given and family names over 50k victims), so
        # folding is memoised per label text and per token.
        folded: dict[str, list[str]] = {}
        for iri, prop, text, lang in rows:
            n = number.get(iri)
            if n is None:
                n = number[iri] = len(self.iris)
                self.iris.append(iri)
                self.labels.append([])
            entry = (text, lang, rank.get(prop, len(rank)))
            if entry in self.labels[n]:
                continue  # the same triple in two source graphs
            self.labels[n].append(entry)
            toks = folded.get(text)
            if toks is None:
                toks = folded[text] = tokens(text, split_zwnj=True)
                full_key = " ".join(tokens(text))
            else:
                full_key = " ".join(tokens(text)) if ZWNJ in text else None
            for tok in toks:
                postings[tok].add(n)
            full[full_key if full_key is not None else " ".join(toks)].add(n)
        skeletons: dict[str, set[int]] = defaultdict(set)
        for tok, entities in postings.items():
            skeletons[skeleton(tok)].update(entities)
        self.keys = sorted(postings)
        self.postings = [postings[k] for k in self.keys]
        self.skeleton_keys = sorted(skeletons)
        self.skeletons = [skeletons[k] for k in self.skeleton_keys]
        self.full = dict(full)
        self.primary = [min(labels, key=_preference) for labels in self.labels]
        self.build_seconds = time.perf_counter() - started

    def __len__(self) -> int:
        return len(self.iris)

    @staticmethod
    def _prefixed(keys: list[str], values: list[set[int]], prefix: str,
                  cap: int = 20000) -> set[int]:
        """Union of postings of every key starting with `prefix` (bisection, no full scan).

        Capped so that a one-letter query stays cheap; ranking favours exact words anyway.
        """
        found: set[int] = set()
        i = bisect.bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix) and len(found) < cap:
            found |= values[i]
            i += 1
        return found

    @staticmethod
    def _exact(keys: list[str], values: list[set[int]], key: str) -> set[int]:
        i = bisect.bisect_left(keys, key)
        return values[i] if i < len(keys) and keys[i] == key else set()

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Entities whose labels hold every query word (as a prefix or a transliteration)."""
        words = tokens(query)
        if not words:
            return []
        scores: dict[int, float] | None = None
        for w in words:
            word: dict[int, float] = {}
            sk = skeleton(w)
            if len(sk) >= 3 or (not w.isascii() and len(w) >= 2):
                word.update(dict.fromkeys(
                    self._prefixed(self.skeleton_keys, self.skeletons, sk), 1.0))
            else:
                word.update(dict.fromkeys(
                    self._exact(self.skeleton_keys, self.skeletons, sk), 1.0))
            word.update(dict.fromkeys(self._prefixed(self.keys, self.postings, w), 2.0))
            word.update(dict.fromkeys(self._exact(self.keys, self.postings, w), 3.0))
            if scores is None:
                scores = word
            else:
                scores = {n: s + word[n] for n, s in scores.items() if n in word}
        assert scores is not None
        folded_query = " ".join(words)
        for n in self.full.get(folded_query, ()):
            if n in scores:
                scores[n] += 2.0 * len(words)
        primary = self.primary
        best = heapq.nsmallest(
            limit, scores, key=lambda n: (-scores[n], len(primary[n][0]), primary[n][0], n))
        hits = []
        for n in best:
            text, lang, _ = primary[n]
            hits.append(Hit(self.iris[n], text, lang, self._matched(n, words, folded_query),
                            scores[n] / len(words)))
        return hits

    def _matched(self, n: int, words: list[str], folded_query: str) -> str:
        """The label of entity `n` that best matches the query (shown when not the name)."""
        matched, best = "", -1
        for candidate, _lang, _rank in self.labels[n]:
            toks = tokens(candidate)
            score = sum(1 for w in words if any(t.startswith(w) for t in toks))
            if " ".join(toks) == folded_query:
                score += len(words) + 1
            if score > best:
                best, matched = score, candidate
        return matched


def _preference(label: tuple[str, str, int]) -> tuple[int, bool, bool, str]:
    """Preferred label first, English first, then untagged, then any."""
    text, lang, rank = label
    return rank, lang != "en", lang != "", text


def label_rows(store: Store, base: str = ID) -> Iterator[tuple[str, str, str, str]]:
    """(entity, property, text, lang) of every labelled entity minted under `base`.

    One plain triple pattern per property: a fraction of the CPU of one query with VALUES
    and a STRSTARTS filter (bench/results/design.md), and the prefix test is cheap in Python.
    """
    for prop in LABEL_PROPERTIES:
        for row in store.query(f"SELECT ?s ?l WHERE {{ ?s {ox.NamedNode(prop)} ?l }}"):
            subject, label = row[0], row[1]
            if (isinstance(label, ox.Literal) and isinstance(subject, ox.NamedNode)
                    and subject.value.startswith(base)):
                yield subject.value, prop, label.value, label.language or ""


# --- the index as a file every server worker reads (kg.shared_files) ------------------------

_SCHEMA = """
CREATE TABLE entity(n INTEGER PRIMARY KEY, iri TEXT NOT NULL, labels TEXT NOT NULL);
CREATE TABLE token(i INTEGER PRIMARY KEY, members BLOB NOT NULL);
CREATE TABLE skeleton(i INTEGER PRIMARY KEY, members BLOB NOT NULL);
CREATE TABLE phrase(key TEXT PRIMARY KEY, members BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _write_index(index: SearchIndex, out: IO[bytes]) -> None:
    def fill(db: sqlite3.Connection) -> None:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO entity VALUES (?,?,?)", (
            (n, iri, json.dumps(labels, ensure_ascii=False))
            for n, (iri, labels) in enumerate(zip(index.iris, index.labels, strict=True))))
        db.executemany("INSERT INTO token VALUES (?,?)", enumerate(map(pack, index.postings)))
        db.executemany("INSERT INTO skeleton VALUES (?,?)",
                       enumerate(map(pack, index.skeletons)))
        db.executemany("INSERT INTO phrase VALUES (?,?)",
                       ((k, pack(v)) for k, v in index.full.items()))
        langs = sorted({lang for _, lang, _ in index.primary})
        meta = {"keys": index.keys, "skeleton_keys": index.skeleton_keys, "langs": langs,
                "primary": [[text, langs.index(lang), rank]
                            for text, lang, rank in index.primary],
                "build_seconds": index.build_seconds}
        db.executemany("INSERT INTO meta VALUES (?,?)",
                       ((k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()))

    write_database(out, fill)


class SharedSearchIndex(SearchIndex):
    """The index read from its file: the sorted keys and each entity's preferred label (what
    every search ranks by) in memory, postings, IRIs and labels read as needed."""

    def __init__(self, path: Path) -> None:  # noqa: D107 - nothing is built here
        db = ReadOnlyDatabase(path)
        meta = {k: json.loads(v) for k, v in db.query("SELECT key, value FROM meta")}
        self.keys = meta["keys"]
        self.skeleton_keys = meta["skeleton_keys"]
        self.build_seconds = meta["build_seconds"]
        langs = meta["langs"]
        self.primary = [(text, langs[lang], rank) for text, lang, rank in meta["primary"]]
        self.postings = Rows(db, "SELECT members FROM token WHERE i = ?", len(self.keys),
                              lambda blob: set(unpack(blob)))
        self.skeletons = Rows(db, "SELECT members FROM skeleton WHERE i = ?",
                               len(self.skeleton_keys), lambda blob: set(unpack(blob)))
        self.iris = Rows(db, "SELECT iri FROM entity WHERE n = ?", len(self.primary), str)
        self.labels = Rows(db, "SELECT labels FROM entity WHERE n = ?", len(self.primary),
                            lambda text: [tuple(x) for x in json.loads(text)])
        #: Entities by their whole folded label.
        self.full = Lookup(db, "SELECT members FROM phrase WHERE key = ?",
                           lambda blob: set(unpack(blob)))

    @classmethod
    def read(cls, source: IO[bytes]) -> SharedSearchIndex:
        return cls(Path(source.name))


#: The label index of each id space, per store version, in a file every server worker reads
#: (built in a child process when the store is on disk).
SEARCH_INDEX = Cached[SearchIndex](
    "search-index", lambda store, base=ID: SearchIndex(label_rows(store, base)), max_entries=2,
    persist=Persist("search-index-v2.sqlite", _write_index, SharedSearchIndex.read, child=True))


def index_for(store: Store, base: str = ID) -> SearchIndex:
    """The index of the store's current version over the entities minted under `base`."""
    return SEARCH_INDEX.get(store, base)


def with_types(store: Store, hits: list[Hit]) -> list[Hit]:
    """Fill each hit's types (with English labels) in one query, for typed results."""
    if not hits:
        return hits
    values = " ".join(str(ox.NamedNode(h.iri)) for h in hits)
    rows = store.query(
        sparql_prefixes()
        + f"SELECT ?s ?t (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }} ?s a ?t . "
        + "OPTIONAL { ?t rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), 'en') || LANG(?l) = '') } }"
        + " GROUP BY ?s ?t")
    by_iri: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        t = row["t"].value
        label = row["label"].value if row["label"] is not None else local_name(t)
        by_iri[row["s"].value].append((t, label))
    for hit in hits:
        types = {label[:1].upper() + label[1:]: t for t, label in by_iri.get(hit.iri, [])}
        if len(types) > 1:  # prov:Agent says nothing a Person or Organisation does not
            types.pop("Agent", None)
        hit.types = sorted(((t, label) for label, t in types.items()), key=lambda x: x[1])
    return hits
