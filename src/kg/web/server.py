"""Runs the Flask app under gunicorn: workers and threads sized from the settings."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from kg.config import Config


class KgServer(BaseApplication):
    """gunicorn embedded, so `kg serve` needs no separate config file or command."""

    def __init__(self, config: Config) -> None:
        self.kg_config = config
        super().__init__()

    def load_config(self) -> None:
        c = self.kg_config
        settings: dict[str, Any] = {
            "bind": f"[{c.host}]:{c.port}" if ":" in c.host else f"{c.host}:{c.port}",
            "workers": c.worker_count,
            "threads": c.threads,
            "worker_class": "gthread",
            # SPARQL work runs in killable query processes; this only guards stuck workers.
            "timeout": int(c.query_timeout) + 30,
            "graceful_timeout": 5,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        from kg.web import create_app, warmup

        app = create_app(self.kg_config)
        warmup.start(app)
        return app


def run(config: Config) -> None:
    KgServer(config).run()
