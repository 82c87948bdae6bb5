"""Name similarity restructured for speed gives exactly what the straightforward first
version gave, on many pairs of names as lists write them: synthetic Persian names in both
scripts, re-spelt, with typos, compounds split or joined, titles, "Last, First", Arabic
letters, ZWNJ dropped, -ollah written apart, initials. The expected values were written by
that first version (tests/data/namesim_golden.json.gz: ~39,000 name pairs, 500 names' words
and skeletons, 8,000 best_similarity calls), so a change that moves any of them shows here."""

from __future__ import annotations

import gc
import gzip
import json
import pickle
from pathlib import Path

import pytest

from kg.matching import namesim

GOLDEN = Path(__file__).parent / "data" / "namesim_golden.json.gz"


@pytest.fixture(scope="module")
def golden() -> dict[str, list]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def test_similarity_is_unchanged_on_many_pairs(golden: dict[str, list]) -> None:
    changed = [(a, b, expected, namesim.similarity(a, b))
               for a, b, expected in golden["similarity"]
               if namesim.similarity(a, b) != expected]
    assert len(golden["similarity"]) > 30_000
    assert changed == []
    for name, tokens, skeletons in golden["forms"]:
        form = namesim.form(name)
        assert (form.text, list(form.tokens), list(form.skeletons)) == (name, tokens, skeletons)


def test_best_similarity_is_unchanged(golden: dict[str, list]) -> None:
    """Queries of one or two names (a script each) against a person's names in the graph
    (an English and a Persian label, sometimes another spelling)."""
    changed = [(query, group, expected) for query, group, expected in golden["best_similarity"]
               if namesim.best_similarity(query, group) != expected]
    assert changed == []
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
    name, other = "Zabihollah Rahimzadeh-Tehrani", "ذبیح‌الله رحیم‌زاده تهرانی"
    namesim._shapes.clear()
    worked_out = namesim._similarity(name, other)  # not the memo: computed each time
    packed = namesim.packed_shape(name)
    namesim._shapes.clear()
    namesim.remember_shape(name, packed)
    assert namesim._shapes[name] == pickle.loads(packed)  # noqa: S301 - made just above
    assert namesim._similarity(name, other) == worked_out > 0.8
