"""The matcher's name similarity (`kg.matching.namesim`) as it was first written,
straightforward and slow, kept whole: the reference the restructured one must agree with on
every pair of names (tests/test_namesim.py). Not used by kg itself."""

from __future__ import annotations

import functools
import re
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


@functools.lru_cache(maxsize=262144)
def form(text: str) -> NameForm:
    words = tuple(name_tokens(_ALLAH.sub(_join_allah, text)))
    return NameForm(text, words, tuple(latin_skeleton(w) for w in words))


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


@functools.lru_cache(maxsize=1048576)
def token_similarity(a: str, b: str) -> float:
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


def _join_compounds(words: list[str], other: tuple[str, ...]) -> list[str]:
    """Join neighbouring words that together are one word of `other`."""
    out: list[str] = []
    i = 0
    keys = {latin_skeleton(o) for o in other}
    lengths = {len(o) for o in other}
    while i < len(words):
        if i + 1 < len(words):
            joined = words[i] + words[i + 1]
            # token_similarity reaches 0.9 only for the same skeleton or one edit apart:
            # most pairs are ruled out without it.
            if (latin_skeleton(joined) in keys or not lengths.isdisjoint(
                    (len(joined) - 1, len(joined), len(joined) + 1))) and any(
                    token_similarity(joined, o) >= 0.9 for o in other):
                out.append(joined)
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out


@functools.lru_cache(maxsize=524288)
def similarity(a: str, b: str) -> float:
    """How alike names `a` and `b` are, 0..1 (1: the same words, in any order)."""
    fa, fb = form(a), form(b)
    if not fa.tokens or not fb.tokens:
        return 0.0
    if fa.tokens == fb.tokens:
        return 1.0
    left = _join_compounds(list(fa.tokens), fb.tokens)
    right = _join_compounds(list(fb.tokens), tuple(left))
    pairs = sorted(((token_similarity(x, y), i, j) for i, x in enumerate(left)
                    for j, y in enumerate(right)), reverse=True)
    used_left: set[int] = set()
    used_right: set[int] = set()
    total = 0.0
    for sim, i, j in pairs:
        if sim < ALIGN_AT:
            break
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        total += sim
    matched = len(used_left)
    if not matched:
        return 0.0
    unmatched = (len(left) - matched) + (len(right) - matched)
    return total / (matched + 0.5 * unmatched)


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
#: Where both sides give the name in the same script, a match across scripts counts for at
#: most this much more than that script's own: a Latin skeleton of a Persian name has no
#: short vowels (Hamid and حامد, Hassan and حسین meet there), so two spellings in one
#: script, which keep them, say more.
SAME_SCRIPT_SAYS = 0.85


def best_similarity(names: list[str], others: list[str]) -> float:
    """The best similarity between any of `names` and any of `others`; where both give the
    name in a script (Latin, Persian), no better than that script's spellings' own (or
    SAME_SCRIPT_SAYS)."""
    best = max((similarity(a, b) for a in names for b in others), default=0.0)
    if best <= SAME_SCRIPT_SAYS:
        return best
    for persian in (False, True):
        mine = [a for a in names if bool(_ARABIC_SCRIPT.search(a)) == persian]
        theirs = [b for b in others if bool(_ARABIC_SCRIPT.search(b)) == persian] \
            if mine else []
        if theirs:
            same = max(similarity(a, b) for a in mine for b in theirs)
            best = min(best, max(same, SAME_SCRIPT_SAYS))
    return best
