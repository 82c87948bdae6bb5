"""`kg serve`: the web app and SPARQL endpoint under Granian."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click

from kg.cli.group import main, progress_bar, setting_option, settings
from kg.store import StoreError, open_store

#: Settings `kg serve` takes as flags (all of them also come from KG_* variables).
SERVE_SETTINGS = ("store", "host", "port", "workers", "threads", "query_timeout", "max_rows",
                  "max_response_bytes", "result_cache_bytes", "graph_wait", "base_iri",
                  "write_enabled", "write_token")


def _port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                             "choose another with --port") from None


def _serve_options(f: Any) -> Any:
    for name in reversed(SERVE_SETTINGS):
        f = setting_option(name, secondary="--read-only" if name == "write_enabled" else None)(f)
    return f


@main.command()
@_serve_options
def serve(**flags: Any) -> None:
    """Serve the web app and SPARQL endpoint under Granian (never the Flask dev server).

    If the store does not exist yet it is built from the bundled data first.
    """
    config = settings(**flags)
    if config.write_enabled and not config.write_token:
        raise click.UsageError("--write-enabled needs --write-token (or $KG_WRITE_TOKEN)")
    _port_free(config.host, config.port)
    with open_store(config) as s:
        if not s.exists():
            click.echo(f"No store at {config.store}: building it from the bundled data.",
                       err=True)
            from kg.build import build as run_build

            with progress_bar("Building", False) as bar:
                run_build(s, Path(config.project_dir), progress=bar)
    from kg.web.server import run  # Granian and Flask load only for this command

    click.echo(f"Serving on http://{config.host}:{config.port}/ "
               f"({config.worker_count} workers x {config.threads} threads)", err=True)
    run(config)
