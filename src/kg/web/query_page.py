"""/query: YASGUI against the local /sparql endpoint, with the researchers' example queries.

The examples are the files in queries/*.rq (their `# title:` and `# description:` lines
name them), read when the page is served, so a new example needs no code; `extract_examples`
hands those lines to `pybabel extract`, so the titles and descriptions are translated in the
message catalog like the rest of the page. YASGUI is
vendored and configured not to reach outside the machine: no LOV class/property
completion, no prefix.cc download, and the endpoint catalogue holds only our endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext

from kg.web.context import get_config

bp = Blueprint("query_page", __name__)

_HEADER = re.compile(r"^#\s*(title|description)\s*:\s*(.*?)\s*$", re.IGNORECASE)

#: YASGUI's results table (column-resizer) adds <style> elements, so this page needs
#: style-src 'unsafe-inline'; scripts stay 'self' only (YASGUI needs no 'unsafe-eval').
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@dataclass(frozen=True)
class ExampleQuery:
    """One named example: its file stem, title, description and SPARQL text."""

    name: str
    title: str
    description: str
    text: str


def _header(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number, 'title' or 'description', value) of a query's header comments."""
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line)
        if match:
            yield number, match.group(1).lower(), match.group(2)
        elif line.strip() and not line.startswith("#"):
            return


def load_examples(directory: Path) -> list[ExampleQuery]:
    """Every queries/*.rq file, titled by its header comment (or its file name)."""
    examples = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for _number, key, value in _header(text):
            meta.setdefault(key, value)
        examples.append(ExampleQuery(path.stem, meta.get("title", path.stem.replace("-", " ")),
                                     meta.get("description", ""), text))
    return examples


def extract_examples(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
                     ) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor (babel.cfg) for queries/*.rq: each title and description."""
    for number, key, value in _header(fileobj.read().decode("utf-8")):
        if value:
            yield number, "", value, [f"example query {key}"]


def examples_dir() -> Path:
    return Path(get_config().project_dir) / "queries"


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    if request.blueprint == "query_page":
        response.headers["Content-Security-Policy"] = CSP
    return response


@bp.get("/query")
def page() -> str:
    examples = [replace(e, title=gettext(e.title),
                        description=gettext(e.description) if e.description else "")
                for e in load_examples(examples_dir())]
    boot = {
        "endpoint": "/sparql",
        "examples": [{"name": e.name, "title": e.title, "description": e.description,
                      "query": e.text} for e in examples],
    }
    return render_template("query/index.html", boot=boot, examples=examples)
