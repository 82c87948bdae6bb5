"""The pages in Debian's Chromium: search -> entity page, no script errors, nothing leaves
127.0.0.1, hostile labels stay text, and the layout holds from laptop to phone width.

The screenshots of every page in both languages are taken by tests/test_browser_i18n.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import LiveServer
from tests.webdata import XSS_LABEL, XSS_QUOTE, disk_store

pytestmark = pytest.mark.browser


def test_search_khosravi_then_his_page(page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.fill("#home-q", "Khosravi")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search?q=Khosravi")
    page.click("a.result-title:has-text('Gholamreza Khosravi')")
    page.wait_for_url("**/page/person/gholamreza-khosravi")
    assert page.locator("h1").inner_text() == "Gholamreza Khosravi"
    row = page.locator("tr", has=page.locator("mark", has_text="On June 1, Gholamreza Khosravi"))
    assert row.count() == 1
    assert "1 June 2014" in row.inner_text()
    assert "11 Khordad 1393" in row.inner_text()
    persian = page.locator("td.name span[lang=fa]").first
    assert persian.get_attribute("dir") == "rtl"
    # Links are real links: the back button returns to the results.
    page.go_back()
    page.wait_for_url("**/search?q=Khosravi")
    assert page.locator("#search-q").input_value() == "Khosravi"
    assert page.console_errors == []
    assert page.outside_requests == []


def test_transliteration_and_persian_search(page, live_server: LiveServer) -> None:
    for query in ("Khosrowi", "خسروی"):
        page.goto(live_server.url + "/search?q=" + query)
        assert page.locator("a.result-title").first.inner_text() == "Gholamreza Khosravi"
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/", "/search?q=evin", "/page/event/1988-massacre",
                                  "/page/person/gholamreza-khosravi", "/timeline",
                                  "/timeline?from=1988&to=1988", "/ontology", "/validation"])
def test_pages_load_clean(page, live_server: LiveServer, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.console_errors == []
    assert page.outside_requests == []


def test_neighbourhood_links_navigate(page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/page/person/gholamreza-khosravi")
    page.locator("figure.neighbourhood svg a", has_text="Execution of").first.click()
    page.wait_for_url("**/page/event/execution-of-gholamreza-khosravi")
    assert page.console_errors == []


def test_timeline_draws_spans_and_points(page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/timeline")
    assert page.locator("svg.timeline g.event.span rect").count() >= 1
    assert page.locator("svg.timeline g.event.point circle").count() >= 1
    page.fill("#t-from", "1988")
    page.fill("#t-to", "1988")
    page.click("form.filters button")
    page.wait_for_url("**/timeline?from=1988&to=1988")
    assert "Execution of Gholamreza Khosravi" not in page.locator("svg.timeline").text_content()


@pytest.mark.parametrize("width", [1366, 390])
def test_no_horizontal_scroll(browser, live_server: LiveServer, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in ("/", "/page/event/1988-massacre", "/timeline", "/ontology"):
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (path, width, overflow)
    finally:
        context.close()


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the bundled data plus the hostile-label fixture."""
    path = tmp_path_factory.mktemp("xss") / "store"
    disk_store(path).close()
    server = LiveServer(path)
    yield server
    server.stop()


def test_hostile_labels_render_as_text(browser, xss_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    def route(route_, request_):
        if request_.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route_.continue_()
        else:
            outside.append(request_.url)
            route_.abort()

    context.route("**/*", route)
    try:
        page.goto(xss_server.url + "/page/test/xss-person")
        assert page.locator("h1").inner_text() == XSS_LABEL
        assert page.locator("blockquote.quote mark").first.inner_text() == XSS_QUOTE
        assert page.locator("main script").count() == 0
        assert page.locator("main img").count() == 0
        page.goto(xss_server.url + "/search?q=xsstest")
        assert page.locator("a.result-title").first.inner_text() == XSS_LABEL
        page.goto(xss_server.url + "/timeline")
        page.goto(xss_server.url + "/")
        assert dialogs == [] and errors == [] and outside == []
    finally:
        context.close()
