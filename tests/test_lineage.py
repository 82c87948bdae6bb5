"""kg.lineage: a claim's chain back to its origins, and its independent origins, on real stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import bundled_sources
from kg.config import PROJECT_DIR as PROJECT_ROOT
from kg.formats import for_path
from kg.lineage import Lineage, LineageIndex, claim_lineages, lineage, lineages
from kg.store import LoadSource, MemoryStore

CLAIM = "https://kg.example.org/id/claim/"
ORG = "https://kg.example.org/id/org/"
NCRI_30000 = CLAIM + "seed-ncri-toll-30000"


@pytest.fixture(scope="module")
def bundled() -> MemoryStore:
    store = MemoryStore()
    store.load(bundled_sources(PROJECT_ROOT))
    return store


def _store(tmp_path: Path, body: str) -> MemoryStore:
    """A store holding `body` (Turtle statements about claims c1, c2, ... and agents)."""
    path = tmp_path / "lineage.trig"
    path.write_text("""@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://kg.example.org/ontology#> .
@prefix c: <https://kg.example.org/id/claim/> .
@prefix a: <https://kg.example.org/id/agent/> .
<https://kg.example.org/graph/t> {
""" + body + "\n}\n", encoding="utf-8")
    store = MemoryStore()
    store.load([LoadSource(path, for_path(path), "https://kg.example.org/graph/t")])
    return store


def test_a_repeated_figure_leads_back_to_one_origin(bundled: MemoryStore) -> None:
    # issue 13: the seed author's, JVMI's and Wikipedia's 30,000 are the NCRI's figure
    for slug in ("seed-toll-estimate-30000", "jvmi-toll-30000", "wikipedia-amnesty-30000"):
        found = lineage(bundled, CLAIM + slug)
        assert [o.claim for o in found.origins] == [NCRI_30000], slug
        assert found.origins[0].claimants == (ORG + "ncri",)
        assert found.independent_origins == 1 and not found.is_origin
        (link,) = found.links
        assert (link.claim, link.kind, link.source_claim) == (CLAIM + slug, "derived", NCRI_30000)
        assert link.note


def test_an_origin_is_its_own_lineage(bundled: MemoryStore) -> None:
    found = lineage(bundled, CLAIM + "hrw-2022-toll")
    assert found.is_origin and found.links == ()
    assert [o.claim for o in found.origins] == [CLAIM + "hrw-2022-toll"]
    assert found.origins[0].publication == "https://kg.example.org/id/source/hrw-2022-qa"
    assert found.independent_origins == 1


def test_a_range_spanning_two_estimates_has_two_independent_origins(
        bundled: MemoryStore) -> None:
    found = lineage(bundled, CLAIM + "wikipedia-toll-other-revisions")
    assert {o.claim for o in found.origins} == {NCRI_30000, CLAIM + "montazeri-toll"}
    assert found.independent_origins == 2
    data = found.to_json()
    assert data["independentOrigins"] == 2 and len(data["links"]) == 2
    assert {link["kind"] for link in data["links"]} == {"derived"}


def test_a_primary_source_is_not_a_separate_origin(bundled: MemoryStore) -> None:
    found = lineage(bundled, CLAIM + "seed-mois-official-toll-33700")
    assert found.is_origin and found.independent_origins == 1


def test_origins_sharing_a_claimant_are_one_witness_even_through_a_chain(
        tmp_path: Path) -> None:
    # c1 repeats c2, c3 and c4; c2 and c4 share x, c3 and c4 share y: one witness, not three.
    # c5 is quoted too, by an independent claimant z.
    store = _store(tmp_path, """
c:c1 prov:wasDerivedFrom c:c2 , c:c3 , c:c4 ; prov:wasQuotedFrom c:c5 ; prov:wasAttributedTo a:w .
c:c2 prov:wasAttributedTo a:x .
c:c3 prov:wasAttributedTo a:y .
c:c4 prov:wasAttributedTo a:x , a:y .
c:c5 prov:wasAttributedTo a:z ; dcterms:source <https://kg.example.org/id/source/s> .""")
    found = lineage(store, CLAIM + "c1")
    assert [o.claim for o in found.origins] == [CLAIM + f"c{i}" for i in (2, 3, 4, 5)]
    assert found.groups == ((CLAIM + "c2", CLAIM + "c3", CLAIM + "c4"), (CLAIM + "c5",))
    assert found.independent_origins == 2
    assert [k.kind for k in found.links] == ["derived", "derived", "derived", "quoted"]
    assert found.origins[-1].publication == "https://kg.example.org/id/source/s"


def test_a_chain_is_followed_to_the_end_and_a_cycle_does_not_hang(tmp_path: Path) -> None:
    store = _store(tmp_path, """
c:c1 prov:wasQuotedFrom c:c2 . c:c2 prov:wasDerivedFrom c:c3 . c:c3 prov:wasAttributedTo a:x .
c:c7 prov:wasDerivedFrom c:c8 . c:c8 prov:wasDerivedFrom c:c7 .""")
    chain = lineage(store, CLAIM + "c1")
    assert [(k.claim, k.source_claim) for k in chain.links] == [
        (CLAIM + "c1", CLAIM + "c2"), (CLAIM + "c2", CLAIM + "c3")]
    assert [o.claim for o in chain.origins] == [CLAIM + "c3"]
    assert [(o.claim, o.claimants) for o in chain.relayed] == [
        (CLAIM + "c2", ()), (CLAIM + "c3", ("https://kg.example.org/id/agent/x",))]
    assert chain.facts(CLAIM + "c3") == chain.origins[0] and chain.facts(CLAIM + "c1") is None
    loop = lineage(store, CLAIM + "c7")  # SHACL refuses this; the library still terminates
    assert loop.origins == () and loop.independent_origins == 0 and len(loop.links) == 2


def test_lineages_answers_many_claims_at_once(bundled: MemoryStore) -> None:
    claims = [CLAIM + "jvmi-toll-30000", CLAIM + "chri-toll", CLAIM + "jvmi-toll-30000"]
    found = lineages(bundled, claims)
    assert set(found) == {CLAIM + "jvmi-toll-30000", CLAIM + "chri-toll"}
    assert all(isinstance(v, Lineage) for v in found.values())
    assert lineages(bundled, []) == {}


def test_a_bad_iri_is_refused_not_pasted_into_the_query(bundled: MemoryStore) -> None:
    with pytest.raises(ValueError):
        lineage(bundled, "https://kg.example.org/id/claim/x> } ?s ?p ?o { <y")


def test_the_sparql_pattern_counts_what_the_library_counts(bundled: MemoryStore) -> None:
    """queries/death-toll-independent-origins.rq is the documented SPARQL form."""
    query = (PROJECT_ROOT / "queries" / "death-toll-independent-origins.rq").read_text("utf-8")
    rows = {r["claim"].value: int(r["independentOrigins"].value) for r in bundled.query(query)}
    assert len(rows) >= 15
    found = lineages(bundled, rows)
    assert {c: found[c].independent_origins for c in rows} == rows


def test_repetitions_are_the_claims_that_lead_back_to_the_same_origins(
        bundled: MemoryStore) -> None:
    # issue 13: 'one independent origin (NCRI), repeated by three sources'
    repeating = {CLAIM + s for s in ("seed-toll-estimate-30000", "jvmi-toll-30000",
                                     "wikipedia-amnesty-30000", "wikipedia-toll-2022",
                                     "wikipedia-toll-other-revisions")}
    for claim in (NCRI_30000, CLAIM + "jvmi-toll-30000"):
        found = lineage(bundled, claim)
        assert set(found.repeats) == repeating, claim
        assert {p.rsplit("/", 1)[-1] for p in found.repeated_in} == {
            "seed-article", "jvmi-2020-statement", "wikipedia-1988-executions"}
    alone = lineage(bundled, CLAIM + "ap-toll-5000")
    assert alone.repeats == () and alone.repeated_in == ()


def test_the_index_answers_what_the_queries_answer_for_every_claim(
        bundled: MemoryStore, tmp_path: Path) -> None:
    claims = [r["c"].value for r in bundled.query(
        "SELECT DISTINCT ?c WHERE { ?c <https://kg.example.org/ontology#about> ?x }")]
    assert len(claims) > 100
    assert LineageIndex.build(bundled).lineages(claims) == lineages(bundled, claims)
    assert claim_lineages(bundled, claims[:3]) == lineages(bundled, claims[:3])
    store = _store(tmp_path, """
c:c1 prov:wasDerivedFrom c:c2 , c:c3 , c:c4 ; prov:wasQuotedFrom c:c5 ; prov:wasAttributedTo a:w .
c:c2 prov:wasAttributedTo a:x . c:c6 prov:wasQuotedFrom c:c1 .
c:c3 prov:wasAttributedTo a:y . c:c4 prov:wasAttributedTo a:x , a:y .
c:c7 prov:wasDerivedFrom c:c8 . c:c8 prov:wasDerivedFrom c:c7 .""")
    some = [CLAIM + f"c{i}" for i in range(1, 9)]
    assert LineageIndex.build(store).lineages(some) == lineages(store, some)


def test_the_json_form_describes_every_iri_it_names(bundled: MemoryStore) -> None:
    found = lineage(bundled, CLAIM + "jvmi-toll-30000")
    plain = found.to_json()
    assert plain["isOrigin"] is False and plain["links"][0]["from"] == NCRI_30000
    described = found.to_json(lambda iri: {"iri": iri, "known": iri in found.iris()})
    assert described["origins"][0]["claimants"] == [{"iri": ORG + "ncri", "known": True}]
    assert len(described["repeatedIn"]) == 3
    assert found.group_claimants() == [(ORG + "ncri",)]
