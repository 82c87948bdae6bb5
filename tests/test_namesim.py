"""Name similarity restructured for speed gives exactly what the straightforward version
(tests/namesim_reference.py) gives, on many pairs of names as lists write them: synthetic
Persian names in both scripts, re-spelt, with typos, compounds split or joined, titles,
"Last, First", Arabic letters, ZWNJ dropped, -ollah written apart, initials."""

from __future__ import annotations

import gc
import pickle
import random
import sys

import pytest

from kg.config import PROJECT_DIR
from kg.matching import namesim
from tests import namesim_reference as reference

sys.path.insert(0, str(PROJECT_DIR / "bench"))
import synth_names  # noqa: E402


def _typo(rnd: random.Random, word: str) -> str:
    i = rnd.randrange(len(word))
    if rnd.random() < 0.5 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rnd.choice("aeiourstnmlhk") + word[i + 1:]


def _variants(rnd: random.Random, latin: str, persian: str) -> list[str]:
    """The ways other lists write the same name (and a few near names)."""
    words = latin.split()
    out = [latin, persian, synth_names.respell(rnd, latin), f"{words[-1]}, {' '.join(words[:-1])}",
           "Seyed " + latin, " ".join(_typo(rnd, w) if rnd.random() < 0.5 else w for w in words),
           persian.replace("ی", "ي").replace("ک", "ك"), persian.replace("\u200c", ""),
           persian.replace("\u200c", " "), latin.replace("-", " "), latin.replace("-", ""),
           f"{words[0][0]}. {words[-1]}", latin.replace("ollah", " Ollah"),
           persian.replace("الله", " الله"), words[-1], persian.split()[-1],
           " ".join(words[:-1]) + " " + words[-1] + rnd.choice(["i", "an", "zadeh", "pour"])]
    return [v for v in out if v.strip()]


def _names(rnd: random.Random, people: int) -> list[list[str]]:
    found = []
    for _ in range(people):
        given_en, given_fa = synth_names.written(rnd, synth_names.given(rnd, rnd.random() < 0.15))
        last_en, last_fa = synth_names.surname(rnd)
        found.append(_variants(rnd, f"{given_en} {last_en}", f"{given_fa} {last_fa}"))
    return found


@pytest.fixture(scope="module")
def people() -> list[list[str]]:
    return _names(random.Random(1988), 400)


def test_similarity_is_unchanged_on_many_pairs(people: list[list[str]]) -> None:
    rnd = random.Random(7)
    everyone = [name for variants in people for name in variants]
    pairs = 0
    for variants in people:
        # Each way of writing the name against the others, and against other people's names.
        others = variants + rnd.sample(everyone, 12)
        for a in variants:
            for b in others:
                assert namesim.similarity(a, b) == reference.similarity(a, b), (a, b)
                pairs += 1
    assert pairs > 50_000
    for name in everyone[:500]:
        ours, theirs = namesim.form(name), reference.form(name)
        assert (ours.text, ours.tokens, ours.skeletons) == (
            theirs.text, theirs.tokens, theirs.skeletons)


def test_best_similarity_is_unchanged(people: list[list[str]]) -> None:
    """Queries of one or two names (a script each) against a person's names in the graph
    (an English and a Persian label, sometimes another spelling)."""
    rnd = random.Random(12)
    for variants in people:
        for _ in range(20):
            query = rnd.sample(variants, rnd.choice([1, 1, 2]))
            theirs = rnd.choice(people)
            group = [variants[0] if rnd.random() < 0.5 else theirs[0], theirs[1],
                     *rnd.sample(theirs, rnd.choice([0, 1]))]
            assert namesim.best_similarity(query, group) == reference.best_similarity(
                query, group), (query, group)
    assert namesim.best_similarity([], ["Ali Ahmadi"]) == 0.0


def test_the_memo_is_bounded_and_never_walked_by_the_collector() -> None:
    calls: list[tuple[str, str]] = []

    def length(a: str, b: str) -> float:
        calls.append((a, b))
        return float(len(a) + len(b))

    memo = namesim.PairMemo(length, 4)
    pairs = [(a, b) for a in ("x", "yy") for b in ("p", "qq", "rrr")]
    assert [memo(a, b) for a, b in pairs] == [len(a) + len(b) for a, b in pairs]
    assert [memo(a, b) for a, b in pairs] == [len(a) + len(b) for a, b in pairs]
    assert len(calls) > len(pairs)  # emptied once full: worked out again
    assert not gc.is_tracked(memo.row("x")) and memo.row("x")


def test_a_shape_read_from_a_file_compares_as_one_worked_out() -> None:
    """The match index's file keeps its names' shapes; a process takes them as they are."""
    name = "Zabihollah Rahimzadeh-Tehrani"
    packed = namesim.packed_shape(name)
    namesim._shapes.clear()
    namesim.remember_shape(name, packed)
    assert namesim._shapes[name] == pickle.loads(packed)  # noqa: S301 - made just above
    assert namesim.similarity(name, "ذبیح‌الله رحیم‌زاده تهرانی") == reference.similarity(
        name, "ذبیح‌الله رحیم‌زاده تهرانی")
