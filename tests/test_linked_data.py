"""Linked data on a real server: /id/... 303s, /data/... documents with claims and evidence,
dumps and VoID; restricted graphs and nodes absent from every one of them."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest
import rdflib

from kg.store import DiskStore
from tests.fixtures.sparql.server import SERVED_BACKENDS, served_fixture
from tests.http_client import fetch, parse_rdf

EX = "https://kg.example.org/"
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
KG = rdflib.Namespace(EX + "ontology#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SECRETS = (b"SECRET", b"secret-witness", b"hidden-relative", b"graph/restricted")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


@pytest.fixture(scope="module", params=SERVED_BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    srv = served_fixture(request, tmp_path_factory.mktemp("ld"), request.param, threads=2)
    yield srv
    srv.stop()


@pytest.mark.parametrize("accept,target", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/page/event/x"),
    ("text/turtle", "/data/event/x.ttl"), ("application/ld+json", "/data/event/x.jsonld"),
    ("application/n-triples", "/data/event/x.nt"), ("application/rdf+xml", "/data/event/x.rdf"),
    ("text/turtle;q=0.5, application/ld+json", "/data/event/x.jsonld"),
    (None, "/page/event/x")])
def test_id_redirects_by_accept(server, accept, target):
    status, headers, _ = fetch(server.url + "/id/event/fixture-massacre", accept)
    assert status == 303
    assert headers["Location"] == server.url + target.replace("/x", "/fixture-massacre")
    assert headers["Vary"] == "Accept"
    assert 'rel="alternate"; type="text/turtle"' in headers["Link"]
    assert "/page/event/fixture-massacre" in headers["Link"]


def test_the_secrets_are_there_to_leak(server):
    """Positive control for the restricted probes: the fixture's restricted graph and node
    are in the store's full view (and only there)."""
    if not Path(str(server.store)).is_dir():
        pytest.skip("a remote store holds the public part only: nothing restricted to leak")
    with DiskStore(server.store) as store:
        full = "".join(map(str, store.quads("full"))).encode()
        public = "".join(map(str, store.quads("public"))).encode()
    for secret in SECRETS:
        assert secret in full and secret not in public, secret


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/secret-witness",
                                  "/id/person/hidden-relative", "/data/person/nobody.ttl",
                                  "/data/person/secret-witness.ttl",
                                  "/data/event/fixture-massacre.exe",
                                  "/graph/restricted/interviews", "/graph/loaded/extra",
                                  "/data/graph/restricted/interviews.nt", "/dumps/kg.tar"])
def test_unknown_and_restricted_are_404(server, path):
    status, _, body = fetch(server.url + path, "text/turtle")
    assert status == 404, body


@pytest.mark.parametrize("ext", list(FORMATS))
def test_description_has_claims_and_evidence(server, ext):
    status, headers, body = fetch(server.url + f"/data/event/fixture-massacre.{ext}")
    assert status == 200
    assert headers["Content-Type"].split(";")[0] in (
        "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
    assert f'<{EX}id/event/fixture-massacre>; rel="describes"' in headers["Link"]
    graph = parse_rdf(body, FORMATS[ext])
    event = rdflib.URIRef(EX + "id/event/fixture-massacre")
    claim = rdflib.URIRef(EX + "id/claim/fixture-toll")
    annotation = rdflib.URIRef(EX + "id/annotation/fixture-toll")
    assert (event, rdflib.RDFS.label, rdflib.Literal("Fixture massacre", lang="en")) in graph
    assert (claim, KG.about, event) in graph
    assert (claim, KG.statement, None) in graph
    assert (annotation, OA.hasBody, claim) in graph
    target = graph.value(annotation, OA.hasTarget)
    assert isinstance(target, rdflib.BNode)
    selectors = set(graph.objects(target, OA.hasSelector))
    assert len(selectors) == 2
    assert rdflib.Literal("about 100 prisoners") in {graph.value(s, OA.exact) for s in selectors}
    count = graph.value(claim, KG["count"])
    assert graph.value(count, rdflib.URIRef("https://schema.org/value")).toPython() == 100
    for secret in SECRETS:
        assert secret not in body


def test_person_description_follows_participations(server):
    status, _, body = fetch(server.url + "/data/person/fixture-victim.ttl")
    assert status == 200
    graph = parse_rdf(body, "turtle")
    participation = rdflib.URIRef(EX + "id/participation/fixture-victim-massacre")
    claim = rdflib.URIRef(EX + "id/claim/fixture-victim-part")
    assert (claim, KG.asserts, participation) in graph
    assert (participation, KG.inEvent, rdflib.URIRef(EX + "id/event/fixture-massacre")) in graph
    for secret in SECRETS:
        assert secret not in body


def test_graph_iri_dereferences(server):
    status, headers, _ = fetch(server.url + "/graph/fixture-report", "text/turtle")
    assert status == 303 and headers["Location"].endswith("/data/graph/fixture-report.ttl")
    status, _, body = fetch(server.url + "/data/graph/fixture-report.nt")
    assert status == 200 and b"about 100 prisoners" in body
    assert b"Fixture prison" not in body  # another graph's triple


@pytest.mark.parametrize("name,fmt", [("kg.nq.gz", "nquads"), ("kg.trig.gz", "trig")])
def test_dumps_hold_the_public_dataset_only(server, name, fmt):
    status, headers, body = fetch(server.url + "/dumps/" + name)
    assert status == 200 and headers["Content-Type"] == "application/gzip"
    data = gzip.decompress(body)
    for secret in SECRETS:
        assert secret not in data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=fmt)
        graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
        quads = sum(1 for _ in dataset.quads())
    assert graphs == {EX + "graph/fixture-entities", EX + "graph/fixture-report"}
    assert quads == 41
    status, again, body2 = fetch(server.url + "/dumps/" + name)
    assert body2 == body and again["ETag"] == headers["ETag"]


def test_void_counts_public_data_and_links_everything(server):
    status, headers, body = fetch(server.url + "/.well-known/void")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    for secret in SECRETS:
        assert secret not in body
    graph = parse_rdf(body, "turtle")
    dataset = rdflib.URIRef(server.url + "/.well-known/void#dataset")
    assert graph.value(dataset, VOID.triples).toPython() == 41
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(server.sparql)
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert rdflib.URIRef(server.url + "/dumps/kg.nq.gz") in dumps
    subsets = list(graph.objects(dataset, VOID.subset))
    per_graph = {str(graph.value(s, rdflib.URIRef(
        "http://www.w3.org/ns/sparql-service-description#name"))):
        graph.value(s, VOID.triples).toPython() for s in subsets}
    assert set(per_graph) == {EX + "graph/fixture-entities", EX + "graph/fixture-report"}
    assert sum(per_graph.values()) == 41
    classes = {graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
               for p in graph.objects(dataset, VOID.classPartition)}
    assert classes[rdflib.URIRef("https://schema.org/Person")] == 2  # not the hidden relative
    assert graph.value(dataset, VOID.entities).toPython() > 5
    status, headers, body = fetch(server.url + "/.well-known/void", "application/ld+json")
    assert headers["Content-Type"] == "application/ld+json"
    assert len(parse_rdf(body, "json-ld")) == len(graph)


def test_bundled_entities_dereference(live_server):
    """Every IRI minted under the base in the bundled data answers 303 then 200."""
    status, _, body = fetch(live_server.url + "/sparql?query=" + urllib.request.quote(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{EX}id/')) }}"),
        "text/csv")
    assert status == 200
    iris = body.decode().split()[1:]
    assert len(iris) > 20
    for iri in iris:
        path = iri[len(EX):]
        status, headers, _ = fetch(f"{live_server.url}/{path}", "application/n-triples")
        assert status == 303, iri
        status, _, doc = fetch(headers["Location"])
        assert status == 200 and iri.encode() in doc, iri


def test_graph_iri_sends_browsers_to_its_source_page(live_server):
    status, headers, _ = fetch(live_server.url + "/graph/seed-article-1988-massacre",
                               "text/html")
    assert status == 303 and headers["Location"].endswith("/page/source/seed-article")
    status, _, _ = fetch(headers["Location"], "text/html")
    assert status == 200
