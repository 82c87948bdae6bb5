"""The Flask app factory: one blueprint per family of pages, the store shared through `app`."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from kg.config import Config
from kg.store import Store, open_store
from kg.web import (
    entities,
    errors,
    explore,
    figures,
    formatting,
    headers,
    home,
    i18n,
    ontology_page,
    query_page,
    reconcile,
    resources,
    search,
    sparql,
    timeline,
    validation_page,
)

BLUEPRINTS = (home, sparql, resources, entities, search, timeline, validation_page,
              ontology_page, explore, query_page, reconcile, figures)


def create_app(config: Config | None = None, *, store: Store | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; tests pass a ready `store` (e.g. in memory) and Flask's own settings
    (TESTING...) in `test_config`; kg's settings come only from `config`."""
    config = config or Config.load()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=2 * 1024 * 1024, JSON_SORT_KEYS=False)
    if test_config:
        app.config.update(test_config)
    app.extensions["kg.config"] = config
    app.extensions["kg.store"] = store or open_store(config)
    app.after_request(_security_headers)  # first registered, so it runs after the views'
    i18n.init_app(app)
    formatting.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    errors.init_app(app)
    return app


#: The page policy (kept under this name for the views that compare against it).
CONTENT_SECURITY_POLICY = headers.PAGE_POLICY


def _security_headers(response: Response) -> Response:
    """Every Flask response (pages, data, dumps, redirects, error pages, static files) gets
    the security headers; a view's own CSP is kept, given `frame-ancestors` if it lacks it."""
    own = response.headers.get("Content-Security-Policy")
    chosen = headers.policy(response.headers.get("Content-Type"), own)
    response.headers["Content-Security-Policy"] = chosen
    for name, value in headers.extra(chosen):
        response.headers.setdefault(name, value)
    return response
