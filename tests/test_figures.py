"""kg.figures: disputed quantities and every figure given for them, on real stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import bundled_sources
from kg.config import PROJECT_DIR
from kg.figures import Dispute, dispute, quantities, read_dispute
from kg.formats import for_path
from kg.store import LoadSource, MemoryStore

ID = "https://kg.example.org/id/"
MASSACRE = ID + "event/1988-massacre"
KILLED = ID + "concept/counted/people-killed"


@pytest.fixture(scope="module")
def bundled() -> MemoryStore:
    store = MemoryStore()
    store.load(bundled_sources(PROJECT_DIR))
    return store


@pytest.fixture(scope="module")
def toll(bundled: MemoryStore) -> Dispute:
    found = read_dispute(bundled, MASSACRE, KILLED)
    assert found is not None
    return found


def _by_slug(d: Dispute) -> dict:
    return {f.claim.rsplit("/", 1)[-1]: f for f in d.figures}


def test_disputed_quantities_are_counts_two_claims_or_more_give(bundled: MemoryStore) -> None:
    found = {(q.event, q.counted): q.claims for q in quantities(bundled)}
    assert found[(MASSACRE, KILLED)] == 17
    assert found[(ID + "event/1988-massacre-gohardasht", KILLED)] == 3
    assert all(n > 1 for n in found.values())
    assert (ID + "event/1988-massacre-evin", KILLED) not in found  # one claim: no dispute
    assert [q.counted for q in quantities(bundled, MASSACRE)][0] == KILLED  # most figures first


def test_the_death_toll_has_every_figure_once_in_publication_order(toll: Dispute) -> None:
    claims = [f.claim for f in toll.figures]
    assert len(claims) == len(set(claims)) == 17
    dates = [f.published.earliest for f in toll.figures if f.published]
    assert dates == sorted(dates)
    assert toll.figures[0].published and toll.figures[0].published.lexical == "1990-12-01"


def test_each_figure_keeps_its_shape(toll: Dispute) -> None:
    figures = _by_slug(toll)
    assert (figures["seed-ncri-toll-30000"].shape, figures["seed-ncri-toll-30000"].value) == (
        "point", 30000)
    chri = figures["chri-toll"]
    assert (chri.shape, chri.low, chri.high) == ("range", 4000, 5000)
    assert (figures["seed-mois-official-toll-33700"].shape,
            figures["seed-mois-official-toll-33700"].low) == ("lower", 33700)
    assert (figures["ai-1990-rafsanjani-toll"].shape,
            figures["ai-1990-rafsanjani-toll"].high) == ("upper", 1000)
    montazeri = figures["montazeri-toll"]  # '2,800 or 3,800': never the range 2,800-3,800
    assert (montazeri.shape, montazeri.alternatives) == ("alternatives", (2800, 3800))
    assert montazeri.low is None and montazeri.high is None
    tally = figures["ai-1990-named-victims"]  # a tally of named victims is open above
    assert (tally.shape, tally.low) == ("lower", 2000)
    assert figures["ai-2018-toll-thousands"].inferred
    assert figures["ai-2018-toll-thousands"].inference_note


def test_claimant_status_and_grading_come_with_each_figure(toll: Dispute) -> None:
    figures = _by_slug(toll)
    rafsanjani = figures["ai-1990-rafsanjani-toll"]
    assert rafsanjani.claimants == (ID + "person/akbar-hashemi-rafsanjani",)
    assert rafsanjani.status == ID + "concept/claim-status/official-acknowledgement"
    assert all(f.grading is not None for f in toll.figures)  # every source is graded
    assert figures["jvmi-toll-30000"].grading.code == "C4"  # type: ignore[union-attr]
    assert toll.labels[ID + "org/ncri"] == "National Council of Resistance of Iran"


def test_figures_are_coloured_by_independent_origin_not_by_source(toll: Dispute) -> None:
    figures = _by_slug(toll)
    ncri = figures["seed-ncri-toll-30000"].witnesses
    assert len(ncri) == 1
    repeats = ("seed-toll-estimate-30000", "jvmi-toll-30000", "wikipedia-amnesty-30000",
               "wikipedia-toll-2022")
    assert all(figures[s].witnesses == ncri for s in repeats)
    witness = toll.witnesses[ncri[0]]
    assert witness.claimants == (ID + "org/ncri",) and len(witness.figures) == 6
    # a range spanning Montazeri's figure and the NCRI's rests on both
    both = figures["wikipedia-toll-other-revisions"].witnesses
    assert set(both) == {ncri[0], figures["montazeri-toll"].witnesses[0]}
    # Amnesty's two figures are one witness, not two
    assert figures["ai-1990-named-victims"].witnesses == figures["ai-2018-toll-thousands"].witnesses
    assert len(toll.witnesses) == 11
    # independent origins are numbered in the order their first figure was published
    first = [min(i for i, f in enumerate(toll.figures) if w in f.witnesses)
             for w in range(len(toll.witnesses))]
    assert first == sorted(first)


def test_an_unknown_quantity_is_none(bundled: MemoryStore) -> None:
    assert read_dispute(bundled, ID + "event/1988-massacre-evin", KILLED) is None
    assert read_dispute(bundled, MASSACRE, ID + "concept/counted/nothing") is None


def test_latest_grading_wins_and_undated_figures_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "figures.trig"
    path.write_text("""@prefix kg: <https://kg.example.org/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://kg.example.org/id/> .
@prefix sr: <https://kg.example.org/id/concept/source-reliability/> .
@prefix ic: <https://kg.example.org/id/concept/information-credibility/> .
<https://kg.example.org/graph/t> {
  id:e a kg:Event .
  id:s1 kg:grading
      [ kg:sourceReliability sr:c ; kg:informationCredibility ic:3 ;
        kg:date [ kg:dateValue "2020-01-01"^^xsd:date ] ] ,
      [ kg:sourceReliability sr:b ; kg:informationCredibility ic:2 ;
        kg:date [ kg:dateValue "2024-01-01"^^xsd:date ] ] .
  id:c1 kg:about id:e ; dcterms:source id:s1 ; prov:wasAttributedTo id:a ;
      kg:count [ kg:countedItem id:n ; schema:value 10 ] .
  id:c2 kg:about id:e ; prov:wasAttributedTo id:b ;
      kg:count [ kg:countedItem id:n ; schema:minValue 5 ; schema:maxValue 8 ] .
}
""", encoding="utf-8")
    store = MemoryStore()
    store.load([LoadSource(path, for_path(path), "https://kg.example.org/graph/t")])
    (q,) = quantities(store)
    found = {f.claim.rsplit("/", 1)[-1]: f for f in dispute(store, q).figures}
    assert found["c1"].grading and found["c1"].grading.code == "B2"
    assert found["c2"].published is None and found["c2"].grading is None
    assert [f.claim.rsplit("/", 1)[-1] for f in dispute(store, q).figures] == ["c1", "c2"]
    assert found["c2"].shape == "range" and found["c1"].shape == "point"
