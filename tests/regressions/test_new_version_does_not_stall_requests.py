"""Regression: after `kg load` published a new version under load (bench/soak.py at 1.3M
quads), every request that needed a whole-graph value (the search index, the lineage index,
published dates...) waited for its rebuild, minutes long, and the clients timed out. A
caller now waits at most `kg.cache.STALE_AFTER` seconds, then gets the previous version's
value while the new one builds; one build per value and version; a failed build is tried
again by the next caller. Dumps likewise: the previous version's is sent while the new one
is written."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import cache
from kg.cache import Cached, caches, version_dir
from kg.linked_data import dump_file
from kg.store import DiskStore, Store


@pytest.fixture
def slot() -> Iterator[tuple[Cached[int], list[str], threading.Event]]:
    calls: list[str] = []
    gate = threading.Event()
    failing: list[bool] = []

    def compute(store: Store) -> int:
        calls.append(store.version)
        if len(calls) > 1:
            assert gate.wait(30)
        if failing:
            failing.pop()
            raise RuntimeError("the build failed")
        return store.count()

    made = Cached[int]("test-slow-whole-graph-value", compute, stale_ok=True, warm=False)
    made.failing = failing  # type: ignore[attr-defined]
    try:
        yield made, calls, gate
    finally:
        cache.REGISTRY.pop(made.name, None)


def add(store: Store, n: int) -> None:
    store.update(f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:s{n}> <urn:p> <urn:o> }} }}")


def test_the_previous_value_serves_while_the_new_one_builds(
        slot: tuple[Cached[int], list[str], threading.Event],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made, calls, gate = slot
    monkeypatch.setattr(cache, "STALE_AFTER", 0.2)
    store = DiskStore(tmp_path / "store")
    add(store, 1)
    assert made.get(store) == 1
    add(store, 2)  # a new version; its build blocks until the gate opens
    started = time.monotonic()
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(made.get(store)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert answers == [1] * 8  # the previous version's value, after the short wait
    assert time.monotonic() - started < 5
    assert len(calls) == 2  # one build for the new version, however many asked
    gate.set()
    deadline = time.monotonic() + 10
    while made.get(store) != 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(calls) == 2


def test_a_quick_build_is_waited_for(slot: tuple[Cached[int], list[str], threading.Event],
                                     tmp_path: Path) -> None:
    """On a small graph the new value is there within the wait: a write is seen at once."""
    made, _, gate = slot
    gate.set()
    store = DiskStore(tmp_path / "store")
    add(store, 1)
    assert made.get(store) == 1
    add(store, 2)
    assert made.get(store) == 2


def test_a_failed_build_is_tried_again(slot: tuple[Cached[int], list[str], threading.Event],
                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made, calls, gate = slot
    monkeypatch.setattr(cache, "STALE_AFTER", 0.2)
    gate.set()
    store = DiskStore(tmp_path / "store")
    add(store, 1)
    assert made.get(store) == 1
    made.failing.append(True)  # type: ignore[attr-defined]
    add(store, 2)
    assert made.get(store) == 1  # the build failed: the previous value, and ...
    deadline = time.monotonic() + 10
    while made.get(store) != 2:  # ... a later caller builds again
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(calls) == 3


def test_a_dump_being_written_sends_the_previous_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The soak's dump downloads waited minutes behind the new version's indexes."""
    with DiskStore(tmp_path / "store") as store:
        add(store, 1)
        first = dump_file(store, "kg.nq.gz", wait=5)
        add(store, 2)
        real = DiskStore.dump
        gate = threading.Event()

        def slow(self: DiskStore, *args: object, **kwargs: object) -> None:
            assert gate.wait(30)
            real(self, *args, **kwargs)

        monkeypatch.setattr(DiskStore, "dump", slow)
        started = time.monotonic()
        assert dump_file(store, "kg.nq.gz", wait=0.2) == first
        assert time.monotonic() - started < 5
        gate.set()
        deadline = time.monotonic() + 30
        while (now := dump_file(store, "kg.nq.gz", wait=0.2)) == first:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert now.parent == version_dir(store)
        assert b"urn:s2" in gzip.decompress(now.read_bytes())
        assert first.is_file()  # the previous version's files are kept


def test_nothing_previous_serves_once_something_public_is_restricted(
        slot: tuple[Cached[int], list[str], threading.Event],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A write that restricts what was public: the previous value (which may name it) is
    not served; callers wait for the new one, as before. New restricted data alone (a new
    testimony) does not stop the previous values serving."""
    made, _, gate = slot
    monkeypatch.setattr(cache, "STALE_AFTER", 0.2)
    store = DiskStore(tmp_path / "store")
    add(store, 1)
    add(store, 2)
    assert made.get(store) == 2
    store.update("INSERT DATA { GRAPH <https://kg.example.org/graph/restricted/t> "
                 "{ <urn:t> <urn:p> <urn:o> } }")  # new, restricted
    assert not store.restricted_since(caches(store)._version or "")
    assert made.get(store) == 2  # the previous value (the build waits for the gate)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:s1> "
                 "<https://kg.example.org/ontology#accessLevel> "
                 "<https://kg.example.org/ontology#Restricted> } }")  # urn:s1 restricted now
    answers: list[int] = []
    asking = threading.Thread(target=lambda: answers.append(made.get(store)))
    asking.start()
    asking.join(1.0)
    assert answers == []  # waiting for the new version's value
    gate.set()
    asking.join(30)
    assert answers == [1]  # the public count: urn:s2 only


def test_a_value_built_from_another_waits_for_the_others_new_value(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only callers get previous values: a value computed from another one (in a build)
    waits for the other's new value, or it would be kept for the new version, wrong."""
    monkeypatch.setattr(cache, "STALE_AFTER", 0.1)
    calls: list[str] = []

    def count(store: Store) -> int:
        calls.append(store.version)
        if len(calls) > 1:
            time.sleep(1.0)  # longer than STALE_AFTER
        return store.count()

    inner = Cached[int]("test-inner-whole-graph-value", count, stale_ok=True, warm=False)
    outer = Cached[int]("test-outer-whole-graph-value", lambda store: inner.get(store) * 10,
                        stale_ok=True, warm=False)
    try:
        store = DiskStore(tmp_path / "store")
        add(store, 1)
        assert outer.get(store) == 10
        add(store, 2)
        seen = {outer.get(store)}
        deadline = time.monotonic() + 30
        while (now := outer.get(store)) != 20:
            seen.add(now)
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert seen <= {10, 20}
        time.sleep(0.3)
        assert outer.get(store) == 20 and inner.get(store) == 2
    finally:
        cache.REGISTRY.pop(inner.name, None)
        cache.REGISTRY.pop(outer.name, None)
