"""/reconcile (W3C Reconciliation Service API 0.2) over the bundled data, through Flask's
client: every response shape against the spec's own schemas, in Persian and Latin script."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.reconcile_schemas import check

KHOSRAVI = "person/gholamreza-khosravi"
PERSON = "https://schema.org/Person"


def _batch(client: FlaskClient, queries: dict) -> dict:
    """POSTed as OpenRefine posts it: form-encoded, one field `queries` holding JSON."""
    check("reconciliation-query-batch", queries)
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.data
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    check("reconciliation-result-batch", body)
    return body


def test_manifest(client: FlaskClient) -> None:
    response = client.get("/reconcile")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    manifest = response.get_json()
    check("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://kg.example.org/id/"
    assert {"view", "preview", "suggest", "extend", "defaultTypes"} <= set(manifest)


def test_preflight_allows_any_origin(client: FlaskClient) -> None:
    response = client.options("/reconcile", headers={"Origin": "http://elsewhere.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("query", ["Khosrowi", "غلامرضا خسروی", "Gholam Reza Khosravi",
                                   "خسروي غلامرضا"])
def test_names_in_both_scripts_find_khosravi_first(client: FlaskClient, query: str) -> None:
    body = _batch(client, {"q0": {"query": query, "type": PERSON, "type_strict": "should"}})
    assert body["q0"]["result"][0]["id"] == KHOSRAVI


def test_a_name_and_a_date_of_death_make_a_match(client: FlaskClient) -> None:
    body = _batch(client, {"q0": {"query": "Gholam Reza Khosravi", "type": PERSON, "limit": 3,
                                  "properties": [{"pid": "date_of_death", "v": "2014-06-01"}]},
                           "q1": {"query": "Gholam Reza Khosravi", "type": PERSON}})
    top = body["q0"]["result"][0]
    assert top["id"] == KHOSRAVI and top["match"] is True
    features = {f["id"]: f["value"] for f in top["features"]}
    assert features["name"] == 1.0 and features["death_date_agrees"] is True
    # The name alone never makes a match.
    assert body["q1"]["result"][0]["match"] is False


def test_a_month_matches_a_day_inside_it_and_a_solar_hijri_date(client: FlaskClient) -> None:
    body = _batch(client, {
        "month": {"query": "Khosravi", "properties": [{"pid": "date_of_death", "v": "2014-06"}]},
        "hijri": {"query": "غلامرضا خسروی", "type": "person",
                  "properties": [{"pid": "date_of_death", "v": "۱۱ خرداد ۱۳۹۳"}]},
        "wrong": {"query": "Gholamreza Khosravi", "type": PERSON,
                  "properties": [{"pid": "date_of_death", "v": "1988-08-01"}]},
    })
    month = {f["id"]: f["value"] for f in body["month"]["result"][0]["features"]}
    assert month["death_date_agrees"] is True and month["death_date"] < 1
    assert body["hijri"]["result"][0]["match"] is True
    wrong = body["wrong"]["result"][0]
    assert wrong["match"] is False
    assert {f["id"]: f["value"] for f in wrong["features"]}["death_date_agrees"] is False


def test_reconciled_affiliation_as_an_entity_value(client: FlaskClient) -> None:
    body = _batch(client, {"q0": {"query": "Khosravi", "type": PERSON, "properties": [
        {"pid": "affiliation", "v": {"id": "org/mek", "name": "MEK"}}]}})
    features = {f["id"]: f["value"] for f in body["q0"]["result"][0]["features"]}
    assert features["affiliation_agrees"] is True


def test_get_queries_and_types_filter(client: FlaskClient) -> None:
    queries = {"q0": {"query": "Evin", "type": "https://schema.org/Place"},
               "q1": {"query": "Evin", "type": PERSON}}
    response = client.get("/reconcile", query_string={"queries": json.dumps(queries)})
    body = response.get_json()
    check("reconciliation-result-batch", body)
    assert body["q0"]["result"][0]["id"] == "place/evin-prison"
    assert all(r["type"][0]["id"] == PERSON for r in body["q1"]["result"])


def test_bad_batches_are_refused_with_a_reason(client: FlaskClient) -> None:
    response = client.post("/reconcile", data={"queries": "{not json"})
    assert response.status_code == 400 and "not JSON" in response.get_json()["error"]
    response = client.post("/reconcile", data={"queries": '["a"]'})
    assert response.status_code == 400


def test_preview_is_an_embeddable_card(client: FlaskClient) -> None:
    response = client.get("/reconcile/preview", query_string={"id": KHOSRAVI})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "غلامرضا خسروی" in html and "2014-06-01 (inferred)" in html
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src" not in policy
    assert "<script" not in html
    assert client.get("/reconcile/preview", query_string={"id": "person/nobody"}
                      ).status_code == 404


def test_suggest(client: FlaskClient) -> None:
    entity = client.get("/reconcile/suggest/entity",
                        query_string={"prefix": "khosr", "type": PERSON}).get_json()
    check("suggest-entities-response", entity)
    assert entity["result"][0]["id"] == KHOSRAVI
    persian = client.get("/reconcile/suggest/entity", query_string={"prefix": "خسرو"}).get_json()
    assert persian["result"][0]["id"] == KHOSRAVI
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "pe"}).get_json()
    check("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == [PERSON]
    props = client.get("/reconcile/suggest/property", query_string={"prefix": "date"}).get_json()
    check("suggest-properties-response", props)
    assert "date_of_death" in [p["id"] for p in props["result"]]


def test_property_proposals_and_data_extension(client: FlaskClient) -> None:
    proposal = client.get("/reconcile/propose_properties",
                          query_string={"type": PERSON}).get_json()
    check("data-extension-property-proposal", proposal)
    pids = [p["id"] for p in proposal["properties"]]
    assert {"label_en", "label_fa", "date_of_death", "affiliation", "sources"} <= set(pids)
    query = {"ids": [KHOSRAVI, "person/nobody"], "properties": [{"id": p} for p in pids]}
    check("data-extension-query", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    body = response.get_json()
    check("data-extension-response", body)
    row = body["rows"][KHOSRAVI]
    assert row["label_fa"] == [{"str": "غلامرضا خسروی"}]
    assert row["date_of_death"] == [{"str": "2014-06-01 (inferred)"}]  # the year is inferred
    assert {"id": "org/mek", "name": "People's Mojahedin Organization of Iran"} in \
        row["affiliation"]
    assert row["iri"] == [{"str": "https://kg.example.org/id/" + KHOSRAVI}]
    assert row["sources"] and all("id" in s and "name" in s for s in row["sources"])
    assert all(v == [] for v in body["rows"]["person/nobody"].values())
