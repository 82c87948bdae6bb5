"""The SHACL report of the served store (`/validation`), readable, cached per store version.

Validation takes seconds on the bundled graph and about a minute at 1.3M triples, so it runs
once per store version in a background thread; until it finishes the page says so and
refreshes itself (a meta refresh: no script needed).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template

from kg.entity import EntityReader
from kg.web import get_config, get_store

bp = Blueprint("validation", __name__)
_LOCK = threading.Lock()


@dataclass
class Run:
    """One validation run of one store version."""

    version: str
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    report: Any = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _validate(app: Flask, run: Run) -> None:
    try:
        from kg.validate import validate

        run.report = validate(get_store(app).quads("public"))
    except Exception as exc:  # shown on the page; the server keeps serving
        run.error = f"{type(exc).__name__}: {exc}"
    finally:
        run.seconds = time.monotonic() - run.started
        run.done.set()


def current_run(app: Flask, wait: float = 0.0) -> Run:
    """The run for the store's current version, started if need be; waits up to `wait` s."""
    version = get_store(app).version
    with _LOCK:
        run: Run | None = app.extensions.get("kg.validation")
        if run is None or run.version != version:
            run = Run(version)
            app.extensions["kg.validation"] = run
            threading.Thread(target=_validate, args=(app, run), daemon=True,
                             name="kg-validation").start()
    run.done.wait(wait)
    return run


@bp.get("/validation")
def page() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run = current_run(app, wait=2.0)
    ctx: dict[str, Any] = {"run": run}
    if run.report is not None:
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        results = sorted(run.report.results,
                         key=lambda r: (order.get(r.severity, 3), r.shape, r.focus))
        reader = EntityReader(get_store(app), get_config(app).base_iri)
        ctx.update(
            results=results, pages={r.focus: reader.page_of(r.focus) for r in results},
            by_rule=Counter((r.severity, r.message) for r in results).most_common(),
            counts={"Violation": len(run.report.violations),
                    "Warning": len(run.report.warnings), "Info": len(run.report.infos)})
    html = render_template("validation/index.html", **ctx)
    response = Response(html, mimetype="text/html")
    if not run.done.is_set():
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/validation.json")
def report_json() -> Response:
    run = current_run(current_app._get_current_object(), wait=2.0)  # type: ignore[attr-defined]
    if run.report is not None:
        return Response(run.report.to_json(), mimetype="application/json")
    status = 500 if run.error else 503
    return Response('{"status": "%s"}' % ("error" if run.error else "running"), status=status,
                    mimetype="application/json", headers={"Retry-After": "5"})
