"""Query engines: what evaluates a public query within its time budget, caps applied.

A store hands out the engine that fits it (`Store.query_engine()`): an on-disk store an
Oxigraph child process that can be killed at the deadline (kg.query.child), an in-memory or
remote store evaluation in this process. The endpoint only ever sees `Engine.run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from kg.query.caps import Fetched, Job, Outcome, cap, evaluate
from kg.query.child import QueryServer


class Engine(Protocol):
    """Evaluates a job within a time budget."""

    def run(self, job: Job, timeout: float) -> Outcome: ...

    def close(self) -> None: ...


class ChildEngine:
    """An `oxigraph serve-read-only` child on the current public partition, killed when a
    query passes its deadline."""

    def __init__(self, public_path: Callable[[], str]) -> None:
        #: Read on every query (a stat of the store pointer), so a query sent after
        #: `kg load` returned sees its data.
        self.path = public_path
        self.server = QueryServer(public_path)

    def run(self, job: Job, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout

        def fetch(job: Job, wire: str, max_lines: int, max_bytes: int) -> Fetched:
            return self.server.fetch(job, wire, max_lines, max_bytes, deadline)

        return cap(fetch, job)

    def close(self) -> None:
        self.server.close()


class InProcessEngine:
    """Evaluation in this process with `run(query, **dataset)`: no hard timeout.

    An in-memory store serves tests and small demos; a remote server enforces its own
    timeout (its HTTP client waits `query_timeout` + 5 s).
    """

    def __init__(self, run: Callable[..., Any], *, protocol_dataset: bool = True) -> None:
        self._run = run
        self.protocol_dataset = protocol_dataset

    def run(self, job: Job, timeout: float) -> Outcome:
        if not self.protocol_dataset and (job.default_graphs is not None
                                          or job.named_graphs is not None):
            return Outcome(501, message="default-graph-uri/named-graph-uri are not "
                           "supported with this store; use FROM / FROM NAMED")
        return evaluate(self._run, job)

    def close(self) -> None:
        pass
