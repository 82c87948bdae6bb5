"""The HTML pages and their JSON twins through Flask's test client."""

from __future__ import annotations

import re
import time

import pytest
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webdata import XSS_LABEL, XSS_QUOTE, memory_store


@pytest.fixture(scope="module")
def xss_client() -> FlaskClient:
    """The app over the bundled data plus entities with hostile labels and quotes."""
    return make_app(memory_store()).test_client()


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_every_page_has_the_navigation_and_a_csp(client: FlaskClient) -> None:
    for url in ("/", "/search?q=evin", "/timeline", "/ontology",
                "/page/person/gholamreza-khosravi"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        body = response.get_data(as_text=True)
        for href in ("/search", "/explore", "/timeline", "/query", "/validation", "/ontology"):
            assert f'href="{href}"' in body
        assert "<script>" not in body  # no inline script anywhere
        assert "http://" not in re.sub(r'(<code[^>]*>.*?</code>|title="[^"]*")', "", body,
                                       flags=re.S) or url == "/ontology"


def test_home_counts_sources_and_entry_points(client: FlaskClient) -> None:
    body = text(client, "/")
    assert "People" in body and "Claims" in body and "Sources" in body
    assert 'href="/page/source/seed-article"' in body
    assert 'href="/page/event/1988-massacre"' in body
    assert "Most connected people" in body
    assert 'action="/search"' in body


@pytest.mark.parametrize("query", ["Khosravi", "khosrowi", "خسروی", "KHOSRAVI"])
def test_search_finds_khosravi(client: FlaskClient, query: str) -> None:
    body = text(client, "/search?q=" + query)
    assert 'href="/page/person/gholamreza-khosravi"' in body


def test_search_json_twin(client: FlaskClient) -> None:
    data = client.get("/search.json?q=Mujahideen").get_json()
    top = data["results"][0]
    assert top["iri"] == "https://kg.example.org/id/org/mek"
    assert top["page"] == "/page/org/mek"
    assert any(t["label"] for t in top["types"])
    assert client.get("/search.json?q=").get_json()["results"] == []


def test_search_type_filter(client: FlaskClient) -> None:
    data = client.get("/search.json?q=evin&type=Prison").get_json()
    assert data["results"] and all(
        any(t["label"] == "Prison" for t in r["types"]) for r in data["results"])


def test_entity_page_shows_claim_quote_and_date(client: FlaskClient) -> None:
    response = client.get("/page/person/gholamreza-khosravi")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">Gholamreza Khosravi</h1>' in body
    assert '<span lang="fa" dir="rtl">غلامرضا خسروی</span>' in body
    assert "1 June 2014" in body and "11 Khordad 1393" in body
    assert "<mark>On June 1, Gholamreza Khosravi</mark>" in body
    assert 'href="/page/event/execution-of-gholamreza-khosravi"' in body
    assert 'href="/page/source/seed-article"' in body
    assert "<svg" in body  # the neighbourhood, drawn without script
    assert "/explore?focus=https%3A%2F%2Fkg.example.org%2Fid%2Fperson%2Fgholamreza-khosravi" in body
    link = response.headers["Link"]
    assert 'rel="alternate"' in link and "/data/person/gholamreza-khosravi" in link
    assert '</page/person/gholamreza-khosravi.json>; rel="alternate"' in link


def test_entity_json_twin(client: FlaskClient) -> None:
    response = client.get("/page/person/gholamreza-khosravi.json")
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["label"] == "Gholamreza Khosravi"
    dates = [d for g in data["claims"] for c in g["claims"] for d in c["dates"]]
    assert {"value": "2014-06-01", "precision": "day"}.items() <= dates[0].items()


def test_competing_claims_side_by_side(client: FlaskClient) -> None:
    body = text(client, "/page/event/1988-massacre")
    assert "competing claims" in body
    assert "30,000" in body and "estimate" in body and "lower bound" in body


def test_claim_cards_show_lineage_and_independent_origins(client: FlaskClient) -> None:
    # issue 13: the chain back to the origins, and origins counted, not repetitions
    body = text(client, "/page/event/1988-massacre?claims=50")
    assert re.search(r'Derived from <a href="/page/claim/seed-ncri-toll-30000">the claim</a>'
                     r' of <a href="/page/org/ncri"[^>]*>', body)
    assert "1 independent origin (National Council of Resistance of Iran), repeated by 3 " \
           "sources" in body
    data = client.get("/page/event/1988-massacre.json?claims=50").get_json()
    cards = {c["iri"].rsplit("/", 1)[-1]: c for g in data["claims"] for c in g["claims"]}
    jvmi = cards["jvmi-toll-30000"]
    assert jvmi["lineage"]["independentOrigins"] == 1
    assert [p["label"] for p in jvmi["lineage"]["origins"][0]["claimants"]] == [
        "National Council of Resistance of Iran"]


@pytest.mark.parametrize("url", ["/page/person/nobody", "/page/../../etc/passwd",
                                 "/page/person/a%20b", "/page/nobody.json"])
def test_unknown_entities_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_claims_paging_parameter_is_safe(client: FlaskClient) -> None:
    assert client.get("/page/event/1988-massacre?claims=abc").status_code == 200
    assert client.get("/page/event/1988-massacre?claims=-5").status_code == 200


def test_timeline_shows_precision_and_solar_hijri(client: FlaskClient) -> None:
    body = text(client, "/timeline")
    assert "Execution of Gholamreza Khosravi" in body
    assert "11 Khordad 1393" in body
    assert "July 1988 – September 1988" in body or "July 1988" in body
    assert 'class="event span' in body and 'class="event point' in body


def test_timeline_filters_by_range(client: FlaskClient) -> None:
    body = text(client, "/timeline?from=1988&to=1988")
    assert "1988 mass executions" in body
    assert "Execution of Gholamreza Khosravi" not in body
    data = client.get("/timeline.json?from=2014-06&to=2014-06").get_json()
    assert [e["label"] for e in data["events"]] == ["Execution of Gholamreza Khosravi"] or \
        "Execution of Gholamreza Khosravi" in [e["label"] for e in data["events"]]
    assert all(e["date"]["latest"] >= "2014-06-01" for e in data["events"])


def test_timeline_bad_bounds_are_reported_not_fatal(client: FlaskClient) -> None:
    body = text(client, "/timeline?from=<script>&to=1988-13")
    assert "unreadable bound was ignored" in body
    assert "<script>" not in body.split("<main", 1)[1]


def test_ontology_page_documents_terms(client: FlaskClient) -> None:
    body = text(client, "/ontology")
    assert 'id="kg-Claim"' in body and 'id="kg-claimStatus"' in body
    assert "count kind" in body and "lower bound" in body  # SKOS scheme and concept
    assert 'href="#kg-Claim"' in body  # domains link to their classes


def test_validation_page_reports(client: FlaskClient) -> None:
    deadline = time.monotonic() + 120
    while True:
        body = text(client, "/validation")
        if "Conforms" in body or "Does not conform" in body or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert "Conforms" in body  # the bundled data passes the build gate
    with client.get("/validation.json") as response:
        assert response.get_json()["conforms"] is True


def test_hostile_label_and_quote_render_as_text(xss_client: FlaskClient) -> None:
    body = text(xss_client, "/page/test/xss-person")
    assert XSS_LABEL not in body and XSS_QUOTE not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<mark>&lt;img src=x onerror=alert(2)&gt;</mark>" in body
    assert "<script>alert(3)" not in body and "— <bdi>&lt;script&gt;alert(3)" in body  # lineage
    search = text(xss_client, "/search?q=xsstest")
    assert XSS_LABEL not in search and "&lt;script&gt;" in search
    timeline = text(xss_client, "/timeline")
    assert "<i>late July</i>" not in timeline and "&lt;i&gt;late July&lt;/i&gt;" in timeline
    assert "late July 1988" in timeline
    home = text(xss_client, "/")
    assert XSS_LABEL not in home


def test_persian_search_folds_arabic_letters(xss_client: FlaskClient) -> None:
    # The fixture writes its Persian name with Arabic kaf and yeh; a Persian keyboard does not.
    data = xss_client.get("/search.json?q=کریم").get_json()
    assert data["results"][0]["iri"] == "https://kg.example.org/id/test/xss-person"


def test_linked_data_doors_meet_the_page(client: FlaskClient) -> None:
    """/id/... sends browsers here, and the page's alternates exist (another blueprint)."""
    response = client.get("/id/person/gholamreza-khosravi", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/page/person/gholamreza-khosravi")
    page = client.get("/page/person/gholamreza-khosravi")
    for target in re.findall(r"<(/data/[^>]+)>", page.headers["Link"]):
        assert client.get(target).status_code == 200, target
