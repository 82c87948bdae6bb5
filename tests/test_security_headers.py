"""Every route of the app, and its errors, answers with the security headers: a CSP naming
`frame-ancestors` (the page policy, or a view's own, on HTML; a nothing-runs policy on data),
`X-Content-Type-Options: nosniff` and a `Referrer-Policy`. /sparql answers before Flask, so
it is walked too, through the same WSGI stack the server runs; a live server checks the
dump download, which Granian streams from a file."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

from kg.web.headers import DATA_POLICY
from tests.conftest import LiveServer

PERSON = "person/gholamreza-khosravi"
EVENT = "event/1988-massacre"
ASK = "ASK { ?s ?p ?o }"

#: One or more requests per route (endpoint name -> (method, path, options)); a route
#: missing here fails the test, so a new route is walked as soon as it exists.
ROUTES: dict[str, list[tuple[str, str, dict]]] = {
    "home.index": [("GET", "/", {})],
    "resources.void": [("GET", "/.well-known/void", {})],
    "explore.between": [("POST", "/api/graph/between", {"json": {"nodes": []}}),
                        ("POST", "/api/graph/between", {"data": "x"})],
    "explore.edge": [("GET", "/api/graph/edge/{edge}", {}), ("GET", "/api/graph/edge/nope", {})],
    "explore.evidence": [("POST", "/api/graph/evidence", {"json": {"edges": ["{edge}"]}})],
    "explore.neighbourhood": [("GET", f"/api/graph/neighbourhood?iri={{id}}{EVENT}", {}),
                              ("GET", "/api/graph/neighbourhood", {})],
    "explore.paths": [("GET", f"/api/graph/paths?from={{id}}{EVENT}&to={{id}}{PERSON}", {})],
    "explore.search": [("GET", "/api/graph/search?q=evin", {})],
    "explore.sources": [("GET", "/api/graph/sources", {})],
    "explore.status": [("GET", "/api/graph/status", {})],
    "resources.document": [("GET", f"/data/{PERSON}.ttl", {}),
                           ("GET", f"/data/{PERSON}.jsonld", {}),
                           ("GET", "/data/graph/entities.nt", {}),
                           ("GET", "/data/person/nobody.ttl", {})],
    "resources.dump": [("GET", "/dumps/kg.nq.gz", {}), ("GET", "/dumps/nothing.gz", {})],
    "explore.page": [("GET", "/explore", {})],
    "figures.page": [("GET", "/figure/event/1988-massacre/people-killed", {}),
                     ("GET", "/figure/event/1988-massacre/people-killed.json", {}),
                     ("GET", "/figure/event/nothing/here", {})],
    "figures.index": [("GET", "/figures", {})],
    "figures.index_twin": [("GET", "/figures.json", {})],
    "resources.graph": [("GET", "/graph/entities", {}), ("GET", "/graph/nothing", {})],
    "resources.identifier": [("GET", f"/id/{PERSON}", {}),
                             ("GET", f"/id/{PERSON}", {"headers": {"Accept": "text/turtle"}}),
                             ("GET", "/id/person/nobody", {})],
    "ontology.page": [("GET", "/ontology", {})],
    "entities.page": [("GET", f"/page/{PERSON}", {}), ("GET", f"/page/{PERSON}.json", {}),
                      ("GET", "/page/person/nobody", {})],
    "query_page.page": [("GET", "/query", {})],
    "reconcile.endpoint": [("GET", "/reconcile", {}),
                           ("POST", "/reconcile",
                            {"data": {"queries": '{"q0": {"query": "Khosravi"}}'}}),
                           ("POST", "/reconcile", {"data": {"queries": "not json"}})],
    "reconcile.docs": [("GET", "/reconcile/docs", {})],
    "reconcile.preview": [("GET", f"/reconcile/preview?id={PERSON}", {})],
    "reconcile.propose_properties": [("GET", "/reconcile/propose_properties?type=person", {})],
    "reconcile.suggest": [("GET", "/reconcile/suggest/entity?prefix=khos", {})],
    "search.search_page": [("GET", "/search?q=evin", {})],
    "search.search_json": [("GET", "/search.json?q=evin", {})],
    "sparql.sparql": [
        ("GET", f"/sparql?query={ASK}", {}),
        ("GET", "/sparql?query=CONSTRUCT+WHERE+{?s+?p+?o}+LIMIT+3", {}),
        ("GET", "/sparql", {}),  # the service description
        ("GET", "/sparql", {"headers": {"Accept": "text/html"}}),  # 303 to the query page
        ("GET", "/sparql?query=SELEC", {}),  # 400
        ("GET", "/sparql?query=SELECT+*+{SERVICE+<http://x/>+{?s+?p+?o}}", {}),  # refused
        ("GET", f"/sparql?query={ASK}&format=image/png", {}),  # 406
        ("POST", "/sparql", {"data": ASK, "content_type": "application/sparql-query"}),
        ("POST", "/sparql", {"data": ASK, "content_type": "text/plain"}),  # 415
        ("POST", "/sparql", {"data": "INSERT DATA {<a:a> <a:a> <a:a>}",
                             "content_type": "application/sparql-update"}),  # 403
        ("POST", "/sparql", {"data": b"x" * (3 << 20),
                             "content_type": "application/sparql-query"}),  # 413
        ("PUT", "/sparql", {}),  # 405
        ("OPTIONS", "/sparql", {}),
        ("HEAD", f"/sparql?query={ASK}", {}),
    ],
    "static": [("GET", "/static/css/kg.css", {}), ("GET", "/static/nothing.css", {})],
    "timeline.timeline": [("GET", "/timeline", {})],
    "timeline.timeline_json": [("GET", "/timeline.json", {})],
    "validation.page": [("GET", "/validation", {})],
    "validation.report_json": [("GET", "/validation.json", {})],
}
#: Requests no route answers: Flask's own errors.
ERRORS = [("GET", "/no/such/page", {}), ("DELETE", "/", {}), ("GET", "/page/", {})]


def check(response: TestResponse | list[tuple[str, str]], what: str) -> None:
    headers = response.headers if isinstance(response, TestResponse) else Headers(response)
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    csp = headers.get("Content-Security-Policy") or ""
    directives = dict((d.strip() + " ").split(" ", 1) for d in csp.split(";") if d.strip())
    assert "frame-ancestors" in directives, (what, csp)
    content_type = (headers.get("Content-Type") or "").split(";")[0]
    if content_type == "text/html":
        assert directives.get("script-src", "").strip() == "'self'" or csp.startswith(
            "default-src 'none'"), (what, csp)
    else:
        assert csp == DATA_POLICY or "script-src 'self'" in csp, (what, csp)
    if "'none'" in directives["frame-ancestors"]:
        assert headers.get("X-Frame-Options") == "DENY", what


@pytest.fixture
def edge(client: FlaskClient) -> str:
    data = client.get("/api/graph/neighbourhood",
                      query_string={"iri": "https://kg.example.org/id/" + EVENT}).get_json()
    return data["edges"][0]["id"]


def test_every_route_and_error_carries_the_security_headers(app: Flask, client: FlaskClient,
                                                            edge: str) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), "walk the new route here: " + str(endpoints ^ set(ROUTES))
    statuses = set()
    for endpoint, requests in [*ROUTES.items(), ("errors", ERRORS)]:
        for method, path, options in requests:
            url = path.replace("{edge}", edge).replace("{id}", "https://kg.example.org/id/")
            if "json" in options and options["json"].get("edges"):
                options = {"json": {"edges": [edge]}}
            response = client.open(url, method=method, **options)
            statuses.add(response.status_code)
            check(response, f"{endpoint}: {method} {url} -> {response.status_code}")
            response.close()
    # Successes, redirects and errors of every kind were among them.
    assert {200, 202, 204, 303, 400, 403, 404, 405, 406, 413, 415} - statuses <= {202}, statuses


def test_the_live_server_sends_them_with_sparql_answers_and_dumps(live_server: LiveServer) -> None:
    for path in ("/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D", "/dumps/kg.trig.gz", "/",
                 "/sparql?query=nonsense", "/no/such/page"):
        try:
            with urllib.request.urlopen(live_server.url + path, timeout=60) as response:
                headers = response.headers.items()
                response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                headers = exc.headers.items()
        check(headers, path)
