"""Runs the Flask app under Granian: workers and threads sized from the settings.

Granian parses HTTP in Rust and calls the WSGI app from Python threads. Chosen by
measurement on 2 CPUs (8 connections, wrk): a trivial WSGI app answered 30,000 requests/s
under Granian against 4,700 under gunicorn's gthread workers, and /sparql in front of the
Oxigraph child (kg.query_server) 1,100 against 690, the difference between meeting the
endpoint's throughput goal and missing it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from granian.constants import Interfaces
from granian.server import Server

from kg.config import Config


def load_app(config: Config) -> Any:
    """Build the app in each worker process, and start warming its caches there."""
    from kg.web import create_app, warmup

    app = create_app(config)
    warmup.start(app)
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
