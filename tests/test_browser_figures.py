"""The contested-figure page in Debian's Chromium: the chart draws a mark for every dated
figure, in its origin's colour, with who says so on hover; the table holds the same rows as
the JSON twin; nothing errs or leaves 127.0.0.1, from laptop to phone width.

Set KG_SCREENSHOTS=1 to (re)write docs/screenshots/figure-death-toll*.png.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from kg.config import PROJECT_DIR
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
SHOTS = PROJECT_DIR / "docs" / "screenshots"
TOLL = "/figure/event/1988-massacre/people-killed"
TIMEOUT = 60_000

#: Where a figure's first mark is on the page (viewport pixels), found through the chart.
MARK_OF = """(claim) => {
  const chart = window.kgFigure.chart;
  const data = JSON.parse(document.getElementById('figure-data').textContent);
  const fig = data.figures.findIndex(f => f.claim.iri.endsWith(claim));
  for (let d = 0; d < chart.data.datasets.length; d++) {
    const i = chart.data.datasets[d].data.findIndex(p => p.fig === fig && p.y !== null);
    if (i >= 0) {
      const el = chart.getDatasetMeta(d).data[i], box = chart.canvas.getBoundingClientRect();
      return [box.x + el.x, box.y + el.y];
    }
  }
  return null;
}"""

#: How many canvas pixels have (nearly) a given colour: the marks are really drawn.
PIXELS_OF = """(hex) => {
  const canvas = document.getElementById('figure-chart');
  const ctx = canvas.getContext('2d');
  const {data} = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && Math.abs(data[i] - want[0]) < 8 &&
        Math.abs(data[i + 1] - want[1]) < 8 && Math.abs(data[i + 2] - want[2]) < 8) { n++; }
  }
  return n;
}"""


def _twin(live_server: LiveServer) -> dict:
    with urllib.request.urlopen(live_server.url + TOLL + ".json", timeout=30) as response:
        return json.load(response)


def test_the_toll_chart_draws_every_figure_and_the_table_matches(page, live_server) -> None:
    page.set_default_timeout(TIMEOUT)
    twin = _twin(live_server)
    page.goto(live_server.url + TOLL)
    page.wait_for_function("() => window.kgFigure && window.kgFigure.chart")
    dated = [f for f in twin["figures"] if f["published"]]
    assert page.evaluate("() => window.kgFigure.marks") == len(dated) == 17
    assert page.evaluate("() => window.kgFigure.logarithmic") is True
    # every figure has its points in the chart: 1 for a figure, 2 for a range, a bound and
    # its arrow, or two alternatives
    points = page.evaluate("""() => window.kgFigure.chart.data.datasets
        .flatMap(d => d.data).filter(p => p.y !== null).map(p => p.fig)""")
    expected = {"point": 1, "range": 2, "lower": 2, "upper": 2, "alternatives": 2}
    assert sorted(points) == sorted(i for i, f in enumerate(twin["figures"])
                                    for _ in range(expected[f["shape"]]))
    drawn = page.evaluate("""() => window.kgFigure.chart.data.datasets.map(
        (d, i) => window.kgFigure.chart.getDatasetMeta(i).data.length)""")
    assert sum(drawn) > 17
    # the NCRI's origin (six figures) is drawn in its colour from the page's palette
    ncri = next(w["index"] for w in twin["witnesses"]
                if w["label"] == "National Council of Resistance of Iran")
    colour = page.evaluate(f"""() => getComputedStyle(document.documentElement)
        .getPropertyValue('--o{ncri % 12}').trim()""")
    assert page.evaluate(PIXELS_OF, colour) > 200
    # the table: one row per figure of the twin, in its order, with its words
    rows = page.locator("#figure-table tbody tr")
    assert rows.count() == len(twin["figures"])
    for i, f in enumerate(twin["figures"]):
        row = rows.nth(i)
        assert row.get_attribute("data-claim") == f["claim"]["iri"]
        assert row.locator(".figure-text").inner_text() == f["text"]
        assert f["originText"] in row.locator("td.origin").inner_text()
    assert page.console_errors == []
    assert page.outside_requests == []


def test_hovering_a_mark_says_who_gives_it_and_a_click_finds_its_row(page, live_server) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + TOLL)
    page.wait_for_function("() => window.kgFigure && window.kgFigure.chart")
    page.locator("#figure-chart").scroll_into_view_if_needed()
    x, y = page.evaluate(MARK_OF, "jvmi-toll-30000")
    page.mouse.move(x, y)
    page.wait_for_function("() => window.kgFigure.chart.tooltip.opacity > 0")
    tooltip = page.evaluate("""() => {
        const t = window.kgFigure.chart.tooltip;
        return [t.title.join(' '), t.body.flatMap(b => b.lines).join(' | ')];
    }""")
    assert tooltip[0] == "30,000 — Justice for the Victims of the 1988 Massacre in Iran"
    for words in ("Status: contested", "Grading: C4", "Origin: National Council of Resistance",
                  "repeated by 3 sources"):
        assert words in tooltip[1]
    if os.environ.get("KG_SCREENSHOTS"):
        page.set_viewport_size({"width": 1366, "height": 1000})
        page.evaluate("() => window.scrollTo(0, 0)")
        x, y = page.evaluate(MARK_OF, "jvmi-toll-30000")
        page.mouse.move(x, y)
        page.wait_for_function("() => window.kgFigure.chart.tooltip.opacity > 0")
        page.screenshot(path=str(SHOTS / "figure-death-toll.png"))
    page.mouse.click(x, y)
    page.wait_for_function("() => location.hash.startsWith('#figure-')")
    row = page.locator("#figure-table tr:target")
    assert row.get_attribute("data-claim") == "https://kg.example.org/id/claim/jvmi-toll-30000"
    assert page.console_errors == []


@pytest.mark.parametrize("path", [TOLL, "/figure/event/1988-massacre-gohardasht/people-killed",
                                  "/figure/event/1988-massacre/cities", "/figures"])
def test_figure_pages_load_clean_at_phone_width(browser, live_server, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200
        if path != "/figures":
            page.wait_for_function("() => window.kgFigure && window.kgFigure.marks > 0")
            box = page.locator("#figure-chart").bounding_box()
            assert box and 300 <= box["width"] <= 390 and box["height"] > 200
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (path, overflow)
        if path == TOLL and os.environ.get("KG_SCREENSHOTS"):
            page.locator("#chart-h").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "figure-death-toll-narrow.png"))
        assert errors == []
    finally:
        context.close()
