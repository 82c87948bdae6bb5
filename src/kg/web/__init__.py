"""The Flask app factory: one blueprint per family of pages, the store shared through `app`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kg.config import Config
from kg.store import Store, open_store


def create_app(config: Config | None = None, *, store: Store | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; tests pass a ready `store` (e.g. in memory) and Flask overrides."""
    config = config or Config.load()
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["kg.config"] = config
    app.extensions["kg.store"] = store or open_store(config)

    from kg.web import home, sparql

    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    from kg.web import resources

    app.register_blueprint(resources.bp)

    from kg.web import explore, query_page

    app.register_blueprint(explore.bp)
    app.register_blueprint(query_page.bp)
    return app


def get_store(app: Flask) -> Store:
    return app.extensions["kg.store"]


def get_config(app: Flask) -> Config:
    return app.extensions["kg.config"]
