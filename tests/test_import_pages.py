"""What a reader sees of an imported list, against the real app over a store that imported the
bundled example (data/examples/victims.csv): a person's claims evidenced by their cells
("row 2, date_of_death: ۱۳۶۷/۰۵/۱۰") with the list linked, in English and Persian, on the
page, its JSON twin and the explorer's who-says-so panel; the list's source page with its
import log, newest first; the restricted row nowhere public."""

from __future__ import annotations

import getpass
import html as html_lib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.config import PROJECT_DIR
from kg.evidence import (
    RFC7111,
    cell_ref,
    default_sources_dir,
    parse_fragment,
    quote_count,
    verify_quotes,
)
from kg.ingest.run import ImportRequest, run_import
from kg.namespaces import ID, KG
from kg.network.claims import claims_for
from kg.network.kinds import ASSERTED, edge_id
from kg.store import DiskStore
from tests.conftest import LiveServer, make_app

EXAMPLE = PROJECT_DIR / "data" / "examples" / "victims.csv"
PERSON = "/page/person/victims-ex-001"
RESTRICTED = ("victims-ex-005", "Example Person Five", "نمونه پنجم")
ISOLATE = re.compile("[\u2066-\u2069]")


def _import(store: DiskStore) -> None:
    run_import(store, ImportRequest(EXAMPLE, template="victims",
                                    title="List of victims (example)",
                                    publisher="Example Documentation Centre",
                                    published="2024-05-01"))


@pytest.fixture(scope="module")
def imported(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled store with the example list imported twice (the second run a no-op)."""
    path = tmp_path_factory.mktemp("imported") / "store"
    shutil.copytree(built_store_dir, path)
    with DiskStore(path) as store:
        _import(store)
        _import(store)
    return path


@pytest.fixture(scope="module")
def store(imported: Path) -> DiskStore:
    return DiskStore(imported)


@pytest.fixture(scope="module")
def web(store: DiskStore) -> FlaskClient:
    return make_app(store, graph_wait=60.0).test_client()


def text_of(html: str) -> str:
    """A page's text as a reader sees it (tags dropped, isolates and runs of space folded)."""
    return html_lib.unescape(re.sub(r"\s+", " ", ISOLATE.sub("", re.sub(r"<[^>]+>", " ", html))))


def test_the_entity_page_shows_each_claims_cell_with_the_list_linked(web: FlaskClient) -> None:
    html = web.get(PERSON + "?lang=en").get_data(as_text=True)
    text = text_of(html)
    assert "row 2, date_of_death: ۱۳۶۷/۰۵/۱۰" in text
    assert "row 2, prison: Evin" in text and "row 2, name_en: Example Person One" in text
    assert html.count('class="quote cell"') == 14  # every non-empty cell of the row
    assert '<a href="/page/source/victims"' in html and "List of victims (example)" in html
    assert "Example Documentation Centre" in html and "1 May 2024" in text
    assert "…۱۳۶۷/۰۵/۱۰…" not in text  # a cell is not shown as a passage of a text


def test_the_persian_page_words_the_cell_in_persian(web: FlaskClient) -> None:
    text = text_of(web.get(PERSON + "?lang=fa").get_data(as_text=True))
    assert "ردیف ۲، date_of_death: ۱۳۶۷/۰۵/۱۰" in text
    assert "خانه‌ای از جدول بایگانی‌شده" in text
    assert "row 2" not in text and "a cell of the archived table" not in text


def test_the_json_twin_carries_the_cell_and_its_words(web: FlaskClient) -> None:
    for lang, line in (("en", "row 2, date_of_death: ۱۳۶۷/۰۵/۱۰"),
                       ("fa", "ردیف ۲، date_of_death: ۱۳۶۷/۰۵/۱۰")):
        data = web.get(f"{PERSON}.json?lang={lang}").get_json()
        evidence = [q for group in data["claims"] for c in group["claims"]
                    for q in c["evidence"]]
        (death,) = [q for q in evidence if q["cell"]["column"] == "date_of_death"]
        assert death["cell"] == {"row": 2, "col": 12, "column": "date_of_death",
                                 "text": "۱۳۶۷/۰۵/۱۰"}
        assert ISOLATE.sub("", death["text"]) == line
        assert all(q["cell"] and q["cell"]["row"] == 2 for q in evidence)


def test_the_linked_data_twin_holds_each_cells_selectors(web: FlaskClient) -> None:
    """Imported annotations name their target and selectors with fragment IRIs (no blank
    nodes), and the description follows them as it follows blank nodes."""
    turtle = web.get("/data/person/victims-ex-001.ttl").get_data(as_text=True)
    assert '"cell=2,12"' in turtle and '"row 2, date_of_death"' in turtle
    assert '"۱۳۶۷/۰۵/۱۰"' in turtle and "<http://tools.ietf.org/rfc/rfc7111>" in turtle
    assert web.get("/data/person/victims-ex-005.ttl").status_code == 404


def test_the_who_says_so_panel_lists_the_cells(web: FlaskClient, store: DiskStore) -> None:
    publisher, person = ID + "org/example-documentation-centre", ID + "person/victims-ex-001"
    claims = claims_for(store, "claim", publisher, KG + "Claim", person)
    assert len(claims) == 14
    cells = {c["cells"][0]["column"]: c["cells"][0] for c in claims}
    assert cells["date_of_death"] == {"row": 2, "col": 12, "column": "date_of_death",
                                      "text": "۱۳۶۷/۰۵/۱۰"}
    assert all(not c["quotes"] for c in claims)  # the cell text is the cell's, not a quote
    answer = web.get("/api/graph/edge/" + edge_id("claim", publisher, KG + "Claim", person,
                                                  ASSERTED))
    assert answer.status_code == 200
    assert {c["cells"][0]["column"] for c in answer.get_json()["claims"]} == set(cells)


def test_the_source_page_shows_the_import_log_newest_first(web: FlaskClient) -> None:
    html = web.get("/page/source/victims?lang=en").get_data(as_text=True)
    section = html[html.index('id="imports-h"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r'<tr id="import-(victims-[0-9TZ]+)">(.*?)</tr>', section, re.S)
    assert len(rows) == 2
    assert rows[0][0] > rows[1][0]  # newest first (the run IRIs carry their start time)
    cells = [[text_of(td).strip() for td in re.findall(r"<td>(.*?)</td>", row, re.S)]
             for _, row in rows]
    assert cells[0][3:] == ["4", "0", "0", "0"]  # 5 rows, the restricted one not counted
    assert cells[1][3:] == ["4", "36", "0", "0"]  # public rows and claims only
    assert cells[0][1] == cells[1][1] == getpass.getuser()  # who ran it (no --agent)
    assert re.match(r"\d+ \w+ \d{4} \(.* SH\) \d\d:\d\d UTC", cells[0][0])
    assert cells[0][2].startswith(cells[1][2][:12])  # the same file both times
    data = web.get("/page/source/victims.json").get_json()
    assert [r["added"] for r in data["imports"]] == [0, 36]
    assert data["imports"][0]["agentLabel"] == getpass.getuser()
    assert data["imports"][0]["previous"] == data["imports"][1]["iri"]


def test_the_persian_import_log_has_persian_digits_and_solar_hijri_dates(
        web: FlaskClient) -> None:
    text = text_of(web.get("/page/source/victims?lang=fa").get_data(as_text=True))
    assert "سابقهٔ ورودها (۲)" in text and "ادعاهای افزوده" in text
    assert re.search(r"[۰-۹]+ \w+ ۱[۳-۴][۰-۹]{2} \(.*\) [۰-۹]{2}:[۰-۹]{2} به وقت جهانی", text)
    assert "Import log" not in text


def test_other_pages_have_no_import_log(web: FlaskClient) -> None:
    assert 'id="imports-h"' not in web.get(PERSON).get_data(as_text=True)
    assert web.get(PERSON + ".json").get_json()["imports"] == []


def test_the_restricted_row_appears_on_no_public_page(web: FlaskClient, store: DiskStore) -> None:
    # positive control: the row is in the store
    assert store.query(f"ASK {{ <{ID}person/victims-ex-005> ?p ?o }}", view="full")
    assert web.get("/page/person/victims-ex-005").status_code == 404
    assert web.get("/page/person/victims-ex-005.json").status_code == 404
    pages = ["/page/source/victims", "/page/source/victims.json",
             "/page/org/example-documentation-centre", "/search?q=Example+Person",
             "/search?q=%D9%86%D9%85%D9%88%D9%86%D9%87"]
    for path in pages:
        for lang in ("en", "fa"):
            answer = web.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            assert answer.status_code == 200, path
            body = answer.get_data(as_text=True)
            assert not any(word in body for word in RESTRICTED), path
    assert "Example Person Four" in web.get("/search?q=Example+Person").get_data(as_text=True)


def test_cells_are_parsed_as_rfc_7111_numbers_them() -> None:
    assert parse_fragment("cell=12,3") == (12, 3) and parse_fragment("row=4") == (4, None)
    assert cell_ref("cell=12,12", "row 12, date_of_death", "1367").column == "date_of_death"
    assert cell_ref("cell=3,2", None, None).column is None
    with pytest.raises(ValueError):
        parse_fragment("t=1,2")
    assert RFC7111 == "http://tools.ietf.org/rfc/rfc7111"


def test_verify_quotes_itself_leaves_table_cells_out(store: DiskStore, built_store_dir: Path,
                                                     tmp_path: Path) -> None:
    """Cells are verified against the archived table (kg.ingest.cells), not as texts: with
    no table among the texts, verify_quotes finds nothing wrong and counts no cell."""
    dataset = store.dataset("full")
    before = quote_count(DiskStore(built_store_dir).dataset("full"))
    sources = default_sources_dir(PROJECT_DIR)
    assert verify_quotes(sources, dataset) == []
    assert quote_count(dataset) == before
    empty = tmp_path / "no-texts"
    empty.mkdir()
    assert verify_quotes(empty, dataset)  # positive control: the articles' quotes are checked


@pytest.fixture(scope="module")
def served(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("served-import") / "store"
    shutil.copytree(imported, path)
    server = LiveServer(path)
    yield server
    server.stop()


def test_chromium_shows_the_cell_evidence_in_both_languages(page, served: LiveServer) -> None:
    page.goto(f"{served.url}{PERSON}?lang=en")
    death = page.locator("blockquote.cell", has_text="date_of_death")
    assert ISOLATE.sub("", death.inner_text()) == "row 2, date_of_death: ۱۳۶۷/۰۵/۱۰"
    assert page.locator("a[href='/page/source/victims']").first.is_visible()
    page.goto(f"{served.url}{PERSON}?lang=fa")
    death = page.locator("blockquote.cell", has_text="date_of_death")
    assert ISOLATE.sub("", death.inner_text()) == "ردیف ۲، date_of_death: ۱۳۶۷/۰۵/۱۰"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto(f"{served.url}/page/source/victims?lang=fa")
    assert page.locator("table.imports tbody tr").count() == 2
    assert page.console_errors == [] and page.outside_requests == []


def test_an_imported_persons_claims_are_grouped_by_what_they_give(web: FlaskClient) -> None:
    """Regression: every cell's claim sat in one 'Statements · 14 competing claims' group
    with 'claim' as its value, as if the cells of one row disagreed. Each property is now
    its own group showing the value the cell gives (a date, a linked prison, a number)."""
    html = web.get(PERSON + "?lang=en").get_data(as_text=True)
    text = text_of(html)
    assert "competing claims" not in text and "Statements" not in text
    for group in ("Date of death", "Held in", "Father's name", "Age at death", "Sex",
                  "Fate recorded", "Other spelling"):
        assert f" {group} " in text, group
    assert "Other spelling · 2 claims" in text  # two spellings: not values that compete
    assert "executed" in text and "male" in text and "27" in text
    assert re.search(r'<strong><a href="/page/[^"]+"[^>]*>[^<]*Evin', html)
    data = web.get(PERSON + ".json?lang=en").get_json()
    death = next(g for g in data["claims"] if g["group"] == "Date of death")["claims"][0]
    assert death["attribute"]["property"] == "https://schema.org/deathDate"
    assert death["dates"] and death["value"] is None
    fa = text_of(web.get(PERSON + "?lang=fa").get_data(as_text=True))
    assert "تاریخ مرگ" in fa and "۲۷" in fa and "مرد" in fa and "اعدام‌شده" in fa
