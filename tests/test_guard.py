"""kg.guard on its own: each hostile input refused with the file, the line and the reason;
ordinary inputs (the project's own files, a compressed dump) pass."""

from __future__ import annotations

import gzip
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.config import PROJECT_DIR
from kg.formats import for_path
from kg.guard import InputRefused, Limits, check_rdf, check_sparql, check_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from hostile import (  # noqa: E402
    RDF,
    deep_blank_nodes,
    deep_collection,
    deep_json,
    deep_triple_terms,
    deep_xml,
    gzip_bomb,
    laughs,
    write,
)


def refusal(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(InputRefused) as caught:
        check_rdf(path, for_path(path), limits or Limits())
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


# --- RDF ---------------------------------------------------------------------------------

def test_the_projects_own_files_pass() -> None:
    files = [p for sub in ("ontology", "shapes", "data") for p in (PROJECT_DIR / sub).rglob("*")
             if p.suffix in (".ttl", ".trig")]
    assert files
    for path in files:
        check_rdf(path, for_path(path), Limits())


def test_ordinary_files_of_every_format_pass(tmp_path: Path) -> None:
    long_string = '"""a\nmulti-line ( [ string\n""" '
    ok = {
        "a.ttl": f'@prefix e: <urn:e#> .\ne:a e:p ( 1 2 [ e:q {long_string}] ) ; e:r "x)" .\n',
        "a.trig": "<urn:g> { <urn:a> <urn:p> [ <urn:q> '''(''' ] . }\n",
        "a.nt": '<urn:a> <urn:p> "<< not a triple term ((" .\n',
        "a.nq": "<urn:a> <urn:p> <<( <urn:s> <urn:p> <urn:o> )>> <urn:g> .\n",
        "a.jsonld": '{"@context": {"e": "urn:e#", "n": null}, "@id": "urn:a", '
                    '"e:p": [{"e:q": 1, "e:r": true, "e:s": "{[@context"}]}',
        "b.jsonld": '[{"@context": {"e": "urn:e#"}, "@id": "urn:a", "e:p": "x"}]',
        "a.rdf": f'<!DOCTYPE rdf:RDF [<!ENTITY e "urn:e#">]>\n<rdf:RDF xmlns:rdf="{RDF}">'
                 '<rdf:Description rdf:about="&e;a"/></rdf:RDF>\n',
    }
    for name, text in ok.items():
        check_rdf(write(tmp_path / name, text), for_path(tmp_path / name), Limits())


def test_entity_expansion_is_refused_and_small_entities_pass(tmp_path: Path) -> None:
    bomb = write(tmp_path / "laughs.rdf", laughs())
    assert "&lol" in refusal(bomb) and "max_entity_expansion" in refusal(bomb)
    small = write(tmp_path / "small.rdf", laughs(levels=4))  # 30,000 characters
    check_rdf(small, for_path(small), Limits())
    assert "max_entity_expansion" in refusal(small, Limits(max_entity_expansion=20000))
    many = write(tmp_path / "many.rdf", laughs(levels=4).replace(
        "<e:p>&lol4;</e:p>", "<e:p>&lol4;</e:p>" * 2000))
    assert "entity references expand" in refusal(many)
    assert "entity declaration" in refusal(small, Limits(max_entity_expansion=0))


def test_a_second_declaration_cannot_hide_the_first(tmp_path: Path) -> None:
    """XML binds the first declaration of an entity; judging the second would miss a bomb."""
    bomb = laughs(levels=7).replace("]>", '<!ENTITY lol7 "small">\n]>')  # 30 MB, then small
    assert "&lol7; expands to 30000000" in refusal(write(tmp_path / "twice.rdf", bomb))


def test_external_and_parameter_entities_are_refused(tmp_path: Path) -> None:
    body = f'<rdf:RDF xmlns:rdf="{RDF}"/>\n'
    external = write(tmp_path / "ext.rdf",
                     f'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n{body}')
    assert "never fetched" in refusal(external)
    parameter = write(tmp_path / "pe.rdf", f'<!DOCTYPE r [<!ENTITY % p "x">]>\n{body}')
    assert "parameter entity" in refusal(parameter)


@pytest.mark.parametrize(("name", "make"), [
    ("coll.ttl", deep_collection), ("bnodes.trig", deep_blank_nodes),
    ("terms.nt", deep_triple_terms), ("deep.jsonld", deep_json), ("deep.rdf", deep_xml)])
def test_deep_nesting_is_refused_at_its_line(tmp_path: Path, name: str,
                                             make: Callable[[int], str]) -> None:
    text = "\n" * 3 + make(101) if not name.endswith((".jsonld", ".rdf")) else make(101)
    path = write(tmp_path / name, text)
    message = refusal(path)
    assert "max_nesting" in message and "101" not in message.split(":")[1]
    if name.endswith((".ttl", ".trig", ".nt")):
        assert message.startswith(f"{path}:4:")
    # Quoted triples count twice, and a document or graph adds a level or two.
    check_rdf(write(tmp_path / ("ok-" + name), make(45)), for_path(tmp_path / name), Limits())


def test_brackets_in_strings_iris_and_comments_do_not_count(tmp_path: Path) -> None:
    noise = '"((((" \'[[[\' <urn:x(((> # ((((\n"""\n((((\n""" '
    text = "<urn:a> <urn:p> " + noise * 200 + "<urn:o> .\n"
    check_rdf(write(tmp_path / "noise.ttl", text), for_path(tmp_path / "noise.ttl"),
              Limits(max_nesting=3))


def test_stray_closing_brackets_do_not_hide_nesting(tmp_path: Path) -> None:
    path = write(tmp_path / "stray.ttl", ") ] " * 500 + deep_collection(200))
    assert "max_nesting" in refusal(path)


@pytest.mark.parametrize(("text", "reason"), [
    ('{"@context": "https://schema.org/", "@id": "urn:a"}', "remote JSON-LD context"),
    ('{"@context": ["https://schema.org/", {"e": "urn:e#"}], "@id": "urn:a"}',
     "remote JSON-LD context"),
    ('{"@context": {"@import": "https://x.example/c.jsonld"}, "@id": "urn:a"}', "@import"),
    ('{"@context": {"p": {"@id": "urn:p", "@context": {"x": "urn:x"}}}, "@id": "urn:a"}',
     "nested JSON-LD context"),
    ('{"@context": {}, "urn:p": {"@context": {"x": "urn:x"}, "x": 1}}', "nested JSON-LD"),
    ('{"@\\u0063ontext": "https://schema.org/", "@id": "urn:a"}', "remote JSON-LD context"),
])
def test_json_ld_contexts_that_would_be_fetched_or_layered_are_refused(
        tmp_path: Path, text: str, reason: str) -> None:
    assert reason in refusal(write(tmp_path / "c.jsonld", text))


def test_a_context_key_and_its_value_in_different_chunks(tmp_path: Path) -> None:
    """The scan reads about a megabyte at a time, cut at line ends."""
    text = ('{"urn:pad": "' + "x" * (3 << 19) + '", "@context":\n"https://x.example/c"}')
    assert "remote JSON-LD context" in refusal(write(tmp_path / "split.jsonld", text))


def test_a_big_json_ld_document_after_its_context_is_counted_not_walked(tmp_path: Path) -> None:
    nodes = ", ".join(f'{{"@id": "urn:n{i}", "urn:p": [{{"urn:q": "caf\\u00e9 {i}"}}]}}'
                      for i in range(20000))
    path = write(tmp_path / "big.jsonld", '{"@context": {"e": "urn:e#"}, "@graph": [' + nodes
                 + "]}")
    check_rdf(path, for_path(path), Limits())
    deep = write(tmp_path / "deeper.jsonld", '{"@context": {}, "@graph": [' + nodes + ", "
                 + deep_json(200) + "]}")
    assert "max_nesting" in refusal(deep)


def test_gzip_bombs_are_refused_by_ratio_and_by_size(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "bomb.nt.gz", 256 << 20)
    assert "max_unpack_ratio" in refusal(bomb)
    small = gzip_bomb(tmp_path / "small.nt.gz", 2 << 20)
    check_rdf(small, for_path(small), Limits())
    assert "max_unpacked_bytes" in refusal(small, Limits(max_unpacked_bytes=1 << 20))
    broken = write(tmp_path / "broken.nt.gz", gzip.compress(b"<urn:a> <urn:b> <urn:c> .\n")[:20])
    assert "gzip" in refusal(broken)


def test_a_compressed_dump_passes(tmp_path: Path) -> None:
    lines = "".join(f"<urn:s{i}> <urn:p> \"value {i}\" <urn:g{i % 7}> .\n" for i in range(50000))
    dump = tmp_path / "dump.nq.gz"
    with gzip.open(dump, "wt") as out:
        out.write(lines)
    check_rdf(dump, for_path(dump), Limits())


def test_long_lines_binary_data_and_strings_are_refused(tmp_path: Path) -> None:
    limits = Limits(max_line_bytes=1000)
    line = write(tmp_path / "line.nt", "<urn:a> <urn:b> <urn:c> .\n" * 3
                 + '<urn:a> <urn:b> "' + "x" * 2000 + '" .\n')
    assert refusal(line, limits).startswith(f"{line}:4: a line longer than 1000 bytes")
    last = write(tmp_path / "last.nt", '<urn:a> <urn:b> "' + "x" * 2000 + '" .')
    assert "max_line_bytes" in refusal(last, limits)
    binary = write(tmp_path / "bin.ttl", b"<urn:a> <urn:b> <urn:c> .\n" + os.urandom(64) + b"\0")
    assert "binary data" in refusal(binary)
    string = write(tmp_path / "string.ttl", '<urn:a> <urn:b> """' + "x\n" * (2 << 20) + '""" .\n')
    assert "a string longer than 1000 bytes" in refusal(string, limits)
    check_rdf(string, for_path(string), Limits())


# --- SPARQL ------------------------------------------------------------------------------

def test_sparql_nesting_and_lines() -> None:
    check_sparql("SELECT * WHERE { { ?s ?p ?o FILTER(?o < 3 && (?s > 2)) } } # ((((", Limits())
    with pytest.raises(InputRefused, match="max_nesting"):
        check_sparql("SELECT * WHERE { BIND(" + "(" * 10000 + "1" + ")" * 10000 + " AS ?x) }",
                     Limits())
    with pytest.raises(InputRefused, match="max_line_bytes"):
        check_sparql("ASK { ?s ?p '" + "x" * 2000 + "' }", Limits(max_line_bytes=1000))


# --- tables ------------------------------------------------------------------------------

@pytest.fixture
def endless_cell(tmp_path: Path) -> Iterator[Path]:
    """A CSV whose second cell runs for 1 GB (a pipe: nothing is written to disk)."""
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with fifo.open("wb") as out:
                out.write(b'name,note\nali,"')
                block = (b"y" * 99 + b"\n") * 10_000
                for _ in range(1000):
                    out.write(block)
                out.write(b'"\n')
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    yield fifo
    writer.join(10)


def test_a_one_gigabyte_cell_is_refused_without_reading_it_all(endless_cell: Path) -> None:
    with pytest.raises(InputRefused, match=r"endless\.csv:\d+: a cell longer than 1000000"):
        check_table(endless_cell, Limits())


def test_tables(tmp_path: Path) -> None:
    ok = write(tmp_path / "ok.csv", 'a,b\n1,"x, ""y""\nz"\n2,3\n')
    check_table(ok, Limits(max_cell_bytes=10))
    tsv = write(tmp_path / "ok.tsv", "a\tb\n" + "x," * 50 + "\t1\n")
    check_table(tsv, Limits(max_cell_bytes=200), delimiter="\t")
    with pytest.raises(InputRefused, match="max_cell_bytes"):
        check_table(tsv, Limits(max_cell_bytes=20), delimiter="\t")
    wide = write(tmp_path / "wide.csv", "a,b\n1," + "z" * 50 + ",3\n")
    with pytest.raises(InputRefused, match=r"wide\.csv:2: a cell longer than 20"):
        check_table(wide, Limits(max_cell_bytes=20))
    latin = write(tmp_path / "latin.csv", "a,b\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputRefused, match=r"latin\.csv:2: invalid UTF-8"):
        check_table(latin, Limits())
    check_table(latin, Limits(), encoding="latin-1")
    binary = write(tmp_path / "x.csv", b"PK\x03\x04\0\0binary")
    with pytest.raises(InputRefused, match="binary data"):
        check_table(binary, Limits())
