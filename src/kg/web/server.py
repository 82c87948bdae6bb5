"""Runs the Flask app under Granian: workers and threads sized from the settings.

Granian parses HTTP in Rust and calls the WSGI app from Python threads; it was chosen over
gunicorn by measurement (bench/results/endpoint.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from functools import partial
from typing import Any

from granian.constants import Interfaces
from granian.server import Server

from kg import cache
from kg.config import Config
from kg.web.app import create_app
from kg.web.context import get_store

#: Heap arenas glibc's malloc may make per process (its default is 8 per core). Each thread
#: that allocates gets an arena of its own; memory freed in one is not reused by the others,
#: so a pool of request threads keeps many half-empty heaps. Measured on a worker serving
#: every kind of page at 1.3M quads: 562 MB with the default, 416 MB with 2.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def fewer_malloc_arenas() -> None:
    """Limit glibc's arenas in this process and in the processes it starts (Oxigraph, the
    per-version builds): an explicit MALLOC_ARENA_MAX is left as it is."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    os.environ["MALLOC_ARENA_MAX"] = str(MALLOC_ARENAS)
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


#: Seconds between two returns of freed heap memory to the system.
TRIM_EVERY = 15.0


def _return_freed_memory() -> None:
    """glibc keeps memory that was freed inside its heaps (a large query's hash tables, a
    big page's strings) until told to give it back; malloc_trim does. Measured: a GROUP BY
    over every quad left a process 89 MB larger, 24 MB after a trim."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    while True:
        time.sleep(TRIM_EVERY)
        trim(0)


def load_app(config: Config) -> Any:
    """Build the app in each worker process, and warm its per-version caches there in the
    background (the first visitor then does not pay for them)."""
    app = create_app(config)
    threading.Thread(target=_return_freed_memory, name="kg-trim", daemon=True).start()
    threading.Thread(target=cache.warm, name="kg-warmup", daemon=True, args=(
        get_store(app), {"search-index": (config.base_iri + "id/",)})).start()
    return app


def run(config: Config) -> None:
    fewer_malloc_arenas()  # before Granian forks the workers, which inherit the setting
    server = Server(
        "kg.web:create_app",  # for Granian's logs; the app comes from load_app
        address=config.host,
        port=config.port,
        interface=Interfaces.WSGI,
        workers=config.worker_count,
        blocking_threads=config.threads,
        websockets=False,
        log_access=True,
        respawn_failed_workers=True,
        workers_kill_timeout=5,
    )
    server.serve(target_loader=partial(load_app, config), wrap_loader=False)
