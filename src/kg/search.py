"""Name search over labels in every language and script, tolerant of transliteration.

Why an index: a Python scan of every label per request does not hold at 1.3M triples, and
SPARQL `REGEX` cannot fold Persian letter variants or "Khosravi"/"Khosrowi". So one SPARQL
query over the label properties builds, once per store version and process, a sorted list of
folded tokens (for prefix search by bisection) and a table of consonant skeletons (for
transliteration variants). Keys and queries go through the same folding.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import heapq
import os
import pickle
import re
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import ID, sparql_prefixes
from kg.store import Store

#: Label properties searched, in order of preference for the displayed name.
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "https://schema.org/alternateName",
    "http://purl.org/dc/terms/title",
)

ZWNJ = "\u200c"
# Arabic code points that Persian writes differently, tatweel, and Arabic-Indic digits.
_PERSIAN = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u06d2": "\u06cc",  # yeh variants -> Farsi yeh
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u06d5": "\u0647",  # teh marbuta, heh variants
    "\u0640": None,  # tatweel
    "\u200d": None, "\u200f": None, "\u200e": None, "\ufeff": None,  # joiners, marks
    "\u02bf": None, "\u02be": None, "'": None, "\u2019": None, "\u2018": None, "`": None,
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
})
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = set("aeiouy")


def fold(text: str) -> str:
    """Lower-case, without diacritics or harakat, Persian letter variants unified."""
    text = unicodedata.normalize("NFKD", text.translate(_PERSIAN))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text).casefold().translate(_PERSIAN)


def tokens(text: str, *, split_zwnj: bool = False) -> list[str]:
    """Folded words; ZWNJ joins a word, and `split_zwnj` also yields its parts (for keys)."""
    folded = fold(text)
    words = _TOKEN.findall(folded.replace(ZWNJ, ""))
    if split_zwnj and ZWNJ in folded:
        words += [w for w in _TOKEN.findall(folded.replace(ZWNJ, " ")) if w not in words]
    return words


_TRANSLIT = (
    ("kh", "x"), ("gh", "q"), ("dh", "z"), ("ph", "f"), ("dj", "j"), ("tch", "ch"),
    ("ee", "i"), ("oo", "u"), ("ou", "u"), ("aa", "a"),
)


@functools.lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A transliteration-blind key: Khosravi/Khosrowi -> 'xsrv', Mojahedin/Mujahideen -> 'mjhdn'.

    Romanisations of Persian differ mostly in vowels (o/u, e/i, ow/ou/o), in doubled letters
    and in a few digraphs (kh/x, gh/q, dh/z), so those are folded and non-initial vowels
    dropped. Non-Latin tokens (Persian script) are returned as they are.
    """
    if not token.isascii():
        return token
    t = token
    for old, new in _TRANSLIT:
        t = t.replace(old, new)
    # "w" is a consonant before a vowel (Khosrowi ~ Khosravi), a vowel otherwise (Rowhani).
    t = re.sub(r"w(?=[aeiouy])", "v", t).replace("w", "u")
    t = re.sub(r"(.)\1+", r"\1", t)
    t = re.sub(r"(?<=[aeiou])h$", "", t)  # silent final heh: Zadeh ~ Zade
    if not t:
        return t
    head = "a" if t[0] in _VOWELS - {"y"} else t[0]
    return head + "".join(c for c in t[1:] if c not in _VOWELS)


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

    One plain triple pattern per property: at 1.3M triples this costs a quarter of the CPU
    of a single query with VALUES and a STRSTARTS filter (measured 2.7 s against 9.9 s), and
    the prefix test is cheap in Python.
    """
    for prop in LABEL_PROPERTIES:
        for row in store.query(f"SELECT ?s ?l WHERE {{ ?s {ox.NamedNode(prop)} ?l }}"):
            subject, label = row[0], row[1]
            if (isinstance(label, ox.Literal) and isinstance(subject, ox.NamedNode)
                    and subject.value.startswith(base)):
                yield subject.value, prop, label.value, label.language or ""


#: Bump when the index layout changes, so old cache files are not read.
INDEX_FORMAT = 1
_CACHE: dict[str, SearchIndex] = {}
_LOCK = threading.Lock()


def default_cache_dir() -> Path:
    """A per-user directory for index files, shared by the server's worker processes."""
    return Path(tempfile.gettempdir()) / f"kg-cache-{os.getuid()}"


def index_for(store: Store, base: str = ID, cache_dir: Path | None = None) -> SearchIndex:
    """The index of the store's current version: in memory, else from a cache file, else built.

    The file (keyed by store version) lets every web server worker and a restarted server skip
    the build; the directory is created private (0700) because pickles are only safe to load
    from a place no one else can write.
    """
    version = f"{INDEX_FORMAT} {store.version} {base}"
    index = _CACHE.get(version)
    if index is not None:
        return index
    with _LOCK:
        index = _CACHE.get(version)
        if index is None:
            index = _load_or_build(store, base, version, cache_dir)
            _CACHE.clear()  # one version at a time: the old one is gone
            _CACHE[version] = index
    return index


def _load_or_build(store: Store, base: str, version: str, cache_dir: Path | None) -> SearchIndex:
    path = None
    if cache_dir is not None and not store.version.startswith("memory-"):
        # One file per store (several stores may share the directory), replaced when the
        # store's version moves on.
        store_key = hashlib.sha256(store.version.rsplit("@", 1)[0].encode()).hexdigest()[:16]
        digest = hashlib.sha256(version.encode()).hexdigest()[:16]
        path = cache_dir / f"search-{store_key}-{digest}.pickle"
        try:
            if path.stat().st_uid == os.getuid() and cache_dir.stat().st_mode & 0o022 == 0:
                with path.open("rb") as handle:
                    index = pickle.load(handle)
                if isinstance(index, SearchIndex):
                    return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    index = SearchIndex(label_rows(store, base))
    if path is not None:
        try:
            cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # type: ignore[union-attr]
            for old in path.parent.glob(f"search-{store_key}-*.pickle"):
                old.unlink(missing_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache, not a requirement
    return index


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


def local_name(iri: str) -> str:
    """The readable tail of an IRI, for terms without a label."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]
