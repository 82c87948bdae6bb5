"""SHACL of only what a write changed, and the compiled engine against pySHACL."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import bundled_sources, load_project
from kg.config import PROJECT_DIR
from kg.focus import reach_of, scope_of
from kg.store import Changes, MemoryStore, Partitions
from kg.validate import Report, shapes_graph_of, validate
from kg.validate_changes import validate_changes

sys.path.insert(0, str(Path(__file__).parent))
from test_shapes import FIXTURES, _load, _shapes  # noqa: E402

ID = "https://kg.example.org/id/"
G = "https://kg.example.org/graph/test"
SEED = "https://kg.example.org/graph/seed-article-1988-massacre"
PREFIXES = """
@prefix kg: <https://kg.example.org/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix csvw: <http://www.w3.org/ns/csvw#> .
@prefix schema: <https://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def _key(report: Report) -> list[tuple[str, str, str, str]]:
    return sorted((r.focus, r.shape.rsplit("#", 1)[-1],
                   r.constraint.rsplit("#", 1)[-1].removesuffix("ConstraintComponent"),
                   r.severity) for r in report.results)


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.trig")))
def test_compiled_shapes_agree_with_pyshacl_on_every_fixture(fixture: str) -> None:
    store = _load(FIXTURES / "base.trig", FIXTURES / f"{fixture}.trig")
    assert _key(validate(store, _shapes())) == _key(validate(store, _shapes(),
                                                             engine="pyshacl"))


def test_compiled_shapes_agree_with_pyshacl_on_the_bundled_data() -> None:
    store = load_project()
    fast, reference = validate(store), validate(store, engine="pyshacl")
    assert sorted((r.focus, r.shape, r.constraint, r.value) for r in fast.results) == \
        sorted((r.focus, r.shape, r.constraint, r.value) for r in reference.results)


@pytest.fixture(scope="module")
def base() -> MemoryStore:
    store = MemoryStore()
    store.load(bundled_sources(PROJECT_DIR))
    return store


def _write(store: MemoryStore, graphs: dict[str, str]) -> Report:
    """Replace graphs (Turtle) and return the incremental report the check saw."""
    seen: dict[str, Report] = {}

    def check(parts: Partitions) -> None:
        seen["report"] = validate_changes(parts)

    parsed = {g: list(ox.parse(PREFIXES + text, ox.RdfFormat.TURTLE)) for g, text in
              graphs.items()}
    store.replace_graphs(parsed, check=check)
    return seen["report"]


def _seed_graph(store: MemoryStore) -> list[ox.Triple]:
    return [q.triple for q in store.quads("full") if q.graph_name == ox.NamedNode(SEED)]


def test_an_added_claim_without_a_source_is_caught(base: MemoryStore) -> None:
    report = _write(base, {G: f"<{ID}claim/t1> a kg:Claim ; prov:wasAttributedTo <{ID}org/mek> ."})
    found = _key(report)
    assert (ID + "claim/t1", "ClaimPublication", "MinCount", "Violation") in found
    assert (ID + "claim/t1", "ClaimEvidence", "MinCount", "Violation") in found
    assert all(focus.startswith(ID + "claim/t1") for focus, *_ in found)  # nothing else


def test_removing_evidence_flags_the_claim_it_evidenced(base: MemoryStore) -> None:
    triples = _seed_graph(base)
    annotation = next(t for t in triples if t.predicate.value.endswith("#hasBody"))
    kept = [t for t in triples if t != annotation]
    seen: dict[str, Report] = {}

    def check(parts: Partitions) -> None:
        seen["report"] = validate_changes(parts)

    base.replace_graphs({SEED: kept}, check=check)
    claim = annotation.object.value
    assert (claim, "ClaimEvidence", "MinCount", "Violation") in _key(seen["report"])
    base.replace_graphs({SEED: triples})


def test_a_source_losing_its_archived_text_flags_the_quotes_that_cite_it(
        base: MemoryStore) -> None:
    triples = _seed_graph(base)
    kept = [t for t in triples if not t.predicate.value.endswith("#archivedText")]
    seen: dict[str, Report] = {}

    def check(parts: Partitions) -> None:
        seen["report"] = validate_changes(parts)

    base.replace_graphs({SEED: kept}, check=check)
    flagged = {(shape, constraint) for _, shape, constraint, _ in _key(seen["report"])}
    assert ("QuotedTargetSource", "Node") in flagged
    base.replace_graphs({SEED: triples})


def test_a_new_hash_replacing_the_old_checks_the_source_not_every_quote_citing_it(
        base: MemoryStore) -> None:
    """kg:sha256 is read by nested shapes only for its count: the same number of values
    leaves every referrer's result as it was, so the quotes citing the source stay out of
    scope (a re-imported table's new hash must not re-check its ten thousand cells)."""
    triples = _seed_graph(base)
    old = next(t for t in triples if t.predicate.value.endswith("#sha256"))
    new = ox.Triple(old.subject, old.predicate, ox.Literal("0" * 64))
    graph = ox.NamedNode(SEED)
    parts = Partitions(base.dataset("public"), base.dataset("restricted"))
    reach = reach_of(shapes_graph_of(parts.public, None))
    assert old.predicate.value in reach.counted
    replaced = scope_of(Changes([ox.Quad(*new, graph)], [ox.Quad(*old, graph)]), reach,
                        [parts.public, parts.restricted])
    assert replaced.focus == {old.subject}
    dropped = scope_of(Changes([], [ox.Quad(*old, graph)]), reach,
                       [parts.public, parts.restricted])
    assert len(dropped.focus) > 1  # the quotes citing it are checked again


def test_two_records_of_one_table_describing_one_person_is_a_whole_store_violation(
        base: MemoryStore) -> None:
    record = ("<https://kg.example.org/id/record/t-{n}> a kg:Record ; dcterms:identifier "
              "\"{n}\" ; dcterms:isPartOf <https://kg.example.org/id/source/seed-article> ; "
              "csvw:describes <https://kg.example.org/id/person/ruhollah-khomeini> .")
    report = _write(base, {G: record.format(n=1)})
    assert not [r for r in report.violations if "OneRecordPerEntity" in r.shape]
    report = _write(base, {G: record.format(n=1), G + "2": record.format(n=2)})
    (found,) = [r for r in report.violations if "OneRecordPerEntity" in r.shape]
    assert found.focus == ID + "record/t-2" and ID + "record/t-1" in found.message
    _write(base, {G: "", G + "2": ""})


def test_nothing_changed_nothing_checked(base: MemoryStore) -> None:
    assert _write(base, {SEED: _turtle(_seed_graph(base))}).results == []


def _turtle(triples: list[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
