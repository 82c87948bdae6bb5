"""The interface in Persian in Debian's Chromium: the switch, right-to-left pages, Persian
digits, Solar Hijri dates first, mirrored explorer, timeline and query page, no
untranslated string, no console error, and mixed-direction text that never scrambles.

Set KG_SCREENSHOTS=1 to (re)write the screenshots of every page in both languages under
docs/screenshots/ (the English explorer and query page, shown at work, are taken by
tests/test_browser_explore.py).
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest

from kg.config import PROJECT_DIR
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
SHOTS = PROJECT_DIR / "docs" / "screenshots"
TIMEOUT = 60_000
KHOSRAVI = "https://kg.example.org/id/person/gholamreza-khosravi"
PERSIAN_DIGIT = "[۰-۹]"

#: Interface text on a Persian page must be Persian. Data is marked as data (a <bdi>, an
#: element with dir="auto", another language, translate="no", code, a drawing's tooltip)
#: or set off with Unicode isolates; names of standards, tools and code stay as they are.
UNTRANSLATED = r"""() => {
  const LATIN = /[A-Za-z]{2,}/;
  const KEEP = new RegExp([
    "\u2068[^\u2069]*\u2069",                      // isolated data
    "[^\\s()«»،؛]*[:/.@#][^\\s()«»،؛]*",           // prefixed names, paths, files
    "\\b[a-z]+-[a-z-]+\\b",                         // command names
    "\\b(kg|SPARQL|JSON|Turtle|SHACL|W3C|ORG|PNG|SVG|HTTP|SHA|VALUES|BIND|JVMI|NCRI|MOIS" +
    "|Khosravi|Khosrowi|Khavaran)\\b"].join("|"), "g");
  const skip = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const tag = e.tagName.toLowerCase();
      if (["script", "style", "code", "kbd", "bdi", "noscript", "title"].includes(tag)) return true;
      if (e.getAttribute("translate") === "no" || e.getAttribute("dir") === "auto") return true;
      const lang = e.getAttribute("lang");
      if (lang !== null && lang.split("-")[0] !== "fa") return true;
    }
    return false;
  };
  const untranslated = (text) => LATIN.test(text.replace(KEEP, " "));
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (untranslated(n.textContent) && !skip(n.parentElement)) { found.push(n.textContent.trim()); }
  }
  document.querySelectorAll("[placeholder], [title], [aria-label]").forEach((el) => {
    if (skip(el)) { return; }
    ["placeholder", "title", "aria-label"].forEach((a) => {
      const v = el.getAttribute(a);
      if (v && untranslated(v)) { found.push(a + "=" + v); }
    });
  });
  return found;
}"""

#: Where the first letter of an element's text is drawn.
FIRST_LETTER = """p => { const r = document.createRange();
  r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 1);
  const box = r.getBoundingClientRect(); return {x: box.x, right: box.right}; }"""

PAGES = {
    "home": "/", "search": "/search?q=khosrowi",
    "entity-person": "/page/person/gholamreza-khosravi",
    "entity-event": "/page/event/1988-massacre", "timeline": "/timeline",
    "ontology": "/ontology", "validation": "/validation",
    "explore": f"/explore?focus={quote(KHOSRAVI, safe='')}", "query": "/query",
    "figure-death-toll": "/figure/event/1988-massacre/people-killed", "figures": "/figures",
    "reconcile-docs": "/reconcile/docs",
    "reconcile-preview": "/reconcile/preview?id=person/gholamreza-khosravi",
}
#: English screenshots that other tests take with the page at work.
TAKEN_ELSEWHERE = {"explore", "query", "figure-death-toll", "reconcile-preview"}


def in_persian(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=fa"


def settle(page, name: str) -> None:
    """Wait until the page has drawn what it draws with script."""
    if name == "explore":
        page.wait_for_function("() => window.kgExplorer && window.kgExplorer.cy.nodes().length > 2")
        page.wait_for_function("() => !document.querySelector('#kx-details .kx-hint')")
    elif name == "query":
        page.wait_for_selector(".yasgui .CodeMirror")
    elif name == "validation":
        page.wait_for_selector(".verdict", timeout=120_000)
    elif name == "figure-death-toll":
        page.wait_for_function("() => window.kgFigure && window.kgFigure.marks > 0")


def test_the_switch_changes_language_and_is_remembered(page, live_server: LiveServer) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("html", "dir") == "ltr"
    page.click("nav.langs a[hreflang=fa]")
    page.wait_for_url("**/?lang=fa")
    assert page.get_attribute("html", "lang") == "fa"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("h1").evaluate("h => getComputedStyle(h).direction") == "rtl"
    # The choice survives plain links inside the site.
    page.click("header nav a[href='/timeline']")
    page.wait_for_url("**/timeline")
    assert page.get_attribute("html", "lang") == "fa"
    assert page.locator("h1").inner_text() == "گاه‌شمار"
    page.click("nav.langs a[hreflang=en]")
    page.wait_for_url("**/timeline?lang=en")
    page.click("header nav a[href='/']")
    assert page.get_attribute("html", "lang") == "en"
    assert page.console_errors == []
    assert page.outside_requests == []


def test_entity_page_in_persian(page, live_server: LiveServer) -> None:
    page.goto(live_server.url + in_persian(PAGES["entity-person"]))
    assert page.locator("h1").inner_text() == "غلامرضا خسروی"
    date = page.locator("td.value .claim-date").first
    shamsi = date.locator(".date")
    gregorian = date.locator(".other-calendar")
    assert shamsi.inner_text() == "۱۱ خرداد ۱۳۹۳"
    assert gregorian.inner_text() == "(۱ ژوئن ۲۰۱۴)"
    # Solar Hijri first: on a right-to-left page, to the right of the Gregorian date.
    assert shamsi.bounding_box()["x"] > gregorian.bounding_box()["x"]
    assert page.locator("#claims-h").inner_text() == "ادعاها (۵)"
    # The side column is on the left, the claims on the right: the layout is mirrored.
    side, main = (page.locator(s).bounding_box() for s in (".side-col", ".main-col"))
    assert side["x"] < main["x"]
    # A source named only in English: kept in English, marked, left to right.
    source = page.locator("td a.fallback[href='/page/source/seed-article']").first
    assert source.get_attribute("lang") == "en"
    assert source.evaluate("a => getComputedStyle(a).direction") == "ltr"
    assert page.console_errors == []


def test_timeline_in_persian(page, live_server: LiveServer) -> None:
    page.goto(live_server.url + in_persian(PAGES["timeline"]))
    ticks = page.locator("svg.timeline .axis text").all_text_contents()
    assert ticks and all(t.startswith("۱۳") for t in ticks)  # Solar Hijri years
    # Time runs right to left: later Solar Hijri years further left.
    xs = [float(x) for x in page.locator("svg.timeline .axis text").evaluate_all(
        "ts => ts.map(t => t.getAttribute('x'))")]
    assert xs == sorted(xs, reverse=True)
    first = page.locator("table.timeline-table tbody tr").first.locator("td")
    assert first.nth(0).inner_text().endswith("۱۳۶۷")  # the Solar Hijri column comes first
    assert "۱۹۸۸" in first.nth(1).inner_text()
    row = page.locator("table.timeline-table tr", has_text="غلامرضا خسروی")
    assert "۱۱ خرداد ۱۳۹۳" in row.inner_text() and "۱ ژوئن ۲۰۱۴" in row.inner_text()
    page.fill("#t-from", "۱۹۸۸")
    page.fill("#t-to", "۱۹۸۸")
    page.click("form.filters button")
    page.wait_for_url("**/timeline?from=*")
    assert "اعدام غلامرضا خسروی" not in page.locator("svg.timeline").text_content()
    assert page.locator(".error").count() == 0
    assert page.console_errors == []


def test_search_keeps_mixed_direction_in_order(page, live_server: LiveServer) -> None:
    """A Persian query on an English page (the issue's "2 results for ‏خسروی‎") and a
    Latin one on a Persian page: the count, the quotes and the query stay in order."""
    page.goto(live_server.url + "/search?lang=en&q=" + quote("\u200fخسروی\u200e"))
    status = page.locator("p[role=status]")
    query = status.locator("bdi.query")
    assert query.inner_text().strip("\u200e\u200f") == "خسروی"
    count = status.evaluate(FIRST_LETTER)["x"]
    assert count < query.bounding_box()["x"]  # "2 results for “" then the query, left to right
    assert status.inner_text().startswith("2 results for “")
    page.goto(live_server.url + "/search?lang=fa&q=Khosravi")
    status = page.locator("p[role=status]")
    assert status.inner_text().startswith("۲ نتیجه برای «")
    query = status.locator("bdi.query")
    right_of_count = status.evaluate(FIRST_LETTER)["right"]
    box = query.bounding_box()
    assert box["x"] + box["width"] < right_of_count  # the count reads first, on the right
    assert page.locator("a.result-title bdi").first.inner_text() == "غلامرضا خسروی"
    assert page.console_errors == []


def test_explorer_in_persian(page, live_server: LiveServer) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + in_persian(PAGES["explore"]))
    settle(page, "explore")
    assert page.locator("#kx-details .kx-title").inner_text() == "غلامرضا خسروی"
    assert page.locator("#kx-details .kx-kind").inner_text() == "شخص"
    # Mirrored: the search and filters on the right, the details on the left.
    side, main, panel = (page.locator(s).bounding_box()
                         for s in (".kx-side", ".kx-main", ".kx-panel"))
    assert panel["x"] < main["x"] < side["x"]
    page.wait_for_function(
        "() => /[۰-۹]/.test(document.getElementById('kx-status').textContent)")
    page.click("#kx-tab-list")
    assert "گره" in page.locator("#kx-list .kx-hint").inner_text()
    page.locator(".kx-list-edge").first.click()
    page.wait_for_selector("#kx-details .kx-claims")
    assert "چه کسی این را می‌گوید" in page.locator("#kx-details").inner_text()
    assert page.evaluate(UNTRANSLATED) == []
    assert page.console_errors == []
    assert page.outside_requests == []


def test_figure_page_in_persian(page, live_server: LiveServer) -> None:
    """The contested-figure chart mirrored: time runs leftwards with Solar Hijri years, the
    scale on the right, the figures and the tooltip's words in Persian."""
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + in_persian(PAGES["figure-death-toll"]))
    settle(page, "figure-death-toll")
    assert page.locator("h1").inner_text().startswith("کشته‌شدگان")
    scales = page.evaluate("""() => { const c = window.kgFigure.chart;
        return {reverse: c.options.scales.x.reverse, y: c.options.scales.y.position,
                ticks: c.scales.x.ticks.map(t => c.scales.x.getLabelForValue
                  ? c.options.scales.x.ticks.callback(t.value) : t.label),
                title: c.options.scales.x.title.text}; }""")
    assert scales["reverse"] is True and scales["y"] == "right"
    assert scales["ticks"] and all(re.fullmatch("۱[۳۴][۰-۹]{2}", t) for t in scales["ticks"])
    assert scales["title"] == "تاریخ انتشار (سال‌های هجری شمسی)"
    first = page.locator("table.figures tbody tr").first
    assert re.search(PERSIAN_DIGIT, first.locator(".figure-text").inner_text())
    assert page.evaluate(UNTRANSLATED) == []
    assert page.console_errors == []


def test_query_page_in_persian(page, live_server: LiveServer) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + in_persian(PAGES["query"]))
    settle(page, "query")
    titles = page.locator(".kq-example").all_inner_texts()
    assert "آنچه دربارهٔ غلامرضا خسروی می‌دانیم، و از کدام منبع" in titles
    assert page.locator(".kq-examples").bounding_box()["x"] > \
        page.locator(".kq-editor").bounding_box()["x"]
    assert page.locator("#kq-yasgui").evaluate("y => getComputedStyle(y).direction") == "ltr"
    page.locator(".kq-example", has_text="غلامرضا خسروی").first.click()
    page.locator(".tabPanel.active .yasr table tbody tr").first.wait_for()
    assert page.console_errors == []


@pytest.mark.parametrize("name", list(PAGES))
def test_no_untranslated_string(page, live_server: LiveServer, name: str) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(live_server.url + in_persian(PAGES[name]))
    settle(page, name)
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate(UNTRANSLATED) == []
    if not name.startswith(("entity", "reconcile-preview")):  # titled by the entity's name
        title = re.sub(r"«[^»]*»|\bkg\b", "", page.title())  # the query, the name of kg
        assert not any(c.isascii() and c.isalpha() for c in title), title
    assert page.console_errors == []
    assert page.outside_requests == []


def test_error_page_in_persian(browser, live_server: LiveServer) -> None:
    context = browser.new_context()
    tab = context.new_page()
    try:
        response = tab.goto(live_server.url + "/page/person/nobody?lang=fa")
        assert response is not None and response.status == 404
        assert tab.get_attribute("html", "dir") == "rtl"
        assert tab.locator("h1").inner_text() == "پیدا نشد (۴۰۴)"
        assert tab.evaluate(UNTRANSLATED) == []
    finally:
        context.close()


@pytest.mark.skipif(not os.environ.get("KG_SCREENSHOTS"), reason="set KG_SCREENSHOTS=1")
@pytest.mark.parametrize(("lang", "prefix"), [("en", ""), ("fa", "fa-")])
def test_screenshots(browser, live_server: LiveServer, lang: str, prefix: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    try:
        for name, path in PAGES.items():
            if lang == "en" and name in TAKEN_ELSEWHERE:
                continue
            tab.goto(live_server.url + path + ("&" if "?" in path else "?") + "lang=" + lang)
            settle(tab, name)
            if name == "query":
                tab.locator(".kq-example", has_text="غلامرضا خسروی").first.click()
                tab.locator(".tabPanel.active .yasr table tbody tr").first.wait_for()
            tab.screenshot(path=str(SHOTS / f"{prefix}{name}.png"))
        narrow = browser.new_context(viewport={"width": 390, "height": 844})
        phone = narrow.new_page()
        phone.goto(live_server.url + PAGES["entity-person"] + "?lang=" + lang)
        phone.screenshot(path=str(SHOTS / f"{prefix}entity-person-narrow.png"))
        if lang != "en":  # the English one is taken by tests/test_browser_figures.py
            phone.goto(live_server.url + PAGES["figure-death-toll"] + "?lang=" + lang)
            settle(phone, "figure-death-toll")
            phone.screenshot(path=str(SHOTS / f"{prefix}figure-death-toll-narrow.png"))
        narrow.close()
    finally:
        context.close()
    assert all((SHOTS / f).stat().st_size < 600_000 for f in os.listdir(SHOTS))
