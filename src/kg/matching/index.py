"""Candidate generation: which entities could a name denote, found without scanning them all.

Every word of every name is keyed by its cross-script skeleton (`kg.names.latin_skeleton`:
Khosravi, Khosrowi and خسروی share "xsrv"), and so is every pair of neighbouring words
joined (Gholam Reza ~ Gholamreza), and so is a name with two words of one skeleton
(Mohammad Mohammadi, Hossein Hosseini: the nisba's "i" is a vowel, so not in skeletons)
once more, as that skeleton twice. A query word also reaches keys one edit away (typos in
consonants, two letters swapped; vowels are not in skeletons anyway). Candidates share at
least two words with the query (set intersections, in C), or one when the query has only
one; the scorer then compares the few hundred left in detail. The index is built once per
store version and view: the public one is a file every server worker reads
(SharedMatchIndex: the profiles, postings and word counts stay in the file), the full one
(restricted data included) lives in memory only.
"""

from __future__ import annotations

import array
import json
import pickle
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kg.cache import Cached, Persist
from kg.matching.features import Rates, father_key
from kg.matching.namesim import form, packed_shape, remember_shape, token_similarity
from kg.matching.profiles import Profile, place_parents, read_profiles
from kg.matching.records import Span
from kg.names import latin_skeleton
from kg.namespaces import ID
from kg.shared_files import Lookup, ReadOnlyDatabase, Rows, pack, unpack, write_database
from kg.store import Store, View

#: Most candidates scored in detail for one query (the best-keyed first).
MAX_CANDIDATES = 1500


def name_keys(text: str) -> tuple[list[str], list[str]]:
    """Skeleton keys of a name's words; and the keys looked up as they are: each pair of
    neighbouring words joined (key i joins words i and i + 1), then a skeleton borne by two
    words ("mhmd|2")."""
    words = [w for w in form(text).tokens if latin_skeleton(w)]
    keys = [latin_skeleton(w) for w in words]
    joined = [latin_skeleton(a + b) for a, b in zip(words, words[1:], strict=False)]
    twice = [f"{k}|2" for k, n in Counter(keys).items() if n > 1]
    return keys, joined + twice


class MatchIndex:
    """Profiles of every candidate entity and the skeleton keys of their names."""

    def __init__(self, profiles: Iterable[Profile], parents: dict[str, set[str]]) -> None:
        started = time.perf_counter()
        self.profiles: list[Profile] = list(profiles)
        self.number = {p.iri: n for n, p in enumerate(self.profiles)}
        self.parents = parents
        postings: dict[str, set[int]] = defaultdict(set)
        # People share names (a few thousand names over tens of thousands of victims):
        # name similarity is computed once per distinct set of names and query.
        groups: dict[tuple[str, ...], int] = {}
        self.group: list[int] = []
        self.group_names: list[list[str]] = []
        for n, profile in enumerate(self.profiles):
            names = tuple(sorted({text for text, _lang, _rank in profile.names}))
            g = groups.get(names)
            if g is None:
                g = groups[names] = len(self.group_names)
                self.group_names.append(list(names))
            self.group.append(g)
            for text, _lang, _rank in profile.names:
                words, joined = name_keys(text)
                for key in words + joined:
                    postings[key].add(n)
        self.postings = {k: frozenset(v) for k, v in postings.items()}
        self.rates = _rates(self.profiles)
        self.vocabulary = sorted(self.postings)
        kinds: dict[str, set[int]] = defaultdict(set)
        for n, profile in enumerate(self.profiles):
            kinds[profile.kind].add(n)
        self.members = {kind: frozenset(numbers) for kind, numbers in kinds.items()}
        # How many people bear each name word (as written, folded: skeletons would count
        # Hassan with Hossein), and each pair of neighbouring words joined (Mohammad Ali ~
        # Mohammadali): how rare a name is, so how likely someone else bears it too.
        words: Counter[str] = Counter()
        for profile in self.profiles:
            if profile.kind == "person":
                words.update(_words(profile.names))
        self.word_df = dict(words)
        self.people = len(self.members.get("person", ()))
        self._near: dict[str, list[str]] = {}
        self._by_length: dict[int, list[str]] = {}
        self._slots: dict[str, frozenset[int]] = {}
        self._kinds: dict[tuple[str, ...], frozenset[int]] = {}
        self._resolved: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self.build_seconds = time.perf_counter() - started

    def __len__(self) -> int:
        return len(self.profiles)

    def profile(self, iri: str) -> Profile | None:
        n = self.number.get(iri)
        return None if n is None else self.profiles[n]

    def names_of_groups(self, groups: Iterable[int]) -> dict[int, list[str]]:
        """The names of each of `groups` (what a query compares names against)."""
        return {g: self.group_names[g] for g in groups}

    def profiles_of(self, numbers: list[int]) -> list[Profile]:
        """The profiles of `numbers`, in their order (those scored in full)."""
        return [self.profiles[n] for n in numbers]

    def bearers(self, name: str) -> float:
        """How many people of a population as large as the graph's would be expected to bear
        `name` (a name of the graph), its words taken as independent: "Mohammad Mohammadi"
        dozens, "Zabihollah Rahimzadeh" a fraction of one."""
        words = form(name).tokens
        if not words or not self.people:
            return float(self.people)
        expected = float(self.people)
        for word in words:
            expected *= max(self.word_df.get(word, 0), 1) / self.people
        return expected

    def near_keys(self, key: str) -> list[str]:
        """The key and the keys one edit away (for keys long enough to bear a typo)."""
        found = self._near.get(key)
        if found is None:
            found = [key] if key in self.postings else []
            if len(key) >= 4:
                if not self._by_length:
                    self._by_length = _within_a_letter(self.vocabulary)
                found += [k for k, _d, _i in process.extract(
                    key, self._by_length.get(len(key), ()), scorer=OSA.distance,
                    score_cutoff=1, limit=25) if k != key]
            if len(self._near) > 200_000:
                self._near.clear()
            self._near[key] = found
        return found

    def _slot(self, key: str, fuzzy: bool = True) -> frozenset[int]:
        """Entities with a name word keyed `key` (or, `fuzzy`, one edit away); kept, as
        common words come back query after query (and postings may be read from a file)."""
        slot = key if fuzzy else "=" + key
        found = self._slots.get(slot)
        if found is None:
            keys = self.near_keys(key) if fuzzy else [key] if key in self.postings else []
            found = frozenset().union(*(self.postings[k] for k in keys))
            if len(self._slots) > 20_000:
                self._slots.clear()
            self._slots[slot] = found
        return found

    def candidates(self, names: list[str], kinds: Iterable[str] | None = None) -> list[int]:
        """Entity numbers whose names share at least two words with one of `names` (one,
        for one-word names), of the given kinds."""
        found: set[int] = set()
        for text in names:
            words, joined = name_keys(text)
            # Joined pairs are looked up as they are: their typos are their words' typos.
            keys = words + joined
            slots = [self._slot(k) for k in words] + [self._slot(k, False) for k in joined]
            if len(words) <= 1:
                for slot in slots:
                    found |= slot
                continue
            near = [set(self.near_keys(k)) for k in words] + [{k} for k in joined]
            hit = False
            for i, j in _pairs(keys, len(words), [bool(slot) for slot in slots]):
                if near[i] & near[j]:
                    # Words a typo apart from each other (Hossein Mohseni, Ahmad Mohammadi):
                    # every bearer of either would be a candidate; as written, or not at all.
                    both = self._slot(keys[i], False) & self._slot(keys[j], False)
                else:
                    both = slots[i] & slots[j]
                if both:
                    found |= both
                    hit = True
            if not hit:
                # Typos or dropped words everywhere: any word will do, the rarest first, but
                # not a word so common that it says nothing (Mohammad, Ali).
                for slot in sorted(slots, key=len):
                    if len(found | slot) > MAX_CANDIDATES:
                        break
                    found |= slot
        if kinds:
            found &= self._of_kinds(tuple(kinds))
        return list(found)

    def _of_kinds(self, kinds: tuple[str, ...]) -> frozenset[int]:
        """The entities of `kinds`, kept: a query asks for people, and copying the people's
        numbers for every query cost more than the rest of candidate generation."""
        found = self._kinds.get(kinds)
        if found is None:
            found = self._kinds[kinds] = frozenset().union(
                *(self.members.get(k, frozenset()) for k in kinds))
        return found

    def resolve(self, text: str, kinds: tuple[str, ...]) -> set[str]:
        """IRIs of the entities of `kinds` a place or body name given as text denotes: every
        word of the text must be in one of its names (Evin ~ Evin Prison; MEK ~ its
        alternative name). Kept per text: a list names the same few prisons row after row."""
        if text.startswith(("http://", "https://")):
            return {text}
        found = self._resolved.get((text, kinds))
        if found is None:
            if len(self._resolved) > 10_000:
                self._resolved.clear()
            found = self._resolved[text, kinds] = frozenset(self._resolve(text, kinds))
        return set(found)

    def _resolve(self, text: str, kinds: tuple[str, ...]) -> set[str]:
        words = form(text).tokens
        if not words:
            return set()
        out: set[str] = set()
        numbers = self.candidates([text], kinds)
        for profile in self.profiles_of(numbers):
            for name, _lang, _rank in profile.names:
                tokens = form(name).tokens
                if all(any(token_similarity(w, t) >= 0.85 for t in tokens) for w in words):
                    out.add(profile.iri)
                    break
        return out


def _within_a_letter(keys: list[str]) -> dict[int, list[str]]:
    """For each length, the keys one letter shorter, as long, and one letter longer (those
    one edit away can be no others), in that order, as `keys` orders them."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for k in keys:
        by_length[len(k)].append(k)
    return {n: by_length.get(n - 1, []) + by_length.get(n, []) + by_length.get(n + 1, [])
            for n in range(1, max(by_length, default=0) + 2)}


def _pairs(keys: list[str], words: int, known: list[bool]) -> Iterator[tuple[int, int]]:
    """The pairs of a query's keys (its `words` word keys, then its joined keys, as
    `name_keys` gives them) whose shared bearers are candidates: not a key and itself, not a
    word and itself joined to its neighbour, and not two neighbouring words that are one
    name somewhere (`known`: Gholam Reza, Mohammad Ali), when there is a third word: their
    joined key stands for them, and as two words they bring every bearer of that name."""
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if keys[i] == keys[j]:  # one skeleton twice: its "|2" key stands for it
                continue
            if j == i + 1 < words > 2 and known[words + i]:
                continue
            if i < words <= j < 2 * words - 1 and j - words in (i - 1, i):
                continue
            yield i, j


def _words(names: list[tuple[str, str, int]]) -> set[str]:
    """The words of a person's names, and neighbouring pairs joined, each once."""
    out: set[str] = set()
    for text, _lang, _rank in names:
        words = form(text).tokens
        out.update(words)
        out.update(a + b for a, b in zip(words, words[1:], strict=False))
    return out


def _share(counts: Counter[str], total: int) -> dict[str, float]:
    return {k: n / total for k, n in counts.items()} if total else {}


def _spread(values: list[int], least: int) -> int:
    """The range holding the middle 80% of the values (at least `least`)."""
    if len(values) < 10:
        return least
    ordered = sorted(values)
    return max(least, ordered[len(ordered) * 9 // 10] - ordered[len(ordered) // 10])


def _rates(profiles: list[Profile]) -> Rates:
    people = [p for p in profiles if p.kind == "person"]
    places: Counter[str] = Counter(i for p in people for i in p.places)
    orgs: Counter[str] = Counter(i for p in people for i in p.affiliations)
    deaths = [d.earliest.toordinal() for p in people for d in p.deaths]
    births = [lo for p in people for lo, _hi in p.births]
    fathers: Counter[str] = Counter(k for p in people for k in {father_key(f) for f in p.fathers})
    return Rates(_share(places, sum(1 for p in people if p.places)),
                 _share(orgs, sum(1 for p in people if p.affiliations)),
                 _share(fathers, sum(1 for p in people if p.fathers)),
                 _spread(deaths, 60), _spread(births, 20))


def _build(store: Store, base: str = ID, view: View = "public") -> MatchIndex:
    return MatchIndex(read_profiles(store, base, view).values(), place_parents(store, view))


# --- the public index as a file every server worker reads (kg.shared_files) -----------------

_SCHEMA = """
CREATE TABLE profile(n INTEGER PRIMARY KEY, iri TEXT NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX profile_iri ON profile(iri);
CREATE TABLE group_name(g INTEGER NOT NULL, i INTEGER NOT NULL, name TEXT NOT NULL,
                         shape BLOB NOT NULL, PRIMARY KEY (g, i)) WITHOUT ROWID;
CREATE TABLE posting(key TEXT PRIMARY KEY, members BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE word(word TEXT PRIMARY KEY, people INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def _write(index: MatchIndex, out: IO[bytes]) -> None:
    def fill(db: sqlite3.Connection) -> None:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO profile VALUES (?,?,?)", (
            (n, p.iri, pickle.dumps(p.packed(), protocol=pickle.HIGHEST_PROTOCOL))
            for n, p in enumerate(index.profiles)))
        db.executemany("INSERT INTO group_name VALUES (?,?,?,?)", (
            (g, i, name, packed_shape(name)) for g, names in enumerate(index.group_names)
            for i, name in enumerate(names)))
        db.executemany("INSERT INTO posting VALUES (?,?)",
                       ((k, pack(v)) for k, v in index.postings.items()))
        db.executemany("INSERT INTO word VALUES (?,?)", index.word_df.items())
        meta = {"size": pickle.dumps(len(index.profiles)), "rates": pickle.dumps(index.rates),
                "parents": pickle.dumps(index.parents),
                "vocabulary": pickle.dumps(index.vocabulary),
                "groups": pickle.dumps(len(index.group_names)),
                "group": array.array("I", index.group).tobytes(),
                "members": pickle.dumps({k: pack(v) for k, v in index.members.items()}),
                "build_seconds": pickle.dumps(index.build_seconds),
                "people": pickle.dumps(index.people)}
        db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())

    write_database(out, fill)


class SharedMatchIndex(MatchIndex):
    """The index read from its file: name keys, name groups, kinds and rates in memory;
    profiles, postings and group names read as needed (a query scores a few hundred)."""

    def __init__(self, path: Path) -> None:  # noqa: D107 - nothing is built here
        db = ReadOnlyDatabase(path)
        meta = dict(db.query("SELECT key, value FROM meta"))
        size = pickle.loads(meta["size"])  # noqa: S301 - our own file, in our own directory
        self.rates = pickle.loads(meta["rates"])  # noqa: S301
        self.parents = pickle.loads(meta["parents"])  # noqa: S301
        self.vocabulary = pickle.loads(meta["vocabulary"])  # noqa: S301
        self.build_seconds = pickle.loads(meta["build_seconds"])  # noqa: S301
        self.group = unpack(meta["group"])
        self.members = {kind: frozenset(unpack(blob)) for kind, blob in
                        pickle.loads(meta["members"]).items()}  # noqa: S301
        self._spans: dict[tuple, Span] = {}
        self.profiles = Rows(db, "SELECT data FROM profile WHERE n = ?", size, self._profile)
        self.group_names = Rows(db, "SELECT json_group_array(name) FROM (SELECT name FROM "
                                "group_name WHERE g = ? ORDER BY i)",
                                pickle.loads(meta["groups"]), json.loads)  # noqa: S301
        self.number = Lookup(db, "SELECT n FROM profile WHERE iri = ?")  # by IRI
        self._db = db
        self.postings = _Postings(db, set(self.vocabulary))
        #: How many people bear a name word (MatchIndex.word_df), read as needed.
        self.word_df = Lookup(db, "SELECT people FROM word WHERE word = ?")
        self.people = pickle.loads(meta["people"])  # noqa: S301
        self._near = {}
        self._by_length = {}
        self._slots = {}
        self._kinds = {}
        self._resolved = {}

    def names_of_groups(self, groups: Iterable[int]) -> dict[int, list[str]]:
        """One query per few hundred groups (a query compares a hundred or so); the names'
        shapes, worked out when the file was written, go to namesim with them."""
        found: dict[int, list[str]] = {}
        for g, name, shape in self._many("group_name", "g", "name, shape", list(groups),
                                         "ORDER BY g, i"):
            found.setdefault(g, []).append(name)
            remember_shape(name, shape)
        return found

    def profiles_of(self, numbers: list[int]) -> list[Profile]:
        found = dict(self._many("profile", "n", "data", numbers))
        return [self._profile(found[n]) for n in numbers]

    def _profile(self, data: bytes) -> Profile:
        if len(self._spans) > 10_000:
            self._spans.clear()
        return Profile.unpacked(pickle.loads(data), self._spans)  # noqa: S301 - our own file

    def _many(self, table: str, key: str, column: str, keys: list[int],
              order: str = "") -> list[tuple]:
        out: list[tuple] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            out += self._db.query(f"SELECT {key}, {column} FROM {table} WHERE {key} IN "  # noqa: S608
                                  f"({','.join('?' * len(chunk))}) {order}", *chunk)
        return out

    @classmethod
    def read(cls, source: IO[bytes]) -> SharedMatchIndex:
        return cls(Path(source.name))


class _Postings:
    """Entities by name key (the keys themselves are in memory)."""

    def __init__(self, db: ReadOnlyDatabase, keys: set[str]) -> None:
        self._db = db
        self._keys = keys

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __getitem__(self, key: str) -> frozenset[int]:
        if key not in self._keys:
            raise KeyError(key)
        return frozenset(unpack(self._db.value(
            "SELECT members FROM posting WHERE key = ?", key)))

    def get(self, key: str, default: frozenset[int] = frozenset()) -> frozenset[int]:
        return self[key] if key in self._keys else default


#: The public index, per store version, in a file every server worker reads (built in a child
#: process when the store is on disk). The file's name changes with its contents: the tables,
#: and what namesim and kg.names make of a name (its keys, its shape).
MATCH_INDEX = Cached[MatchIndex](
    "match-index", lambda store, base=ID: _build(store, base, "public"), max_entries=2,
    persist=Persist("match-index-v9.sqlite", _write, SharedMatchIndex.read, child=True))
#: The full view's index (restricted data included): in memory only, built when asked for.
FULL_MATCH_INDEX = Cached[MatchIndex](
    "match-index-full", lambda store, base=ID: _build(store, base, "full"), warm=False,
    max_entries=1)


def index_for(store: Store, base: str = ID, view: View = "public") -> MatchIndex:
    """The match index of the store's current version over `view`."""
    return (MATCH_INDEX if view == "public" else FULL_MATCH_INDEX).get(store, base)


def index_at_hand(store: Store, base: str = ID, view: View = "public") -> bool:
    """Whether `index_for` will find the index built (else it builds it: on a large graph,
    the longest part of matching a list)."""
    return (MATCH_INDEX if view == "public" else FULL_MATCH_INDEX).at_hand(store, base)
