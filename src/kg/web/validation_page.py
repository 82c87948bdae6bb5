"""The SHACL report of the served store (`/validation`), readable, once per store version.

Validation takes from seconds to minutes depending on the store's size, so it runs
in the background; until it finishes the page says so and refreshes itself (a meta refresh:
no script needed).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template

from kg.cache import Cached, NotReady
from kg.linked_data import page_of
from kg.store import Store
from kg.validate import Report, validate
from kg.web.context import get_config, get_store
from kg.wording import N_

bp = Blueprint("validation", __name__)


@dataclass(frozen=True)
class Run:
    """One validation of one store version: its report, or why it could not run."""

    report: Report | None
    seconds: float
    error: str | None = None
    done: bool = True


def _run(store: Store) -> Run:
    started = time.monotonic()
    try:
        report = validate(store.quads("public"))
    except Exception as exc:  # noqa: BLE001 - shown on the page; the server keeps serving
        return Run(None, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    return Run(report, time.monotonic() - started)


#: SHACL's severities as readers see them.
SEVERITY_WORDS = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}

VALIDATION = Cached[Run]("validation-report", _run, background=True, warm=False)
RUNNING = Run(None, 0.0, done=False)


def current_run(wait: float = 2.0) -> Run:
    try:
        return VALIDATION.get(get_store(), wait=wait)
    except NotReady:
        return RUNNING


@bp.get("/validation")
def page() -> Response:
    run = current_run()
    ctx: dict[str, Any] = {"run": run, "severity_words": SEVERITY_WORDS}
    if run.report is not None:
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        results = sorted(run.report.results,
                         key=lambda r: (order.get(r.severity, 3), r.shape, r.focus))
        base = get_config().base_iri
        ctx.update(
            results=results, pages={r.focus: page_of(r.focus, base) for r in results},
            by_rule=Counter((r.severity, r.message) for r in results).most_common(),
            counts={"Violation": len(run.report.violations),
                    "Warning": len(run.report.warnings), "Info": len(run.report.infos)})
    html = render_template("validation/index.html", **ctx)
    response = Response(html, mimetype="text/html")
    if not run.done:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/validation.json")
def report_json() -> Response:
    run = current_run()
    if run.report is not None:
        return Response(run.report.to_json(), mimetype="application/json")
    status = 500 if run.error else 503
    return Response('{"status": "%s"}' % ("error" if run.error else "running"), status=status,
                    mimetype="application/json", headers={"Retry-After": "5"})
