"""Regression: importing the example victim list gave 44 SHACL warnings, one per cell, "A
claim should say in a short English kg:statement what it asserts". An attribute claim (a
cell of a list) says what it asserts by its kg:property and kg:value; every other claim
still needs a statement, and a statement must still be in English. Both engines agree."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.build import load_project
from kg.validate import validate

DATA = """
@prefix kg: <https://kg.example.org/ontology#> .
@prefix c: <https://kg.example.org/id/claim/> .
c:cell a kg:AttributeClaim .
c:bare a kg:Claim .
c:persian a kg:Claim ; kg:statement "ادعایی"@fa .
"""


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_attribute_claims_need_no_statement(engine: str) -> None:
    store = load_project()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://kg.example.org/graph/test"))
    results = validate(store, engine=engine).results
    messages = {(r.focus.rsplit("/", 1)[-1], r.message) for r in results
                if "statement" in r.message}
    assert messages == {
        ("bare", "A claim should say in a short English kg:statement what it asserts."),
        ("persian", "A claim's kg:statement is in English (tag it @en)."),
    }
