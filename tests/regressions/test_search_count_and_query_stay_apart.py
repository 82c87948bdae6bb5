"""Regression (issue 15): the search page said `2 results for “‏خسروی‎”` as one run of text,
so the browser's bidirectional algorithm scrambled the count, the quotation marks and a
right-to-left query (itself carrying RLM/LRM marks) together. Now the query is isolated in
a <bdi>, on English and Persian pages alike, and names in the results are too; Chromium
checks the order on screen in tests/test_browser_i18n.py."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

QUERY = "\u200fخسروی\u200e"


def test_the_query_is_isolated_from_the_count(client: FlaskClient) -> None:
    for lang, count in (("en", "2 results for “"), ("fa", "۲ نتیجه برای «")):
        body = client.get(f"/search?lang={lang}&q={QUERY}").get_data(as_text=True)
        status = re.search(r'<p class="muted" role="status">(.*?)</p>', body, re.S).group(1)
        assert status.startswith(count + f'<bdi class="query">{QUERY}</bdi>')
        assert re.search(r'<a class="result-title" href="[^"]+"><bdi lang="\w+" dir="\w+"', body)
