"""/sparql against a real `kg serve` on 127.0.0.1: every protocol form and format, the safety
limits (SERVICE, FROM, timeout, caps, updates) and restricted data that must never leave."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.query import Result

from kg.store import DiskStore
from tests.fixtures.sparql.server import (
    SERVED_BACKENDS,
    FixtureServer,
    cpu_seconds,
    descendants,
    load_fixture_store,
    served_fixture,
)
from tests.http_client import http, parse_rdf

EX = "https://kg.example.org/"
MASSACRE = EX + "id/event/fixture-massacre"
LABEL_QUERY = ("SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
               " ORDER BY ?s ?label")
CONSTRUCT = f"CONSTRUCT {{ <{MASSACRE}> ?p ?o }} WHERE {{ <{MASSACRE}> ?p ?o }}"
SECRETS = ("SECRET", "secret-witness", "hidden-relative", "graph/restricted")
CROSS_JOIN = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
              "?m ?n1 ?o . ?q ?r ?t . ?u ?v ?w }")


@pytest.fixture(scope="module", params=SERVED_BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Read-only server on the fixture, on each backend: 2 s timeout, 30-row cap."""
    srv = served_fixture(request, tmp_path_factory.mktemp("sparql"), request.param,
                         env={"KG_QUERY_TIMEOUT": "2", "KG_MAX_ROWS": "30",
                              "KG_WRITE_ENABLED": "false"})
    srv.backend = request.param  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def get(server: FixtureServer, params: dict[str, str] | list[tuple[str, str]],
        accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    query = urllib.parse.urlencode(params)
    return http(f"{server.sparql}?{query}", headers={"Accept": accept} if accept else {})


# --- the three query forms and every format ------------------------------------------------

@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
@pytest.mark.parametrize("fmt,accept", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_select_every_form_and_format(server, how, fmt, accept):
    if how == "get":
        status, headers, body = get(server, {"query": LABEL_QUERY}, accept)
    elif how == "post-form":
        status, headers, body = http(server.sparql, urllib.parse.urlencode(
            {"query": LABEL_QUERY}).encode(), {"Accept": accept,
                                              "Content-Type": "application/x-www-form-urlencoded"})
    else:
        status, headers, body = http(server.sparql, LABEL_QUERY.encode(), {
            "Accept": accept, "Content-Type": "application/sparql-query"})
    assert status == 200, body
    assert headers["Content-Type"].startswith(accept)
    result = Result.parse(io.BytesIO(body), format=fmt)
    labels = {str(row[1]) for row in result}
    assert "Fixture massacre" in labels and "کشتار نمونه" in labels
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
    ("application/trig", "trig"), ("application/n-quads", "nquads")])
def test_construct_every_format(server, accept, fmt):
    status, headers, body = get(server, {"query": CONSTRUCT}, accept)
    assert status == 200, body
    assert headers["Content-Type"].startswith(accept)
    graph = parse_rdf(body, fmt)
    labels = {str(o) for s, p, o in graph.triples((rdflib.URIRef(MASSACRE), rdflib.RDFS.label,
                                                   None))}
    assert labels == {"Fixture massacre", "کشتار نمونه"}


def test_ask_and_describe(server):
    status, _, body = get(server, {"query": f"ASK {{ <{MASSACRE}> ?p ?o }}"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get(server, {"query": f"DESCRIBE <{MASSACRE}>"}, "application/n-triples")
    assert status == 200
    if server.backend != "virtuoso":  # DESCRIBE is the engine's choice; Virtuoso's differs
        assert b"Fixture massacre" in body


def test_accept_q_values_and_format_parameter(server):
    status, headers, _ = get(server, {"query": LABEL_QUERY},
                             "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    status, headers, _ = get(server, {"query": LABEL_QUERY, "format": "tsv"}, "text/csv")
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    status, headers, _ = get(server, {"query": CONSTRUCT, "format": "json"})
    assert headers["Content-Type"].startswith("application/ld+json")
    status, headers, _ = get(server, {"query": LABEL_QUERY}, "text/html;q=0.9, */*;q=0.8")
    assert headers["Content-Type"].startswith("application/sparql-results+json")


def test_406_when_nothing_fits(server):
    status, _, body = get(server, {"query": LABEL_QUERY}, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, _ = get(server, {"query": CONSTRUCT}, "text/csv")
    assert status == 406
    status, _, _ = get(server, {"query": CONSTRUCT, "format": "csv"})
    assert status == 406


def test_malformed_query_gives_parser_message_and_position(server):
    status, headers, body = get(server, {"query": "SELECT * WHERE { ?s ?p }"})
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert b"1:25" in body and b"syntax error" in body


@pytest.mark.parametrize("case", ["two-queries", "put", "delete", "no-content-type",
                                  "text-plain", "not-utf8", "post-form-not-utf8"])
def test_protocol_errors_are_4xx(server, case):
    """The W3C protocol tests' negative cases (sparql11/protocol)."""
    if case == "two-queries":
        status, _, _ = get(server, [("query", "ASK {}"), ("query", "ASK {}")])
    elif case in ("put", "delete"):
        status, _, _ = http(server.sparql + "?query=ASK%7B%7D", b"" if case == "put" else None,
                            method=case.upper())
    elif case == "no-content-type":
        request = urllib.request.Request(server.sparql, data=b"ASK {}", method="POST")
        request.remove_header("Content-type")
        conn = socket.create_connection(("127.0.0.1", server.port))
        with conn:
            conn.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\n"
                         b"Connection: close\r\n\r\nASK {}")
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
        status = int(reply.split()[1])
    elif case == "text-plain":
        status, _, _ = http(server.sparql, b"ASK {}", {"Content-Type": "text/plain"})
    elif case == "not-utf8":
        status, _, _ = http(server.sparql, "ASK { ?s ?p \"café\" }".encode("latin-1"),
                            {"Content-Type": "application/sparql-query"})
    else:
        status, _, _ = http(server.sparql, b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22caf\xe9%22%7D",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= status < 500


def test_service_description_and_browser_redirect(server):
    status, headers, body = http(server.sparql, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server.sparql)) in graph
    assert any(str(o).endswith("/.well-known/void") for o in graph.objects(None,
                                                                           rdflib.RDFS.seeAlso))
    request = urllib.request.Request(server.sparql, headers={
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(request, timeout=10)
    with caught.value as response:
        assert response.code == 303 and response.headers["Location"].endswith("/query")


def test_cors_preflight(server):
    status, headers, _ = http(server.sparql, method="OPTIONS", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_default_and_named_graph_uri(server):
    report, entities = EX + "graph/fixture-report", EX + "graph/fixture-entities"
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = {}
    for graph in (report, entities):
        status, _, body = get(server, {"query": q, "default-graph-uri": graph})
        counts[graph] = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    status, _, body = get(server, [("query", q), ("default-graph-uri", report),
                                   ("default-graph-uri", entities)])
    both = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert counts[report] > 0 and counts[entities] > 0 and both == sum(counts.values())
    status, _, body = get(server, {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                   "named-graph-uri": report})
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert graphs == {report}


# --- safety --------------------------------------------------------------------------------

@pytest.fixture
def listener():
    """A socket on 127.0.0.1 that records whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.setblocking(False)
    yield sock
    sock.close()


def _connected(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def test_service_and_from_make_no_connection(server, listener):
    port = listener.getsockname()[1]
    here = f"http://127.0.0.1:{port}/sparql"
    for query in (f"SELECT * WHERE {{ SERVICE <{here}> {{ ?s ?p ?o }} }}",
                  f"select * where {{ service silent <{here}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ ?x ?y ?z # comment }}\n SeRvIcE <{here}> {{ ?s ?p ?o }} }}",
                  f"PREFIX s: <{here}> SELECT * WHERE {{ SERVICE s: {{ ?s ?p ?o }} }}"):
        status, _, body = get(server, {"query": query})
        assert status == 400 and b"SERVICE" in body, query
    for query in (f"SELECT * FROM <{here}> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{here}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        status, _, body = get(server, {"query": query})
        assert status == 200
        if server.backend != "oxigraph":  # Oxigraph server ignores FROM under its union
            assert json.loads(body)["results"]["bindings"] == []
    status, _, _ = get(server, {"query": "SELECT ?s WHERE { ?s ?p ?o }",
                                "default-graph-uri": here, "named-graph-uri": here})
    assert status == 200
    status, _, body = get(server, {"query": "SELECT ('SERVICE <x>' AS ?w) ?service WHERE {}"})
    assert status == 200
    time.sleep(0.3)
    assert not _connected(listener)


def test_update_refused(server):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    status, _, body = http(server.sparql, urllib.parse.urlencode({"update": update}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, _, body = http(server.sparql, update.encode(),
                           {"Content-Type": "application/sparql-update",
                            "Authorization": "Bearer guess"})
    assert status == 403
    status, _, body = get(server, {"query": update})
    assert status == 400 and b"Update" in body
    status, _, _ = get(server, {"update": update})
    assert status == 400
    status, _, body = get(server, {"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert json.loads(body)["boolean"] is False


def test_row_cap_is_signalled(server):
    status, headers, body = get(server, {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert status == 200
    assert headers["X-KG-Truncated"] == "rows" and headers["X-KG-Rows"] == "30"
    assert len(json.loads(body)["results"]["bindings"]) == 30
    status, headers, body = get(server, {"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                                "application/n-triples")
    assert headers["X-KG-Truncated"] == "rows" and body.count(b"\n") == 30
    status, headers, _ = get(server, {"query": LABEL_QUERY})
    assert "X-KG-Truncated" not in headers


def test_timeout_kills_work_while_other_queries_are_answered(server):
    """A cross join is cut at 2 s with 503; an ASK sent meanwhile is answered; CPU stops."""
    if server.backend != "disk":
        pytest.skip("a remote server's queries are not killable (capabilities), only cut off")
    result: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        result["status"], _, result["body"] = get(server, {"query": CROSS_JOIN})
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = get(server, {"query": f"ASK {{ <{MASSACRE}> ?p ?o }}"})
    assert status == 200 and json.loads(body)["boolean"] is True
    assert time.monotonic() - started < 1.0
    thread.join(30)
    assert result["status"] == 503, result
    assert b"2 s limit" in result["body"]  # type: ignore[operator]
    assert result["seconds"] < 5  # type: ignore[operator]
    time.sleep(1.5)  # let the replacement worker finish starting
    pids = descendants(server.process.pid)
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(1.0)
    busy = {pid: cpu_seconds(pid) - cpu for pid, cpu in before.items()
            if cpu_seconds(pid) - cpu > 0.3}
    assert not busy, f"processes still burning CPU after the timeout: {busy}"
    status, _, _ = get(server, {"query": "ASK {}"})
    assert status == 200


# --- restricted data -----------------------------------------------------------------------

RESTRICTED_PROBES = [
    {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "tsv"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "format": "tsv"},
    {"query": f"SELECT * WHERE {{ GRAPH <{EX}graph/restricted/interviews> {{ ?s ?p ?o }} }}"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri":
        EX + "graph/restricted/interviews"},
    {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri":
        EX + "graph/restricted/interviews"},
    {"query": f"SELECT * FROM <{EX}graph/restricted/interviews> WHERE {{ ?s ?p ?o }}"},
    {"query": f"SELECT * FROM <{EX}graph/loaded/extra> WHERE {{ ?s ?p ?o }}"},
    {"query": f"DESCRIBE <{EX}id/person/secret-witness> <{EX}id/person/hidden-relative>"},
    {"query": f"DESCRIBE <{EX}id/person/fixture-victim>"},
    {"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "nq"},
    {"query": "SELECT ?s WHERE { ?s <https://kg.example.org/ontology#accessLevel> ?l }"},
    {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
]


def test_the_secrets_are_there_to_leak(server):
    """Positive control for the probes below: the fixture's restricted graph and node are in
    the store (its full view), so a probe that finds no secret means the endpoint kept them
    in, not that there was nothing to find."""
    if not Path(str(server.store)).is_dir():
        pytest.skip("a remote store holds the public part only: nothing restricted to leak")
    with DiskStore(server.store) as store:
        full = "".join(map(str, store.quads("full"))).encode()
        public = "".join(map(str, store.quads("public"))).encode()
    for secret in SECRETS:
        assert secret.encode() in full and secret.encode() not in public, secret


@pytest.mark.parametrize("params", RESTRICTED_PROBES)
def test_restricted_data_never_leaves_sparql(server, params):
    status, _, body = get(server, params)
    assert status == 200, body
    for secret in SECRETS:
        assert secret.encode() not in body, (secret, params)


# --- client libraries ----------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_every_method_and_format(server):
    from SPARQLWrapper import CSV, JSON, N3, POST, TSV, TURTLE, XML, SPARQLWrapper

    for method in ("GET", POST):
        client = SPARQLWrapper(server.sparql)
        client.setMethod(method)
        client.setQuery(LABEL_QUERY)
        for fmt in (JSON, XML, CSV, TSV):
            client.setReturnFormat(fmt)
            data = client.queryAndConvert()
            assert data, (method, fmt)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert {r["label"]["value"] for r in rows} >= {"Fixture massacre"}
        client.setQuery(f"ASK {{ <{MASSACRE}> ?p ?o }}")
        assert client.queryAndConvert()["boolean"] is True
        client.setQuery(CONSTRUCT)
        for fmt in (TURTLE, XML, N3):
            client.setReturnFormat(fmt)
            graph = client.queryAndConvert()
            if isinstance(graph, bytes):
                graph = rdflib.Graph().parse(data=graph, format="turtle")
            assert len(graph) == 4, (method, fmt)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(server, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.sparql, method=method)
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(LABEL_QUERY))
    assert {str(r[1]) for r in rows} >= {"Fixture massacre", "Fixture prison"}
    assert graph.query(f"ASK {{ <{MASSACRE}> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 4
    labels = set(graph.objects(rdflib.URIRef(MASSACRE), rdflib.RDFS.label))
    assert {str(x) for x in labels} == {"Fixture massacre", "کشتار نمونه"}
    store.close()


def test_writes_go_through_the_store_with_a_token(tmp_path: Path):
    store = load_fixture_store(tmp_path / "store")
    srv = FixtureServer(store, env={"KG_WRITE_ENABLED": "true", "KG_WRITE_TOKEN": "s3cret"},
                        threads=2)
    try:
        update = f"INSERT DATA {{ GRAPH <{EX}graph/added> {{ <{MASSACRE}> <urn:p> \"new\" }} }}"
        status, headers, _ = http(srv.sparql, update.encode(),
                                  {"Content-Type": "application/sparql-update"})
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        status, _, _ = http(srv.sparql, update.encode(), {
            "Content-Type": "application/sparql-update", "Authorization": "Bearer wrong"})
        assert status == 401
        status, _, body = http(srv.sparql, update.encode(), {
            "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
        assert status == 204, body
        status, _, body = http(srv.sparql, b"LOAD <http://127.0.0.1:9/x>", {
            "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
        assert status == 400
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            _, _, body = get(srv, {"query": f"ASK {{ <{MASSACRE}> <urn:p> \"new\" }}"})
            if json.loads(body)["boolean"]:
                break
            time.sleep(0.2)
        assert json.loads(body)["boolean"] is True
    finally:
        srv.stop()
