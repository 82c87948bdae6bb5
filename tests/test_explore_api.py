"""/explore and /api/graph/...: the JSON the graph view reads, through Flask's test client."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.network.shared import PROJECTION
from kg.store import DiskStore
from tests.conftest import make_app
from tests.test_network import JUDGE, MASSACRE, TWIN, V, fixture_store

ID = "https://kg.example.org/id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"


@pytest.fixture(scope="module")
def small() -> FlaskClient:
    """The hand-made miniature of tests/test_network.py (hostile label and quote included)."""
    return make_app(fixture_store(), graph_wait=60.0).test_client()


def get(client: FlaskClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def test_page_has_boot_data_and_strict_csp(client: FlaskClient) -> None:
    response = client.get("/explore?focus=" + quote(KHOSRAVI))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'type="application/json" id="kx-boot"' in body
    assert "<script>" not in body
    for asset in ("vendor/cytoscape-3.34.4.min.js", "vendor/cytoscape-fcose-2.2.0.js",
                  "js/explore.js", "css/explore.css"):
        assert asset in body
        with client.get("/static/" + asset) as static:
            assert static.status_code == 200
    csp = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"]
               .split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["connect-src"] == "'self'"


def test_status_and_sources(client: FlaskClient) -> None:
    status = get(client, "/api/graph/status")
    assert status["nodes"] > 50 and status["edges"] > 100
    assert {"person", "organisation", "event", "place"} <= set(status["kinds"])
    assert status["top"] and all("label" in n for n in status["top"])
    sources = get(client, "/api/graph/sources")["sources"]
    assert any("seed" in s["iri"] for s in sources)


def test_neighbourhood_of_khosravi(client: FlaskClient) -> None:
    data = get(client, "/api/graph/neighbourhood?iri=" + quote(KHOSRAVI))
    assert data["focus"]["label"] == "Gholamreza Khosravi"
    assert any(r["label"] == "victim" and r["direction"] == "out" for r in data["relations"])
    ids = {n["id"] for n in data["nodes"]}
    assert ID + "event/execution-of-gholamreza-khosravi" in ids
    edge = next(e for e in data["edges"] if e["kind"] == "participation")
    assert edge["sources"] >= 1 and edge["sourceIris"]
    detail = get(client, "/api/graph/edge/" + edge["id"])
    assert detail["claims"], "an edge shows who says so"
    claim = detail["claims"][0]
    assert claim["source"] and claim["sourceTitle"] and claim["quotes"]
    assert claim["status"] in {"asserted", "contested", "superseded", "court-finding",
                               "official-acknowledgement", "official-denial"}


def test_who_says_so_shows_where_each_claim_comes_from(client: FlaskClient) -> None:
    # issue 13: lineage and independent origins in the explorer's who-says-so panel
    jvmi = ID + "org/jvmi"
    data = get(client, "/api/graph/neighbourhood?iri=" + quote(jvmi))
    claims = [c for e in data["edges"] if e["kind"] == "claim"
              and e["target"] == ID + "event/1988-massacre"
              for c in get(client, "/api/graph/edge/" + e["id"])["claims"]]
    claim = next(c for c in claims if c["iri"] == ID + "claim/jvmi-toll-30000")
    assert claim["originsText"] == ("1 independent origin (National Council of Resistance of "
                                    "Iran), repeated by 3 sources")
    assert claim["lineage"]["independentOrigins"] == 1
    (step,) = claim["lineageSteps"]
    assert step["lead"] == "Derived from"
    assert step["source"]["page"] == "/page/claim/seed-ncri-toll-30000"
    assert [w["label"] for w in step["claimants"]] == ["National Council of Resistance of Iran"]


def test_evidence_pack_is_turtle_with_quotes_and_citations(client: FlaskClient) -> None:
    data = get(client, "/api/graph/neighbourhood?iri=" + quote(KHOSRAVI))
    ids = [e["id"] for e in data["edges"]]
    response = client.post("/api/graph/evidence",
                           json={"edges": ids, "permalink": "http://x/explore?focus=a\nb"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("# kg evidence pack")
    assert "# Sources cited:" in text and "#   [1] " in text
    assert "\nb" not in text.split("# Relations")[0].replace("\n#", "")  # no comment break-out
    triples = list(ox.parse(text.encode(), ox.RdfFormat.TURTLE))
    predicates = {t.predicate.value for t in triples}
    assert "http://www.w3.org/ns/oa#exact" in predicates
    assert "http://www.w3.org/ns/prov#wasAttributedTo" in predicates
    assert client.post("/api/graph/evidence", json={"edges": 3}).status_code == 400


def test_paths_between_two_people(client: FlaskClient) -> None:
    a, b = KHOSRAVI, ID + "person/ebrahim-raisi"
    paths = get(client, f"/api/graph/paths?from={quote(a)}&to={quote(b)}&k=3")["paths"]
    assert paths and paths[0]["nodes"][0]["id"] == a and paths[0]["nodes"][-1]["id"] == b
    assert all(h["edges"] for p in paths for h in p["hops"])


def test_search(client: FlaskClient) -> None:
    for q in ("khosravi", "Khosrowi", "غلامرضا خسروی", KHOSRAVI):
        results = get(client, "/api/graph/search?q=" + quote(q))["results"]
        assert KHOSRAVI in [r["id"] for r in results], q


def test_between_returns_edges_among_shown_nodes(small: FlaskClient) -> None:
    response = small.post("/api/graph/between", json={"nodes": [V, MASSACRE, TWIN]})
    edges = response.get_json()["edges"]
    assert {(e["source"], e["target"]) for e in edges} >= {(V, MASSACRE)}
    assert small.post("/api/graph/between", json={"nodes": "x"}).status_code == 400


def test_bad_input_is_refused_not_queried(small: FlaskClient) -> None:
    assert get(small, "/api/graph/neighbourhood", 400)["error"]
    assert get(small, "/api/graph/neighbourhood?iri=" + quote("x> } ; DROP ALL #"), 400)
    assert get(small, "/api/graph/neighbourhood?iri=" + quote(ID + "person/nobody"), 404)
    assert get(small, "/api/graph/neighbourhood?iri=" + quote(V) + "&direction=up", 400)
    assert get(small, "/api/graph/paths?from=" + quote(V), 400)
    assert get(small, "/api/graph/edge/deadbeef", 404)
    data = get(small, "/api/graph/neighbourhood?iri=" + quote(V) + "&limit=100000")
    assert data["limit"] == 200


def test_hostile_text_is_data_not_markup(small: FlaskClient) -> None:
    """Labels and quotes come back as JSON strings; the page renders them with textContent."""
    data = get(small, "/api/graph/neighbourhood?iri=" + quote(MASSACRE))
    labels = [n["label"] for n in data["nodes"]]
    assert "A <b>victim</b>" in labels
    edge = next(e for e in data["edges"] if e["source"] == V and e["status"] == "asserted")
    claims = get(small, "/api/graph/edge/" + edge["id"])["claims"]
    assert "was executed <script>" in [q for c in claims for q in c["quotes"]]
    js = (Path(__file__).resolve().parents[1] / "src/kg/web/static/js/explore.js").read_text()
    code = js.split("*/", 1)[1]  # past the header comment, which names what is avoided
    assert ".innerHTML" not in code and "insertAdjacentHTML" not in code


def test_allegation_edges_are_flagged(small: FlaskClient) -> None:
    data = get(small, "/api/graph/neighbourhood?iri=" + quote(JUDGE))
    flagged = [e for e in data["edges"] if e["alleged"]]
    assert flagged and all(e["kind"] in {"participation", "allegation"} for e in flagged)


def test_every_claim_edge_finds_its_claims(built_store_dir: Path) -> None:
    """The projection's aggregation and the per-edge claim query agree on the whole bundled
    graph: each edge has claims, and one of them carries the edge's status."""
    from kg.network.claims import claims_for
    from kg.network.projection import Projection

    store = DiskStore(built_store_dir)
    proj = Projection.build(store)
    for e in proj.edges.values():
        if e.kind == "link":
            continue
        claims = claims_for(store, e.kind, e.source, e.predicate, e.target)
        assert len(claims) >= e.claims, (e.kind, e.source, e.predicate, e.target)
        assert e.status.rsplit("/", 1)[-1] in {c["status"] for c in claims}


def test_api_answers_202_with_retry_after_while_the_projection_builds() -> None:
    """A cold start on a big store must not hold the request: 202 + Retry-After, and the
    page's fetch helper retries."""
    from tests.test_network import _SlowStore

    store = _SlowStore()
    app = make_app(store, graph_wait=0.01)
    response = app.test_client().get("/api/graph/status")
    assert response.status_code == 202
    assert response.headers["Retry-After"] == "2" and response.get_json()["retry"] is True
    PROJECTION.get(store, wait=60)
    js = (Path(__file__).resolve().parents[1] / "src/kg/web/static/js/explore.js").read_text()
    assert "r.status === 202" in js
