"""Contested-figure pages (/figure/..., /figures) and their JSON twins through Flask's test
client; kg.web.figure_view's words."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kg.figures import Figure
from kg.lineage import Lineage
from kg.web.explore import CSP
from kg.web.figure_view import figure_text

TOLL = "/figure/event/1988-massacre/people-killed"


def _figure(shape: str, **values: object) -> Figure:
    base: dict = {"value": None, "low": None, "high": None, "alternatives": ()}
    return Figure("urn:x:c", shape, **{**base, **values}, kind=None, inferred=False,
                  inference_note=None, unit=None, statement=None, claimants=(),
                  publication=None, published=None, status=None, grading=None,
                  lineage=Lineage("urn:x:c", (), (), ()))


@pytest.mark.parametrize(("figure", "text"), [
    (_figure("point", value=30000.0), "30,000"),
    (_figure("range", low=4000.0, high=5000.0), "4,000 – 5,000"),
    (_figure("lower", value=110.0, low=110.0), "≥ 110"),
    (_figure("upper", high=1000.0), "≤ 1,000"),
    (_figure("alternatives", alternatives=(2800.0, 3800.0)), "2,800 or 3,800"),
])
def test_figure_text(figure: Figure, text: str) -> None:
    assert figure_text(figure) == text


def test_the_toll_page_table_is_the_json_twin(client: FlaskClient) -> None:
    response = client.get(TOLL)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CSP  # no inline script or style
    assert f"<{TOLL}.json>" in response.headers["Link"]
    html = response.get_data(as_text=True)
    data = client.get(TOLL + ".json").get_json()
    assert data["title"] == "People killed: 1988 mass executions of political prisoners in Iran"
    assert data["summary"].startswith("17 figures from ")
    rows = re.findall(r'<tr id="(figure-\d+)" data-claim="([^"]+)"', html)
    assert rows == [(f["id"], f["claim"]["iri"]) for f in data["figures"]]
    texts = re.findall(r'<strong class="figure-text">([^<]+)</strong>', html)
    assert texts == [f["text"] for f in data["figures"]]
    assert "2,800 or 3,800" in texts and "≤ 1,000" in texts and "4,000 – 5,000" in texts
    assert '<canvas id="figure-chart" role="img"' in html
    assert '<script type="application/json" id="figure-data">' in html
    assert "vendor/chart-4.6.1.umd.min.js" in html


def test_each_figure_says_who_gives_it_and_what_it_rests_on(client: FlaskClient) -> None:
    data = client.get(TOLL + ".json").get_json()
    by_claim = {f["claim"]["iri"].rsplit("/", 1)[-1]: f for f in data["figures"]}
    jvmi = by_claim["jvmi-toll-30000"]
    assert jvmi["claimantText"] == "Justice for the Victims of the 1988 Massacre in Iran"
    assert jvmi["originText"] == "National Council of Resistance of Iran"
    assert jvmi["originsText"] == ("1 independent origin (National Council of Resistance of "
                                   "Iran), repeated by 3 sources")
    assert jvmi["grading"] == {"code": "C4", "reliability": "C: fairly reliable",
                               "credibility": "4: doubtful"}
    assert jvmi["status"] == "contested" and jvmi["published"]["value"] == "2020-12"
    rafsanjani = by_claim["ai-1990-rafsanjani-toll"]
    assert (rafsanjani["shape"], rafsanjani["high"], rafsanjani["status"]) == (
        "upper", 1000, "official acknowledgement")
    assert by_claim["montazeri-toll"]["alternatives"] == [2800, 3800]
    assert data["several"] == 1
    ncri = next(w for w in data["witnesses"] if w["label"] == jvmi["originText"])
    assert ncri["figures"] == 6
    assert [w["index"] for w in data["witnesses"]] == list(range(len(data["witnesses"])))


def test_figure_pages_are_linked_from_home_event_and_index(client: FlaskClient) -> None:
    assert f'href="{TOLL}"' in client.get("/").get_data(as_text=True)
    event = client.get("/page/event/1988-massacre").get_data(as_text=True)
    assert f'<a href="{TOLL}" lang="en" dir="ltr">people killed</a>' in event
    twin = client.get("/page/event/1988-massacre.json").get_json()
    assert twin["figures"][0]["href"] == TOLL
    index = client.get("/figures.json").get_json()["figures"]
    assert {f["href"] for f in index} >= {TOLL, "/figure/event/1988-massacre-gohardasht/"
                                                 "people-killed"}
    assert f'href="{TOLL}"' in client.get("/figures").get_data(as_text=True)
    person = client.get("/page/person/gholamreza-khosravi").get_data(as_text=True)
    assert "Contested figures:" not in person


@pytest.mark.parametrize("url", ["/figure/event/1988-massacre-evin/people-killed",
                                 "/figure/event/1988-massacre/nothing", "/figure/x",
                                 "/figure/../../etc/passwd", "/figure/event/nobody/x.json"])
def test_unknown_quantities_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404
