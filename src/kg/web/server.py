"""Runs the Flask app under Granian: workers and threads sized from the settings.

Granian parses HTTP in Rust and calls the WSGI app from Python threads; it was chosen over
gunicorn by measurement (bench/results/endpoint.md).
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from granian.constants import Interfaces
from granian.server import Server

from kg import cache
from kg.config import Config
from kg.web.app import create_app
from kg.web.context import get_store


def load_app(config: Config) -> Any:
    """Build the app in each worker process, and warm its per-version caches there in the
    background (the first visitor then does not pay for them)."""
    app = create_app(config)
    threading.Thread(target=cache.warm, name="kg-warmup", daemon=True, args=(
        get_store(app), {"search-index": (config.base_iri + "id/",)})).start()
    return app


def run(config: Config) -> None:
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
