"""The pieces under /sparql, without a server: the SERVICE/LOAD tokenizer, caps that keep
documents valid, content negotiation, and the in-process fallback for the memory store."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib.query import Result

from kg.formats import negotiate, parse_accept
from kg.query.caps import Job, evaluate
from kg.query.inspection import QueryRefused, inspect
from kg.sparql.protocol import choose_format
from kg.store import MemoryStore
from tests.conftest import make_app, sources_for
from tests.fixtures.sparql.server import PUBLIC_TRIG


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * { service silent <http://x/> { ?s ?p ?o } }",
    "PREFIX e: <http://x/> SELECT * WHERE { ?a ?b ?c . SERVICE e: { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p \"x\" .\nSERVICE ?svc { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # comment\n SERVICE <x:y> {}",
    "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
])
def test_service_is_refused_wherever_it_hides(query):
    with pytest.raises(QueryRefused):
        inspect(query)


@pytest.mark.parametrize("query,form,dataset", [
    ("SELECT ('SERVICE' AS ?x) WHERE {}", "SELECT", False),
    ('SELECT ?service WHERE { ?s <http://x/SERVICE> """SERVICE\n""" }', "SELECT", False),
    ("PREFIX service: <http://x/> ASK { ?s service:service ?o } # SERVICE", "ASK", False),
    ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False),
    ("DESCRIBE <http://x/a> FROM <http://x/g>", "DESCRIBE", True),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT", False),
])
def test_inspection_ignores_strings_comments_and_names(query, form, dataset):
    seen = inspect(query)
    assert seen.form == form and seen.has_dataset is dataset
    assert seen.is_update is (form == "INSERT")


def test_load_is_refused():
    with pytest.raises(QueryRefused):
        inspect("LOAD <http://127.0.0.1:9/data.ttl>")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    memory = MemoryStore()
    memory.load(sources_for(PUBLIC_TRIG))
    return memory.dataset("public")  # the pyoxigraph store the engine evaluates on


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_keeps_documents_valid(store, fmt):
    outcome = evaluate(store.query, Job("SELECT * WHERE { ?s ?p ?o }", fmt, 7, 10**6))
    assert outcome.status == 200 and outcome.truncated == ["rows"] and outcome.rows == 7
    assert len(list(Result.parse(io.BytesIO(outcome.body), format=fmt))) == 7


def test_byte_cap_cuts_rows_not_syntax(store):
    outcome = evaluate(store.query, Job("SELECT * WHERE { ?s ?p ?o }", "json", 1000, 2000))
    assert "bytes" in outcome.truncated and len(outcome.body) <= 2000
    rows = json.loads(outcome.body)["results"]["bindings"]
    assert 0 < len(rows) == outcome.rows < 41
    outcome = evaluate(store.query, Job("CONSTRUCT WHERE { ?s ?p ?o }", "ttl", 1000, 1500))
    assert "bytes" in outcome.truncated and len(outcome.body) <= 1500
    graph = ox.parse(outcome.body, ox.RdfFormat.TURTLE)
    assert 0 < len(list(graph)) == outcome.rows


def test_no_cut_no_signal(store):
    outcome = evaluate(store.query, Job("SELECT * WHERE { ?s ?p ?o }", "csv", 41, 10**6))
    assert outcome.truncated == [] and outcome.rows == 41


def test_protocol_dataset_overrides_from_and_union(store):
    g = "https://kg.example.org/graph/fixture-entities"
    count = "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }"
    out = evaluate(store.query, Job(count, "tsv", 10, 10**6, default_graphs=[g]))
    assert int(out.body.split(b"\n")[1]) == 12  # the entities graph, not <urn:nothing>
    empty = evaluate(store.query, Job(count, "tsv", 10, 10**6, has_dataset=True))
    assert int(empty.body.split(b"\n")[1]) == 0  # FROM <urn:nothing>, not the union


def test_accept_parsing_and_negotiation():
    assert parse_accept(None) == [("*/*", 1.0)]
    offers = (("application/sparql-results+json", "json"), ("text/csv", "csv"))
    assert negotiate("text/csv;q=0.9, application/sparql-results+json;q=0.2", offers) == "csv"
    assert negotiate("text/*;q=0.3, */*;q=0.1", offers) == "csv"
    assert negotiate("application/sparql-results+json;q=0, */*", offers) == "csv"
    assert negotiate("image/png", offers) is None
    assert choose_format("CONSTRUCT", None, "json") == "jsonld"
    assert choose_format("SELECT", "text/plain", "application/sparql-results+xml") == "xml"


def test_memory_store_runs_in_process():
    """Without worker processes (memory store) the protocol answers the same way."""
    memory = MemoryStore()
    memory.load(sources_for(PUBLIC_TRIG))
    app = make_app(memory, max_rows=5)
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                          headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["X-KG-Truncated"] == "rows"
    assert response.data.count(b"\r\n") == 6
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert response.status_code == 400
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p "})
    assert response.status_code == 400 and b"syntax error" in response.data


def test_json_rows_are_counted_exactly_with_braces_in_literals():
    """The direct JSON route counts solutions in the bytes; literals must not fool it."""
    tricky = ox.Store()
    for i, text in enumerate(['x"},{"[{,{\\', "{}", "a{", "plain"]):
        tricky.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"),
                           ox.Literal(text), ox.DefaultGraph()))
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    outcome = evaluate(tricky.query, Job(query, "json", 4, 10**6, has_dataset=True))
    assert outcome.rows == 4 and outcome.truncated == []
    outcome = evaluate(tricky.query, Job(query, "json", 3, 10**6, has_dataset=True))
    assert outcome.rows == 3 and outcome.truncated == ["rows"]
    assert len(json.loads(outcome.body)["results"]["bindings"]) == 3
    outcome = evaluate(tricky.query, Job(query, "xml", 3, 10**6, has_dataset=True))
    assert outcome.rows == 3 and outcome.truncated == ["rows"]


def test_the_endpoint_takes_its_guard_limits_from_its_settings():
    """The app's settings, not defaults or KG_* variables, say how deep a request may nest."""
    nested = "SELECT * WHERE { " + "{ " * 20 + "?s ?p ?o" + " }" * 20 + " } LIMIT 1"
    strict = make_app(MemoryStore(), max_nesting=10).test_client()
    response = strict.get("/sparql", query_string={"query": nested})
    assert response.status_code == 400 and "max_nesting" in response.get_data(as_text=True)
    relaxed = make_app(MemoryStore(), max_nesting=50).test_client()
    assert relaxed.get("/sparql", query_string={"query": nested}).status_code == 200
