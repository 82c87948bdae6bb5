"""The synthetic benchmark data (bench/synth.py): valid, loadable, deterministic, shaped like ours.

Benchmarks are only as good as their data: a generator that drifted from the vocabulary, or
left claims without sources, would make every page and query benchmark measure the wrong
thing. These checks run on a few hundred victims in well under a second.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.formats import for_path
from kg.namespaces import PREFIXES, RESTRICTED_GRAPH_PREFIX
from kg.store import LoadSource, MemoryStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import synth  # noqa: E402

PREFIX = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="module")
def text() -> str:
    out = io.StringIO()
    synth.generate(300, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def store(text: str, tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    path = tmp_path_factory.mktemp("synth") / "synth.nq"
    path.write_text(text, encoding="utf-8")
    s = MemoryStore()
    s.report = s.load([LoadSource(path, for_path(path), "https://kg.example.org/graph/x")])
    return s


def ask(store: MemoryStore, body: str, view: str = "full") -> int:
    rows = list(store.query(PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ {body} }}", view=view))
    return int(rows[0]["n"].value)


def test_count_returned_matches_lines_and_is_deterministic(text: str) -> None:
    assert text.count("\n") == synth.generate(300, io.StringIO())
    again = io.StringIO()
    synth.generate(300, again)
    assert again.getvalue() == text
    other = io.StringIO()
    synth.generate(300, other, seed=7)
    assert other.getvalue() != text


def test_parses_as_n_quads_and_scales_at_about_13_quads_per_victim(text: str) -> None:
    quads = list(ox.parse(text.encode("utf-8"), ox.RdfFormat.N_QUADS))
    assert len(quads) == text.count("\n")
    big = synth.generate(5000, io.StringIO())
    assert 12 * 5000 < big < 14.5 * 5000


def test_loads_through_kg_with_restricted_data_routed(store: MemoryStore, text: str) -> None:
    report = store.report  # type: ignore[attr-defined]
    assert report.quads + report.restricted_quads == text.count("\n")
    assert report.restricted_quads > 0
    assert not any(g.startswith(RESTRICTED_GRAPH_PREFIX) for g in report.graphs)
    assert ask(store, "?x kg:accessLevel kg:Restricted", view="public") == 0
    assert sum(g.startswith(synth.SOURCE_GRAPH_PREFIX) for g in report.graphs) >= 6


def test_every_claim_has_publication_claimant_and_quoted_evidence(store: MemoryStore) -> None:
    claims = ask(store, "?c a ?t . VALUES ?t { kg:Claim kg:CountClaim kg:Allegation "
                        "kg:TimeClaim kg:IdentityClaim }")
    assert claims > 10
    assert ask(store, """?c a ?t . VALUES ?t { kg:Claim kg:CountClaim kg:Allegation
                          kg:TimeClaim kg:IdentityClaim }
        FILTER NOT EXISTS { ?c dcterms:source/a kg:Source ; prov:wasAttributedTo ?who .
                            ?a oa:hasBody ?c }""") == 0
    assert ask(store, """?a a oa:Annotation ; oa:hasTarget/oa:hasSelector ?q .
        ?q a oa:TextQuoteSelector ; oa:exact ?e ; oa:prefix ?p ; oa:suffix ?s""") > 0
    assert ask(store, "?c kg:count [ kg:countKind ?k ] . FILTER NOT EXISTS { ?c a kg:CountClaim }"
               ) == 0


def test_graph_is_connected_like_the_real_one(store: MemoryStore) -> None:
    # Every victim takes part in an execution at a prison, asserted by a sourced claim.
    victims = ask(store, "?v a schema:Person ; rdfs:label ?l . FILTER(LANG(?l) = 'fa') "
                         "FILTER(STRSTARTS(STR(?v), 'https://kg.example.org/id/person/synth-v'))")
    assert victims == 300
    assert ask(store, """?p kg:participant ?v ; sem:roleType ?r ; kg:inEvent ?e .
        ?e sem:hasPlace/a kg:Prison ;
           sem:subEventOf+ <https://kg.example.org/id/event/1988-massacre> .
        ?c kg:asserts ?p ; dcterms:source ?s""", view="public") >= 300
    # Officials: alleged perpetrators with dated memberships.
    role = "<https://kg.example.org/id/concept/participation-role/alleged-perpetrator>"
    assert ask(store, f"""?p sem:roleType {role} ; kg:participant ?o .
        ?m org:member ?o ; org:memberDuring/time:hasBeginning/kg:dateValue ?d""",
               view="public") > 0
    # Dates keep several precisions.
    assert ask(store, "SELECT DISTINCT ?u WHERE { ?d kg:precision ?u }") >= 4
    assert ask(store, "?m a org:Membership ; org:organization ?o . ?c kg:asserts ?m") > 0


def test_trig_output_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "s.trig"
    count = synth.write_file(50, path)
    assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))) == count
    gz = tmp_path / "s.nq.gz"
    assert synth.write_file(50, gz) == count
    assert gz.read_bytes()[:2] == b"\x1f\x8b"


def test_passes_the_editorial_shapes(tmp_path: Path) -> None:
    """Benchmarks on data the build would refuse would measure a graph we never serve."""
    from kg.config import PROJECT_DIR
    from kg.namespaces import ONTOLOGY_GRAPH
    from kg.validate import validate

    path = tmp_path / "synth.nq"
    synth.write_file(120, path)
    ontology = sorted((Path(PROJECT_DIR) / "ontology").glob("*.ttl"))
    s = MemoryStore()
    s.load([LoadSource(p, for_path(p), ONTOLOGY_GRAPH) for p in ontology]
           + [LoadSource(path, for_path(path), "https://kg.example.org/graph/x")])
    report = validate(s)
    assert report.conforms, "\n".join(v.line() for v in report.violations[:5])
