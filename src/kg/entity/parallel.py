"""The one thread pool entity pages run their independent queries on, side by side.

A page asks a dozen independent questions (its triples, incoming links, claims, events,
dates). pyoxigraph releases the GIL while it evaluates a query, so on threads they overlap
on several CPUs instead of adding up: a hub page costs about its slowest query rather than
their sum. One pool per process bounds the threads however many requests arrive at once.
Only request threads submit here and tasks never wait on other tasks, so it cannot
deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from kg.store import Store

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kg-entity")


def start(task: Callable[..., T], *args: Any) -> Future[T]:
    """Run `task(*args)` on the pool."""
    return _POOL.submit(task, *args)


def start_queries(store: Store, queries: dict[str, str]) -> dict[str, Future[list[Any]]]:
    """Start `queries` side by side; each future holds its rows, read to the end."""
    return {key: start(_rows, store, query) for key, query in queries.items()}


def results(futures: dict[str, Future[T]]) -> dict[str, T]:
    """Each future's result, by key (waiting for them all)."""
    return {key: future.result() for key, future in futures.items()}


def _rows(store: Store, query: str) -> list[Any]:
    return list(store.query(query))
