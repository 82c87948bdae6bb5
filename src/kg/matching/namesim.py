"""How alike two names are, across scripts, spellings, word order and compound names.

String distances come from rapidfuzz (Levenshtein, OSA, Indel, Jaro-Winkler in C); folding,
ezafe, titles and the cross-script skeleton from `kg.names`, the one folding shared with
search. A name is compared as a set of words aligned one to one, so word order does not
matter; two neighbouring words that equal one word on the other side are joined first
(Gholam Reza ~ Gholamreza, غلام رضا ~ غلامرضا); a word missing on one side costs half a
word (a dropped middle name is not a different person, but "Ali Ahmadi" is not quite
"Ali Reza Ahmadi" either).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Indel, JaroWinkler, Levenshtein

from kg.names import is_latin, latin_skeleton, name_tokens, skeleton

#: Token pairs below this similarity are not aligned at all.
ALIGN_AT = 0.75
#: "-ollah" names written apart (Nemat Ollah, نعمت الله): joined again, as "Allah" alone is
#: dropped with the titles (Ayat Ollah) — and Ayat-ollah, joined, is still a title.
_ALLAH = re.compile(r"([^\s,;]+)[\s\u200c-]+(الله|[ao]llah|[ou]llah|olah|ulah)(?=[\s,;]|$)",
                    re.IGNORECASE)
_AYAT = frozenset({"آیت", "ایت", "ayat"})


def _join_allah(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    return f"{head} {tail}" if head.casefold() in _AYAT else head + tail


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name's words as compared: folded tokens and their cross-script skeletons."""

    text: str
    tokens: tuple[str, ...]
    skeletons: tuple[str, ...]


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
#: A name as `similarity` compares it: its words, their skeletons, the lengths a word that
#: equals one of them may have (its length +-1), each pair of neighbouring words joined
#: (text, skeleton, length), and whether the name is written in Persian script.
Shape = tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...],
              tuple[tuple[str, str, int], ...], bool]


#: Names' shapes kept (by name), at most; a process of the server or a list's matching sees
#: the graph's names (two or three per person) and the queries'.
SHAPES_KEPT = 1 << 18
_shapes: dict[str, Shape] = {}


def _shape(text: str) -> Shape:
    """Worked out once per name (a query compares a hundred names of the graph), as plain
    tuples: the garbage collector stops tracking tuples of strings and numbers, where
    kept objects of a class are walked at every full collection."""
    found = _shapes.get(text)
    if found is None:
        words = tuple(name_tokens(_ALLAH.sub(_join_allah, text)))
        joined = [a + b for a, b in zip(words, words[1:], strict=False)]
        found = (words, tuple(latin_skeleton(w) for w in words), _near_lengths(words),
                 tuple((j, latin_skeleton(j), len(j)) for j in joined),
                 bool(_ARABIC_SCRIPT.search(text)))
        _keep(text, found)
    return found


def _keep(text: str, shape: Shape) -> None:
    if len(_shapes) >= SHAPES_KEPT:
        _shapes.clear()
    _shapes[text] = shape


def packed_shape(text: str) -> bytes:
    """What `similarity` works out from a name alone, as bytes: a file of names (the match
    index's) keeps them beside the names, so that a process reading the names does not
    fold them again (folding and keying a name costs much more than reading this)."""
    return pickle.dumps(_shape(text), protocol=pickle.HIGHEST_PROTOCOL)


def remember_shape(text: str, packed: bytes) -> None:
    """Take a name's shape as `packed_shape` gave it (read with the name from a file)."""
    if text not in _shapes:
        _keep(text, pickle.loads(packed))  # noqa: S301 - our own file, in our own directory


def _near_lengths(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple({n for w in words for n in (len(w) - 1, len(w), len(w) + 1)})


def form(text: str) -> NameForm:
    words, skeletons, _near, _joins, _persian = _shape(text)
    return NameForm(text, words, skeletons)


#: Different names that romanise alike (the same consonants): each spelling -> its name.
_DISTINCT = {spelling: name for name, spellings in {
    "hossein": "hossein hosein hussein husein husain hosain hossain husayn",
    "hassan": "hassan hasan", "hosseini": "hosseini hoseini husseini huseini husaini",
    "hassani": "hassani hasani", "mohammad": "mohammad mohamad muhammad mohammed mohamed",
    "mahmoud": "mahmoud mahmud mahmood", "mohammadi": "mohammadi mohamadi muhammadi",
    "mahmoudi": "mahmoudi mahmudi mahmoodi", "hamid": "hamid", "hamed": "hamed",
    "karim": "karim", "karam": "karam", "karimi": "karimi", "karami": "karami",
}.items() for spelling in spellings.split()}


def _other_name(a: str, b: str) -> bool:
    """Words of one script that are different names though alike: Hossein and Hassan; a
    word and the same with a nisba or surname suffix (Karim, Karimi, Karimian, کریم‌زاده),
    which no misspelling adds."""
    if a in _DISTINCT and b in _DISTINCT:
        return _DISTINCT[a] != _DISTINCT[b]
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not long_.startswith(short) or len(short) < 3:
        return False
    return len(long_) - len(short) >= 2 or long_[-1] in "iyی"


class PairMemo:
    """The values of a pure function of two strings, kept by the first string, then the
    second. Why not functools.lru_cache: a dict holding only strings and numbers is never
    walked by the garbage collector, where an lru_cache's entries are walked at every full
    collection (with a million token pairs kept, those walks were a large part of matching
    a list; bench/results/matching.md). Emptied when it holds `limit` values."""

    def __init__(self, compute: Callable[[str, str], float], limit: int) -> None:
        self._compute = compute
        self._limit = limit
        self._rows: dict[str, dict[str, float]] = {}
        self._size = 0
        self.__doc__ = compute.__doc__

    def row(self, a: str) -> dict[str, float]:
        """The values kept for `a`, by the second string (`fill` what is not there): loops
        over many pairs with one first string look them up without a call each."""
        row = self._rows.get(a)
        if row is None:
            row = self._rows[a] = {}
        return row

    def fill(self, row: dict[str, float], a: str, b: str) -> float:
        """The value for `a` and `b`, worked out and kept in `a`'s `row`."""
        if self._size >= self._limit:
            self._rows.clear()
            self._size = 0
            row = self._rows[a] = {}
        value = row[b] = self._compute(a, b)
        self._size += 1
        return value

    def __call__(self, a: str, b: str) -> float:
        row = self.row(a)
        value = row.get(b)
        return self.fill(row, a, b) if value is None else value


def _token_similarity(a: str, b: str) -> float:
    """1 for the same folded word; 0.95 a transliteration variant (Khosravi/Khosrowi);
    0.9 one typo, or the same word in the other script; 0 when they are different words
    (which includes alike names that are not the same: Hossein/Hassan, Karimi/Karimian)."""
    if a == b:
        return 1.0
    latin_a, latin_b = is_latin(a), is_latin(b)
    if latin_a == latin_b and _other_name(a, b):
        return 0.0
    if latin_a and latin_b:
        if len(a) == 1 or len(b) == 1:  # an initial: "F. Ahmadi"
            return 0.76 if a[0] == b[0] else 0.0
        if skeleton(a) == skeleton(b) and Indel.normalized_similarity(a, b) >= 0.6:
            return 0.95
        shortest = min(len(a), len(b))
        distance = OSA.distance(a, b, score_cutoff=2)  # a transposed pair is one typo
        if (distance == 1 and shortest >= 5) or (distance == 2 and shortest >= 8):
            return 0.9 if distance == 1 else 0.85
        jw = JaroWinkler.normalized_similarity(a, b)
        return 0.8 if jw >= 0.93 and shortest >= 6 else 0.0
    if not latin_a and not latin_b:
        if Levenshtein.distance(a, b, score_cutoff=1) == 1 and min(len(a), len(b)) >= 4:
            return 0.9
        sa, sb = latin_skeleton(a), latin_skeleton(b)
        return 0.9 if sa == sb and len(sa) >= 3 else 0.0
    sa, sb = latin_skeleton(a), latin_skeleton(b)
    if sa == sb and len(sa) >= 2:
        return 0.9
    if min(len(sa), len(sb)) >= 4 and Levenshtein.distance(sa, sb, score_cutoff=1) == 1:
        return 0.75
    return 0.0


token_similarity = PairMemo(_token_similarity, 1 << 20)


def _join_compounds(words: tuple[str, ...], joins: tuple[tuple[str, str, int], ...],
                    other: tuple[str, ...], keys: tuple[str, ...],
                    near: tuple[int, ...]) -> tuple[str, ...]:
    """Join neighbouring `words` that together are one word of `other` (`joins`: each pair
    joined, its skeleton and length; `keys`, `near`: the skeletons of `other`'s words and
    the lengths one edit from theirs). `words` itself when nothing joins (most names)."""
    out: list[str] | None = None
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            joined, key, length = joins[i]
            # token_similarity reaches 0.9 only for the same skeleton or one edit apart:
            # most pairs are ruled out without it.
            if (key in keys or length in near) and any(
                    token_similarity(joined, o) >= 0.9 for o in other):
                if out is None:
                    out = list(words[:i])
                out.append(joined)
                i += 2
                continue
        if out is not None:
            out.append(words[i])
        i += 1
    return words if out is None else tuple(out)


def _similarity(a: str, b: str) -> float:
    """How alike names `a` and `b` are, 0..1 (1: the same words, in any order)."""
    words_a, keys_a, near_a, joins_a, _ = _shape(a)
    words_b, keys_b, near_b, joins_b, _ = _shape(b)
    if not words_a or not words_b:
        return 0.0
    if words_a == words_b:
        return 1.0
    left = _joined(words_a, joins_a, words_b, keys_b, near_b)
    if left is not words_a:
        keys_a, near_a = tuple(latin_skeleton(w) for w in left), _near_lengths(left)
    return _aligned(left, _joined(words_b, joins_b, left, keys_a, near_a))


def _joined(words: tuple[str, ...], joins: tuple[tuple[str, str, int], ...],
            other: tuple[str, ...], keys: tuple[str, ...], near: tuple[int, ...]
            ) -> tuple[str, ...]:
    """`words` with compounds joined (`_join_compounds`), asked only when some joined pair
    could equal a word of `other` at all (most names have none)."""
    if any(key in keys or length in near for _text, key, length in joins):
        return _join_compounds(words, joins, other, keys, near)
    return words


similarity = PairMemo(_similarity, 1 << 19)


def _aligned(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Words aligned one to one, the most alike first; what is left over costs half."""
    pairs = []
    memo = token_similarity
    for i, x in enumerate(left):
        row = memo.row(x)
        for j, y in enumerate(right):
            sim = row.get(y)
            if sim is None:
                sim = memo.fill(row, x, y)
            if sim >= ALIGN_AT:
                pairs.append((sim, i, j))
    if not pairs:
        return 0.0
    pairs.sort(reverse=True)
    used_left = used_right = 0  # bit i: word i aligned
    total = 0.0
    matched = 0
    for sim, i, j in pairs:
        if used_left >> i & 1 or used_right >> j & 1:
            continue
        used_left |= 1 << i
        used_right |= 1 << j
        total += sim
        matched += 1
    unmatched = (len(left) - matched) + (len(right) - matched)
    return total / (matched + 0.5 * unmatched)


#: Where both sides give the name in the same script, a match across scripts counts for at
#: most this much more than that script's own: a Latin skeleton of a Persian name has no
#: short vowels (Hamid and حامد, Hassan and حسین meet there), so two spellings in one
#: script, which keep them, say more.
SAME_SCRIPT_SAYS = 0.85


def best_similarity(names: list[str], others: list[str]) -> float:
    """The best similarity between any of `names` and any of `others`; where both give the
    name in a script (Latin, Persian), no better than that script's spellings' own (or
    SAME_SCRIPT_SAYS)."""
    values = []
    memo = similarity
    for a in names:
        row = memo.row(a)
        for b in others:
            value = row.get(b)
            values.append(memo.fill(row, a, b) if value is None else value)
    best = max(values, default=0.0)
    if best <= SAME_SCRIPT_SAYS:
        return best
    mine = [_shape(a)[4] for a in names]
    theirs = [_shape(b)[4] for b in others]
    for persian in (False, True):
        same = [values[i * len(others) + j] for i, x in enumerate(mine) if x is persian
                for j, y in enumerate(theirs) if y is persian]
        if same:
            best = min(best, max(max(same), SAME_SCRIPT_SAYS))
    return best
