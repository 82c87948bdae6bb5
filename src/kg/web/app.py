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
    i18n.init_app(app)
    formatting.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.after_request(_security_headers)
    return app


#: No inline script and nothing from other origins: labels and quotes are untrusted text,
#: so even an escaping bug must not run script. Data reaches scripts through JSON script
#: tags or data attributes. Inline styles stay allowed for the vendored editor widgets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    """Add the CSP (unless a view set its own) and no-sniff to every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
