"""The reconciliation preview card in Debian's Chromium: embeddable in another page's iframe
(as OpenRefine shows it), no script, nothing loaded from elsewhere. With KG_SCREENSHOTS=1
it also writes docs/screenshots/reconcile-preview.png for the README."""

from __future__ import annotations

import html
import http.server
import json
import os
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from kg.config import PROJECT_DIR
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
SHOTS = PROJECT_DIR / "docs" / "screenshots"
QUERY = {"q0": {"query": "Gholam Reza Khosravi", "type": "https://schema.org/Person",
                "limit": 2, "properties": [{"pid": "date_of_death", "v": "2014-06-01"}]}}


def _answer(server: LiveServer) -> dict:
    data = urllib.parse.urlencode({"queries": json.dumps(QUERY)}).encode()
    with urllib.request.urlopen(server.url + "/reconcile", data=data, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def other_site() -> Iterator[tuple[str, dict[str, str]]]:
    """Another origin (as OpenRefine is): a tiny HTTP server answering one page."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = pages.get("/", "").encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", pages
    finally:
        server.shutdown()
        server.server_close()


def test_preview_embeds_in_another_page(page, live_server: LiveServer, other_site) -> None:
    url, pages = other_site
    answer = json.dumps(_answer(live_server), ensure_ascii=False, indent=1)
    card = live_server.url + "/reconcile/preview?id=person/gholamreza-khosravi"
    pages["/"] = (
        "<!doctype html><html><body style='font:14px system-ui,sans-serif;background:#eef1f4;"
        "margin:0;padding:16px;display:flex;gap:16px;align-items:flex-start'>"
        "<div><div style='margin-bottom:6px;color:#333'>POST /reconcile, queries=… "
        "(“Gholam Reza Khosravi”, date of death 2014-06-01)</div>"
        f"<pre style='background:#fff;padding:8px;margin:0;font-size:11px;max-width:560px;"
        f"white-space:pre-wrap'>{html.escape(answer)}</pre></div>"
        "<div><div style='margin-bottom:6px;color:#333'>preview card, in an iframe</div>"
        f"<iframe src='{card}' width='420' height='220' style='border:1px solid #bbb;"
        "background:#fff'></iframe></div></body></html>")
    page.goto(url)
    frame = page.frame_locator("iframe")
    assert frame.locator("h1").inner_text().startswith("Gholamreza Khosravi")
    assert "غلامرضا خسروی" in frame.locator(".names").inner_text()
    assert page.console_errors == [] and page.outside_requests == []
    if os.environ.get("KG_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1040, "height": 560})
        page.screenshot(path=str(SHOTS / "reconcile-preview.png"))
