"""Regression: the claim index could be built twice for one store version — the server's
warm-up and a page asking meanwhile each started a build (seconds of CPU and a second copy
of the index in memory on a large store). The cache facility must start one build per
version however many threads ask at once, and one more when the version changes."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from kg.cache import NotReady
from kg.entity.claim_index import CLAIM_INDEX, ClaimIndex
from kg.entity.reader import read_entity
from kg.store import Store
from tests.webdata import memory_store

PAGES = ("person/gholamreza-khosravi", "event/1988-massacre", "test/xss-person")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The versions ClaimIndex.build is called for (the real build, made slower so that
    every thread asks while it runs)."""
    calls: list[str] = []
    real = ClaimIndex.build.__func__  # type: ignore[attr-defined]

    def counted(cls: type[ClaimIndex], store: Store) -> ClaimIndex:
        calls.append(store.version)
        time.sleep(0.3)
        return real(cls, store)

    monkeypatch.setattr(ClaimIndex, "build", classmethod(counted))
    return calls


def ask_at_once(store: Store, threads: int = 12) -> list[BaseException]:
    """Half the threads warm up as `kg.cache.warm` does, half read pages."""
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def warm_up() -> None:
        barrier.wait()
        with contextlib.suppress(NotReady):  # then waits for it, as warm() does
            CLAIM_INDEX.get(store, wait=0)
        CLAIM_INDEX.get(store, wait=None)

    def read_page(i: int) -> None:
        barrier.wait()
        assert read_entity(store, "https://kg.example.org/id/" + PAGES[i % len(PAGES)])

    def run(task: object, *args: object) -> None:
        try:
            task(*args)  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(warm_up,) if i % 2 else (read_page, i))
               for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    return errors


def test_one_claim_index_build_per_version(builds: list[str]) -> None:
    store = memory_store()
    assert ask_at_once(store) == []
    assert builds == [store.version]
    assert CLAIM_INDEX.get(store, wait=None).version == store.version

    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert ask_at_once(store) == []
    assert len(builds) == 2 and builds[1] == store.version != builds[0]
