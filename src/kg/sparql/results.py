"""Answers of /sparql kept per store version: the data only changes with the version, which
is part of the cache's key, so a cached answer is exactly what the engine would say. Only
answers small enough to be held in memory (kg.query.answer) are kept."""

from __future__ import annotations

from kg.cache import Cached
from kg.query.answer import SPOOL_BYTES
from kg.query.caps import Job, Outcome
from kg.query.engines import Engine
from kg.store import Store

#: Bytes per answer above which it is not kept (one large dump-like answer would evict
#: hundreds of small ones); such answers are in a temporary file anyway.
ENTRY_LIMIT = SPOOL_BYTES

ANSWERS = Cached[Outcome]("sparql-answers", lambda store, *key: None, warm=False,
                          weigh=lambda outcome: outcome.data.size, max_weight=0)


class CachingEngine:
    """An engine whose successful answers up to ENTRY_LIMIT bytes are kept, within the
    byte budget of the `result_cache_bytes` setting."""

    def __init__(self, inner: Engine, store: Store, budget: int) -> None:
        self.inner = inner
        self.store = store
        ANSWERS.max_weight = budget  # one budget per process, as the setting says

    def run(self, job: Job, timeout: float) -> Outcome:
        key = (job.query, job.fmt, job.max_rows, job.max_bytes,
               tuple(job.default_graphs) if job.default_graphs is not None else None,
               tuple(job.named_graphs) if job.named_graphs is not None else None)
        version = self.store.version
        hit = ANSWERS.peek(self.store, *key)
        if hit is not None:
            return hit
        outcome = self.inner.run(job, timeout)
        if outcome.status == 200 and not outcome.data.spilled and outcome.data.size <= ENTRY_LIMIT:
            ANSWERS.put(self.store, outcome, *key, version=version)
        return outcome

    def close(self) -> None:
        self.inner.close()


def engine_for(store: Store, cache_bytes: int) -> Engine:
    """The store's query engine, behind the answers cache when `cache_bytes` > 0."""
    engine = store.query_engine()
    return CachingEngine(engine, store, cache_bytes) if cache_bytes > 0 else engine
