"""/query: YASGUI with the researchers' example queries, each of which must find rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.config import PROJECT_DIR
from kg.store import DiskStore
from kg.web.query_page import load_examples

EXAMPLES = load_examples(PROJECT_DIR / "queries")


def test_there_are_at_least_ten_named_examples() -> None:
    assert len(EXAMPLES) >= 10
    for example in EXAMPLES:
        assert example.title and example.title != example.name.replace("-", " "), example.name
        assert example.description, example.name


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_each_example_finds_rows_in_the_bundled_graph(built_store_dir: Path, example) -> None:
    result = DiskStore(built_store_dir).query(example.text)
    if isinstance(result, ox.QueryBoolean):
        assert bool(result), example.name
    else:
        assert next(iter(result), None) is not None, f"{example.name}: no rows"


def test_page_lists_every_example_and_hands_them_to_the_script(client: FlaskClient) -> None:
    response = client.get("/query")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    boot = json.loads(re.search(
        r'<script type="application/json" id="kq-boot">(.*?)</script>', body, re.S).group(1))
    assert boot["endpoint"] == "/sparql"
    assert [e["name"] for e in boot["examples"]] == [e.name for e in EXAMPLES]
    assert all(e["query"] == x.text for e, x in zip(boot["examples"], EXAMPLES, strict=True))
    for example in EXAMPLES:
        assert f'data-name="{example.name}"' in body
    assert "<script>" not in body
    for asset in ("vendor/yasgui-4.6.2.min.js", "vendor/yasgui-4.6.2.min.css", "js/query.js"):
        assert asset in body
    csp = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"]
               .split(";"))
    assert csp["script-src"] == "'self'" and csp["connect-src"] == "'self'"


def test_examples_are_read_from_their_header(tmp_path: Path) -> None:
    (tmp_path / "b.rq").write_text("# title: Second\n# description: Why\nSELECT * {}\n")
    (tmp_path / "a-query.rq").write_text("SELECT * {}\n# title: too late\n")
    found = load_examples(tmp_path)
    assert [(e.name, e.title, e.description) for e in found] == [
        ("a-query", "a query", ""), ("b", "Second", "Why")]


def test_vendored_files_are_listed_with_licences() -> None:
    vendor = PROJECT_DIR / "src/kg/web/static/vendor"
    versions = (vendor / "VERSIONS.txt").read_text()
    for name in ("cytoscape-3.34.4.min.js", "cytoscape-fcose-2.2.0.js", "cose-base-2.2.0.js",
                 "layout-base-2.0.1.js", "yasgui-4.6.2.min.js", "yasgui-4.6.2.min.css"):
        assert (vendor / name).is_file() and name in versions
    for package in ("cytoscape-3.34.4", "cytoscape-fcose-2.2.0", "@zazuko__yasgui-4.6.2",
                    "codemirror-", "jquery-"):
        assert list((vendor / "licenses").glob(package + "*")), package
    assert "sourceMappingURL" not in (vendor / "yasgui-4.6.2.min.js").read_text()[-300:]
