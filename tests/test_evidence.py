"""Quote anchors are computed from the archived text and every bundled quote verifies."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import load_project
from kg.config import PROJECT_DIR as PROJECT_ROOT
from kg.evidence import (
    MAX_RUN,
    AnchorError,
    anchor,
    anchor_file,
    default_sources_dir,
    exposed_runs,
    longest_run,
    quote_count,
    read_text,
    sha256_file,
    verify_quotes,
)

SEED = "seed-article-1988-massacre.txt"
SEED_DATA = PROJECT_ROOT / "data" / "seed-article-1988-massacre.trig"


def _sources_dir() -> Path:
    env = os.environ.get("KG_SOURCES")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "sources"


SOURCES = _sources_dir()
needs_sources = pytest.mark.skipif(not (SOURCES / SEED).is_file(),
                                   reason=f"archived sources not found at {SOURCES}")


def test_anchor_counts_unicode_code_points() -> None:
    text = "«ناصر» 🙂 said: the prisoners were moved."
    a = anchor(text, "the prisoners")
    assert text[a.start:a.end] == "the prisoners"
    assert a.start == text.index("the prisoners")  # code points, not UTF-8 or UTF-16 units


def test_a_unique_quote_gets_no_context() -> None:
    a = anchor("One two three four.", "two three")
    assert (a.prefix, a.suffix) == ("", "")


def test_a_repeated_quote_gets_the_shortest_context_that_finds_it() -> None:
    text = "at Evin in July; later at Evin again; and at Gohardasht"
    first, second = anchor(text, "at Evin", 1), anchor(text, "at Evin", 2)
    for a in (first, second):
        whole = a.prefix + a.exact + a.suffix
        assert text.count(whole) == 1 and text.index(whole) == a.start - len(a.prefix)
    # the first has no prefix and " " follows both: two characters; the second: " at Evin"
    assert (first.prefix, first.suffix) == ("", " i")
    assert (second.prefix, second.suffix) == (" ", "")
    # "3" sits in "30,000" twice and alone once: one character each side is not enough
    text = "30,000 and 30,000 or 3 and 3"
    a = anchor(text, "30,000", 2)
    assert text.count(a.prefix + a.exact + a.suffix) == 1 and len(a.prefix + a.suffix) == 1


def test_anchor_refuses_to_guess_between_repeats() -> None:
    text = "30,000 here and 30,000 there"
    with pytest.raises(AnchorError, match="occurs 2 times"):
        anchor(text, "30,000")
    assert anchor(text, "30,000", occurrence=2).start == text.rindex("30,000")
    with pytest.raises(AnchorError, match="out of range"):
        anchor(text, "30,000", occurrence=3)
    with pytest.raises(AnchorError, match="not found"):
        anchor(text, "40,000")


def test_anchor_file_fills_selectors_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "text.txt").write_text("One line.\nThe quote sits “here”, twice: here.", "utf-8")
    data = tmp_path / "doc.trig"
    data.write_text(f"""@prefix kg: <https://kg.example.org/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix s: <https://kg.example.org/id/source/> .
<https://kg.example.org/graph/doc> {{
s:doc kg:archivedText "text.txt" ; kg:sha256 "{sha256_file(tmp_path / 'text.txt')}" .
<https://kg.example.org/id/annotation/a> oa:hasTarget [
    oa:hasSource s:doc ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "sits “here”" ] ] .
<https://kg.example.org/id/annotation/b> oa:hasTarget [
    oa:hasSource s:doc ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "here" ; kg:occurrence 2 ] ] .
}}
""", "utf-8")
    assert anchor_file(data, tmp_path) == 2
    first = data.read_text("utf-8")
    assert first.count("oa:prefix") + first.count("oa:suffix") == 1  # only "here" #2 needs one
    assert anchor_file(data, tmp_path) == 2
    assert data.read_text("utf-8") == first
    store = ox.Store()
    store.load(path=data)
    assert verify_quotes(tmp_path, store) == []


def test_anchor_file_refuses_a_changed_text(tmp_path: Path) -> None:
    (tmp_path / "text.txt").write_text("Some words here.", "utf-8")
    data = tmp_path / "doc.trig"
    data.write_text(f"""@prefix kg: <https://kg.example.org/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://kg.example.org/graph/doc> {{
<https://kg.example.org/id/source/doc> kg:archivedText "text.txt" ; kg:sha256 "{'0' * 64}" .
<https://kg.example.org/id/annotation/a> oa:hasTarget [
    oa:hasSource <https://kg.example.org/id/source/doc> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "words" ] ] .
}}
""", "utf-8")
    with pytest.raises(AnchorError, match="review the changed text"):
        anchor_file(data, tmp_path)


def test_anchor_file_names_the_line_of_a_missing_quote(tmp_path: Path) -> None:
    (tmp_path / "text.txt").write_text("Nothing to see.", "utf-8")
    data = tmp_path / "doc.trig"
    data.write_text("""@prefix kg: <https://kg.example.org/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://kg.example.org/graph/doc> {
<https://kg.example.org/id/source/doc> kg:archivedText "text.txt" .
<https://kg.example.org/id/annotation/a> oa:hasTarget [
    oa:hasSource <https://kg.example.org/id/source/doc> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "absent" ] ] .
}
""", "utf-8")
    with pytest.raises(AnchorError, match=r"doc.trig:6: quote not found"):
        anchor_file(data, tmp_path)


@needs_sources
def test_every_bundled_quote_verifies() -> None:
    assert verify_quotes(SOURCES, load_project()) == []


@needs_sources
def test_seed_hash_matches_the_archived_text() -> None:
    assert sha256_file(SOURCES / SEED) in SEED_DATA.read_text("utf-8")


@needs_sources
def test_bundled_anchors_are_exactly_what_the_tool_computes(tmp_path: Path) -> None:
    copy = tmp_path / SEED_DATA.name
    shutil.copy(SEED_DATA, copy)
    anchor_file(copy, SOURCES)
    assert copy.read_text("utf-8") == SEED_DATA.read_text("utf-8")


@needs_sources
def test_verify_reports_moved_quotes_and_changed_texts(tmp_path: Path) -> None:
    store = load_project()
    update = """PREFIX oa: <http://www.w3.org/ns/oa#>
    DELETE { GRAPH ?g { ?p oa:start ?s ; oa:end ?e } }
    INSERT { GRAPH ?g { ?p oa:start 0 ; oa:end 4 } }
    WHERE { GRAPH ?g { <https://kg.example.org/id/annotation/seed-no-court> oa:hasTarget ?t .
                       ?t oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e } }"""
    store.update(update)
    (failure,) = verify_quotes(SOURCES, store)
    assert failure.annotation == "https://kg.example.org/id/annotation/seed-no-court"
    assert failure.source == "https://kg.example.org/id/source/seed-article"
    assert failure.problem == "oa:exact not at 0-4"
    assert failure.found == read_text(SOURCES / SEED)[0:4]
    assert "expected 'their killings" in str(failure)

    changed = tmp_path / "sources"
    changed.mkdir()
    (changed / SEED).write_bytes((SOURCES / SEED).read_bytes() + b"\n")
    failures = verify_quotes(changed, load_project())
    # Every quote of the changed text fails (none is counted as verified).
    assert len(failures) == quote_count(load_project()) > 1
    assert {f.problem for f in failures} == {"archived text hash differs"}
    assert verify_quotes(tmp_path, load_project())[0].problem == "archived text missing"


def test_default_sources_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("KG_SOURCES", str(tmp_path))
    assert default_sources_dir(PROJECT_ROOT) == tmp_path
    monkeypatch.delenv("KG_SOURCES")
    assert default_sources_dir(PROJECT_ROOT) == PROJECT_ROOT.parent / "shared" / "sources"


@needs_sources
def test_no_project_file_copies_fifteen_words_of_a_source() -> None:
    words = re.compile(r"[\w’'-]+")
    grams: set[tuple[str, ...]] = set()
    for text in SOURCES.iterdir():
        w = words.findall(text.read_text("utf-8", errors="ignore").lower())
        grams |= {tuple(w[i:i + 15]) for i in range(len(w) - 14)}
    for folder, pattern in (("data", "**/*"), ("queries", "*"), ("tests", "**/*.*"),
                            ("ontology", "*"), ("shapes", "*")):
        for path in (PROJECT_ROOT / folder).glob(pattern):
            if path.is_file() and path.suffix in {".trig", ".ttl", ".rq", ".md", ".py"}:
                w = words.findall(path.read_text("utf-8").lower())
                assert not any(tuple(w[i:i + 15]) in grams for i in range(len(w) - 14)), path


def test_bundled_quotes_are_short_phrases() -> None:
    store = load_project()
    quotes = [row["q"].value for row in store.query(
        "SELECT ?q WHERE { ?s <http://www.w3.org/ns/oa#exact> ?q }",
        use_default_graph_as_union=True)]
    assert quotes and max(len(q.split()) for q in quotes) <= 12


def test_longest_run_merges_pieces_a_reader_can_join() -> None:
    text = "one two three, four five six. Seven eight nine ten"
    spans = {w: text.index(w) for w in ("one", "four", "six", "Seven", "ten")}
    # "one two three" and ", four five" touch across punctuation only: one run of five
    run = longest_run(text, [(0, spans["four"] - 2), (spans["four"] - 2, spans["six"] - 1)])
    assert run.words == 5
    # a gap holding a word breaks the run, and a partly covered word counts as covered
    # ("ven eight nine ": Seven, eight, nine)
    assert longest_run(text, [(0, 3), (spans["Seven"] + 2, spans["ten"])]).words == 3
    assert longest_run(text, []).words == 0


def _doc(tmp_path: Path, text: str, selectors: str) -> ox.Store:
    (tmp_path / "text.txt").write_text(text, "utf-8")
    data = tmp_path / "doc.trig"
    data.write_text(f"""@prefix kg: <https://kg.example.org/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://kg.example.org/graph/doc> {{
<https://kg.example.org/id/source/doc> kg:archivedText "text.txt" ;
    kg:sha256 "{sha256_file(tmp_path / 'text.txt')}" .
{selectors}
}}
""", "utf-8")
    store = ox.Store()
    store.load(path=data)
    return store


def _selector(name: str, text: str, exact: str, prefix: str = "", suffix: str = "") -> str:
    start = text.index(exact)
    end = start + len(exact)
    return f"""<https://kg.example.org/id/annotation/{name}> oa:hasTarget [
    oa:hasSource <https://kg.example.org/id/source/doc> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{exact}" ;
                     oa:prefix "{prefix}" ; oa:suffix "{suffix}" ] ,
                   [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ] ] ."""


def test_copy_limit_counts_exact_prefix_and_suffix_of_all_selectors_together(
        tmp_path: Path) -> None:
    words = [f"w{i}" for i in range(40)]
    text = " ".join(words) + "."
    # two quotes of eight words each, apart: fine
    a, b = " ".join(words[0:8]), " ".join(words[20:28])
    ok = _doc(tmp_path, text, _selector("a", text, a) + "\n" + _selector("b", text, b))
    (run,) = exposed_runs(tmp_path, ok)
    assert run.words == 8 and not run.too_long
    # the same quote with a suffix reaching the next one: 28 words rebuilt
    suffix = " " + " ".join(words[8:20])
    bad = _doc(tmp_path, text, _selector("a", text, a, suffix=suffix) + "\n"
               + _selector("b", text, b))
    (failure,) = exposed_runs(tmp_path, bad)
    assert failure.words == 28 > MAX_RUN and failure.too_long
    assert failure.source == "https://kg.example.org/id/source/doc"
    assert "28 consecutive words" in str(failure) and "kg anchor" in str(failure)


@needs_sources
def test_the_bundled_graph_rebuilds_no_fifteen_words_of_any_source() -> None:
    runs = exposed_runs(SOURCES, load_project())
    assert runs and max(r.words for r in runs) <= MAX_RUN < 15


def test_verify_quotes_command_fails_when_the_copy_limit_is_broken(tmp_path: Path) -> None:
    words = [f"w{i}" for i in range(40)]
    text = " ".join(words) + "."
    store = _doc(tmp_path, text, _selector("a", text, " ".join(words[0:10]),
                                           suffix=" " + " ".join(words[10:20])))
    (tmp_path / "doc.nq").write_bytes(store.dump(format=ox.RdfFormat.N_QUADS))
    env = {**os.environ, "KG_SOURCES": str(tmp_path)}

    def kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True,
                              text=True, env=env, timeout=300)

    assert kg("load", str(tmp_path / "doc.nq"), "--store", str(tmp_path / "s")).returncode == 0
    result = kg("verify-quotes", "--store", str(tmp_path / "s"))
    assert result.returncode == 1
    assert "20 consecutive words" in result.stdout
    assert "1 of 1 quotes verified" in result.stderr
