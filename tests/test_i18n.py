"""kg.web.i18n and the pages in Persian: the language from ?lang= (kept in a cookie), else
Accept-Language; hreflang alternates; right-to-left pages with Persian digits and Solar
Hijri dates first; names isolated and marked; the explorer's answers and error pages in the
reader's language."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from kg.web.i18n import COOKIE

KHOSRAVI_PAGE = "/page/person/gholamreza-khosravi"


def html(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_english_unless_asked(client: FlaskClient) -> None:
    body = html(client, "/")
    assert '<html lang="en" dir="ltr">' in body
    assert "What the graph holds" in body


def test_accept_language_chooses_persian(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    body = response.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in body and "آنچه در گراف هست" in body
    assert response.headers["Content-Language"] == "fa"
    assert {"Cookie", "Accept-Language"} <= set(response.vary)
    assert COOKIE not in response.headers.get("Set-Cookie", "")  # only a choice is kept


def test_the_switch_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    response = client.get("/timeline?lang=fa")
    assert f"{COOKIE}=fa" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    # The links inside the site carry no parameter: the cookie keeps the choice.
    assert '<html lang="fa" dir="rtl">' in html(client, "/search?q=evin")
    # English asked for explicitly wins over the cookie (and becomes the choice).
    assert '<html lang="en"' in html(client, "/?lang=en")
    assert '<html lang="en"' in html(client, "/", **{"Accept-Language": "fa"})


def test_unknown_languages_are_ignored(client: FlaskClient) -> None:
    response = client.get("/?lang=xx", headers={"Accept-Language": "de"})
    assert '<html lang="en"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_every_page_has_a_url_per_language_and_a_visible_switch(client: FlaskClient) -> None:
    body = html(client, "/search?q=evin&type=Prison")
    assert ('<link rel="alternate" hreflang="fa" '
            'href="/search?q=evin&amp;type=Prison&amp;lang=fa">') in body
    assert 'hreflang="en" href="/search?q=evin&amp;type=Prison&amp;lang=en"' in body
    assert '<link rel="alternate" hreflang="x-default" href="/search?q=evin&amp;type=Prison">' \
        in body
    switch = body.split('<nav class="langs"', 1)[1].split("</nav>", 1)[0]
    assert 'lang="fa"' in switch and "فارسی" in switch and 'aria-current="true"' in switch


def test_persian_entity_page(client: FlaskClient) -> None:
    body = html(client, KHOSRAVI_PAGE + "?lang=fa")
    assert '<h1 lang="fa" dir="rtl">غلامرضا خسروی</h1>' in body
    # Solar Hijri first, the Gregorian beside it, both in Persian digits.
    assert re.search(r'<span class="date" data-precision="day">۱۱ خرداد ۱۳۹۳</span> '
                     r'<span class="other-calendar" title="[^"]+">\(۱ ژوئن ۲۰۱۴\)</span>', body)
    assert "ادعاها" in body and "مستند" in body and "مدعی" in body
    # A name the graph has only in English is shown in English, marked.
    assert re.search(r'<a href="/page/source/seed-article" lang="en" dir="ltr" '
                     r'class="fallback" title="[^"]+">', body)
    # The vocabulary comes from the catalog: statuses, types.
    assert "اظهارشده" in body and "شخص" in body
    assert "نویسه‌های ۳۸۵۹ تا ۳۸۸۹" in body


def test_entity_json_twin_is_english_unless_asked(client: FlaskClient) -> None:
    client.get("/?lang=fa")  # a Persian reader's cookie does not change the data
    english = client.get(KHOSRAVI_PAGE + ".json").get_json()
    assert english["label"] == "Gholamreza Khosravi"
    assert english["claims"][0]["group"] == "Date"
    persian = client.get(KHOSRAVI_PAGE + ".json?lang=fa").get_json()
    assert persian["label"] == "غلامرضا خسروی" and persian["claims"][0]["group"] == "تاریخ"


def test_counts_in_persian_words_and_digits(client: FlaskClient) -> None:
    body = html(client, "/page/event/1988-massacre?lang=fa")
    assert "۳۰٬۰۰۰" in body and "دست‌کم" in body and "ادعای رقیب" in body


def test_persian_timeline_is_mirrored_with_solar_hijri_years(client: FlaskClient) -> None:
    body = html(client, "/timeline?lang=fa")
    assert "<th scope=\"col\">هجری شمسی</th><th scope=\"col\">میلادی</th>" in body
    ticks = re.findall(r'text-anchor="middle">([۰-۹]+)</text>', body)
    assert ticks and all(t.startswith("۱۳") for t in ticks)  # Solar Hijri years
    assert "۱۱ خرداد ۱۳۹۳" in body
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" direction', body)]
    assert xs and min(xs) > 500  # names on the right, time running leftwards
    assert html(client, "/timeline?from=۱۹۸۸&to=۱۹۸۸").count('class="event ') >= 1


def test_search_isolates_the_query_beside_the_count(client: FlaskClient) -> None:
    query = "\u200fخسروی\u200e"
    body = html(client, "/search?lang=en&q=" + query)
    assert re.search(r'2 results for “<bdi class="query">\u200fخسروی\u200e</bdi>”', body)
    persian = html(client, "/search?lang=fa&q=Khosravi")
    assert re.search(r'۲ نتیجه برای «<bdi class="query">Khosravi</bdi>»', persian)
    assert '<bdi lang="fa" dir="rtl">غلامرضا خسروی</bdi>' in persian


def test_error_pages_in_the_readers_language(client: FlaskClient) -> None:
    response = client.get("/page/person/nobody?lang=fa")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "پیدا نشد" in body and "(۴۰۴)" in body and 'dir="rtl"' in body
    assert "Not found" in client.get("/nothing/here?lang=en").get_data(as_text=True)


def test_explorer_answers_name_things_in_the_readers_language(client: FlaskClient) -> None:
    iri = "https://kg.example.org/id/person/gholamreza-khosravi"
    data = client.get(f"/api/graph/neighbourhood?iri={iri}&lang=fa").get_json()
    assert (data["focus"]["label"], data["focus"]["labelLang"]) == ("غلامرضا خسروی", "fa")
    relations = {r["label"] for r in data["relations"]}
    assert "قربانی" in relations  # a participation role, named by the catalog
    english = client.get(f"/api/graph/neighbourhood?iri={iri}&lang=en").get_json()
    assert english["focus"]["label"] == "Gholamreza Khosravi"
    assert "labelLang" not in english["focus"]
    status = client.get("/api/graph/status?lang=fa").get_json()
    assert all("labelLang" in n for n in status["top"])


def test_the_explorer_gets_its_strings_in_the_boot_block(client: FlaskClient) -> None:
    body = html(client, "/explore?lang=fa")
    boot = json.loads(body.split('id="kx-boot">', 1)[1].split("</script>", 1)[0])
    assert boot["lang"] == "fa" and boot["dir"] == "rtl"
    assert boot["strings"]["Who says so"] == "چه کسی این را می‌گوید"
    assert boot["strings"]["{n} source"] == ["{n} منبع", "{n} منبع"]
    assert "<h2>چه کسی این را می‌گوید؟</h2>" in body


def test_example_queries_are_translated(client: FlaskClient) -> None:
    body = html(client, "/query?lang=fa")
    boot = json.loads(body.split('id="kq-boot">', 1)[1].split("</script>", 1)[0])
    titles = {e["name"]: e["title"] for e in boot["examples"]}
    assert titles["khosravi"] == "آنچه دربارهٔ غلامرضا خسروی می‌دانیم، و از کدام منبع"
    assert 'id="kq-yasgui" lang="en" dir="ltr"' in body  # YASGUI's own interface


@pytest.mark.parametrize("url", ["/", "/search?q=evin", KHOSRAVI_PAGE, "/timeline",
                                 "/ontology", "/validation", "/explore", "/query"])
def test_every_page_speaks_persian(client: FlaskClient, url: str) -> None:
    body = html(client, url + ("&" if "?" in url else "?") + "lang=fa")
    assert '<html lang="fa" dir="rtl">' in body
    assert "<title>" in body and "پرش به محتوا" in body


def test_lineage_in_persian(client: FlaskClient) -> None:
    body = html(client, "/page/event/1988-massacre?claims=50&lang=fa")
    assert re.search(r'برگرفته از <a href="/page/claim/seed-ncri-toll-30000">ادعایی</a> از سوی '
                     r'<a href="/page/org/ncri" lang="fa" dir="rtl">شورای ملی مقاومت ایران</a>',
                     body)
    assert "۱ خاستگاه مستقل (شورای ملی مقاومت ایران)، تکرارشده در ۳ منبع" in body


def test_figure_page_and_twin_in_persian(client: FlaskClient) -> None:
    toll = "/figure/event/1988-massacre/people-killed"
    body = html(client, toll + "?lang=fa")
    assert "رقم‌ها بر پایهٔ تاریخ انتشار" in body and 'id="figure-boot"' in body
    twin = client.get(toll + ".json?lang=fa").get_json()
    assert twin["title"].startswith("کشته‌شدگان: ")
    assert any(f["text"] == "۲٬۸۰۰، یا ۳٬۸۰۰" or "یا" in f["text"] for f in twin["figures"]
               if f["shape"] == "alternatives")
    english = client.get(toll + ".json").get_json()
    assert english["title"].startswith("People killed: ")
    assert "figure" in english["summary"] and "independent origin" in english["summary"]


def test_reconcile_preview_in_persian(client: FlaskClient) -> None:
    body = html(client, "/reconcile/preview?id=person/gholamreza-khosravi&lang=fa")
    assert '<html lang="fa" dir="rtl">' in body and "شخص" in body and "درگذشت" in body
    assert "منبع در kg" in body
