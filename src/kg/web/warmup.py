"""Fill the per-store-version caches when a server worker starts, before anyone asks.

At 1.3M triples the first home page (counts over every entity), the search index, the claim
index of entity pages and the graph projection each take seconds to tens of seconds; built
at start-up in a background thread, the first visitor does not pay for them and the explorer
need not say "preparing".
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)


def _warm(app: Flask) -> None:
    from kg.entity import CLAIM_INDEX
    from kg.network import NotReady
    from kg.web import explore, get_store, home, search
    from kg.web.pagecache import cached

    with app.test_request_context("/"):
        steps = (
            ("graph projection", lambda: explore.projection_cache().get(wait=0)),
            ("search index", search.warm),
            ("claim index", lambda: CLAIM_INDEX.build_now(get_store(app))),
            ("home page", lambda: cached(app, "home", home.overview)),
        )
        for name, step in steps:
            try:
                step()
            except NotReady:
                pass  # building in its own thread
            except Exception:  # noqa: BLE001 - a failed warm-up only costs the first visitor
                log.exception("warming the %s failed; it will be built on first use", name)


def start(app: Flask) -> threading.Thread:
    """Warm the caches in a daemon thread; the worker answers requests meanwhile."""
    thread = threading.Thread(target=_warm, args=(app,), name="kg-warmup", daemon=True)
    thread.start()
    return thread
