"""The SHACL report of the served store (`/validation`), readable, once per store version.

Validation takes from seconds to minutes depending on the store's size, so it runs in the
background, in a child process with a memory cap (kg.validation_child); until it finishes
the page says so and refreshes itself (a meta refresh: no script needed). The report is a
per-version file, so all the server's workers show the one run. A run that failed (it
needed more memory than allowed) is kept as that version's answer; a run stopped from
outside (its process killed) is reported to whoever asked, and the next visit starts
another.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, Response, render_template, send_file

from kg import formats, validation_child
from kg.cache import Cached, NotReady, version_file
from kg.linked_data import page_of
from kg.store import DiskStore, Store
from kg.subprocesses import ChildFailed, ChildStopped
from kg.validation_report import Report
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
    stopped: bool = False
    path: Path | None = None  # the report as the child wrote it (JSON)


def _source(store: Store) -> Path:
    """What the child reads: the on-disk public partition, or the public data written out
    once per version for other stores."""
    if isinstance(store, DiskStore):
        return store.public_path()
    return version_file(store, "validation-input.nq",
                        lambda out: store.dump(out, formats.rdf("nq"), "public"))


def _run(store: Store, memory: int) -> Run:
    """The version's report file, written by whichever worker asks first."""
    source = _source(store)

    def write(out: IO[bytes]) -> None:
        started = time.monotonic()
        try:
            validation_child.run(source, out, memory)
        except ChildFailed as exc:  # the same data would fail the same way: keep it
            out.seek(0)
            out.truncate()
            out.write(json.dumps({"error": str(exc),
                                  "seconds": time.monotonic() - started}).encode())

    path = version_file(store, "validation-report.json", write)  # ChildStopped: not kept
    data = json.loads(path.read_text(encoding="utf-8"))
    if "error" in data:
        return Run(None, data["seconds"], data["error"])
    return Run(validation_child.report_of(data), data["seconds"], path=path)


#: SHACL's severities as readers see them.
SEVERITY_WORDS = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}

VALIDATION = Cached[Run]("validation-report", _run, background=True, warm=False)
RUNNING = Run(None, 0.0, done=False)


def current_run(wait: float = 2.0) -> Run:
    try:
        return VALIDATION.get(get_store(), get_config().validation_memory,  # type: ignore[attr-defined]
                              wait=wait)
    except NotReady:
        return RUNNING
    except ChildStopped as exc:  # this visit hears of it; the next one runs it again
        return Run(None, 0.0, f"{exc}; reload this page to run it again", stopped=True)


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
    if run.report is not None and run.path is not None:
        return send_file(run.path, mimetype="application/json", max_age=0)  # as written
    if run.report is not None:
        return Response(run.report.to_json(), mimetype="application/json")
    state = "stopped" if run.stopped else "error" if run.error else "running"
    status = 500 if state == "error" else 503
    body: dict[str, Any] = {"status": state, **({"error": run.error} if run.error else {})}
    return Response(json.dumps(body), status=status, mimetype="application/json",
                    headers={"Retry-After": "5"})
