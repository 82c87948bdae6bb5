"""Each editorial rule: a failing fixture gives exactly the expected result, a passing one none."""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import bundled_sources
from kg.config import PROJECT_DIR as PROJECT_ROOT
from kg.store import MemoryStore
from kg.validate import Report, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
KS = "https://kg.example.org/shapes#"
FX = "https://kg.example.org/id/fixture/"
SH = "http://www.w3.org/ns/shacl#"

#: rule fixture -> (focus node, reported shape, constraint component, severity)
EXPECTED = {
    "claim-publication": (FX + "c", KS + "ClaimPublication", "MinCount", "Violation"),
    "claim-claimant": (FX + "c", KS + "ClaimClaimant", "MinCount", "Violation"),
    "claim-evidence": (FX + "c", KS + "ClaimEvidence", "MinCount", "Violation"),
    "quote-length": (FX + "t-quote", KS + "QuoteExact", "Pattern", "Violation"),
    "quote-position": (FX + "t", KS + "QuotedTargetPosition", "QualifiedMinCount", "Violation"),
    "quote-prefix": (FX + "t-quote", KS + "QuotePrefix", "MaxLength", "Violation"),
    "quote-hash": (FX + "t", KS + "QuotedTargetSource", "Node", "Violation"),
    "count-negative": (FX + "c-count", KS + "CountValue", "MinInclusive", "Violation"),
    "count-min-above-value": (FX + "c-count", KS + "CountMin", "LessThanOrEquals", "Violation"),
    "count-min-above-max": (FX + "c-count", KS + "CountRangeShape", "LessThanOrEquals",
                            "Violation"),
    "count-kind": (FX + "c-count", KS + "CountKind", "MinCount", "Violation"),
    "count-figure": (FX + "c-count", KS + "CountFigureShape", "SPARQL", "Violation"),
    "date-datatype": (FX + "d", KS + "DateDatatypeShape", "SPARQL", "Violation"),
    "source-author": (FX + "other", KS + "SourceAuthorShape", "HasValue", "Warning"),
    "allegation-not-finding": (FX + "c", KS + "AllegationShape", "Not", "Violation"),
    "court-finding-by-court": (FX + "c", KS + "CourtFindingShape", "Class", "Violation"),
    "date-precision": (FX + "c-date", KS + "DatePrecision", "MinCount", "Violation"),
    "loose-date": (FX + "c", KS + "LooseDateShape", "Class", "Violation"),
    "date-precision-match": (FX + "d", KS + "DatePrecisionMatchShape", "SPARQL", "Violation"),
    "perpetrator-finding": (FX + "part", KS + "PerpetratorFindingShape", "QualifiedMinCount",
                            "Violation"),
    "inferred-note": (FX + "c-date", KS + "InferredDateShape", "MinCount", "Violation"),
    "english-label": (FX + "nameless", KS + "EnglishLabelShape", "QualifiedMinCount", "Violation"),
    "persian-label": (FX + "unpersian", KS + "PersianLabelShape", "QualifiedMinCount", "Info"),
    "citation": (FX + "cite", KS + "CitationShape", "HasValue", "Violation"),
    "participation-sourced": (FX + "part", KS + "ParticipationShape", "MinCount", "Violation"),
    "membership-sourced": (FX + "mem", KS + "MembershipShape", "MinCount", "Violation"),
    "count-alternatives": (FX + "c-count", KS + "AlternativesShape", "SPARQL", "Violation"),
    "source-graded": (FX + "other", KS + "SourceGradedShape", "MinCount", "Warning"),
    "source-dated": (FX + "other", KS + "SourceDatedShape", "MinCount", "Warning"),
    "grading-rationale": (FX + "g", KS + "GradingShape", "MinCount", "Violation"),
    "membership-dated": (FX + "mem", KS + "MembershipDatedShape", "MinCount", "Warning"),
    "lineage-target": (FX + "claim", KS + "LineageShape", "Class", "Violation"),
    "lineage-note": (FX + "claim", KS + "LineageShape", "MinCount", "Violation"),
    "lineage-cycle": (FX + "claim2", KS + "LineageCycleShape", "SPARQL", "Violation"),
    "status-contradicted": (FX + "claim", KS + "ContradictedClaimShape", "Not", "Violation"),
    "status-contested": (FX + "claim2", KS + "ContestedClaimShape", "SPARQL", "Violation"),
    "disagreement-exclusive": (FX + "claim2", KS + "DisagreementShape", "SPARQL", "Violation"),
    "public-reaches-restricted": (FX + "claim", KS + "PublicDoesNotReachRestricted", "SPARQL",
                                  "Violation"),
    "public-reaches-restricted-graph": (FX + "claim", KS + "PublicDoesNotReachRestricted",
                                        "SPARQL", "Violation"),
}


def _load(*paths: Path) -> ox.Store:
    """The ontology (into its graph) and fixture files (graphs as declared) in a scratch store."""
    store = ox.Store()
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        store.load(path=path, to_graph=ox.NamedNode("https://kg.example.org/graph/ontology"))
    for path in paths:
        store.load(path=path)
    return store


@cache
def _shapes() -> rdflib.Graph:
    """The project's shapes, parsed once for all fixture runs."""
    g = rdflib.Graph()
    for path in sorted((PROJECT_ROOT / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _validate(*names: str) -> Report:
    """Validate the ontology, base.trig and the named fixtures against the project shapes."""
    files = [FIXTURES / "base.trig", *(FIXTURES / f"{n}.trig" for n in names)]
    return validate(_load(*files), shapes=_shapes())


def _key(report: Report) -> list[tuple[str, str, str, str]]:
    return [(r.focus, r.shape, r.constraint.removeprefix(SH).removesuffix("ConstraintComponent"),
             r.severity) for r in report.results]


def test_base_fixture_passes_every_rule() -> None:
    assert _validate().results == []


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_failing_fixture_gives_exactly_the_expected_result(rule: str) -> None:
    report = _validate(f"{rule}-fail")
    assert _key(report) == [EXPECTED[rule]]
    assert report.conforms is (EXPECTED[rule][3] != "Violation")


@pytest.mark.parametrize("rule", sorted({r.removesuffix("-graph") for r in EXPECTED}))
def test_passing_fixture_gives_no_result(rule: str) -> None:
    assert _key(_validate(f"{rule}-pass")) == []


def test_restricted_result_names_the_public_graph_and_the_node() -> None:
    (result,) = _validate("public-reaches-restricted-fail").results
    assert result.graph == "https://kg.example.org/graph/fixture"
    assert result.value == FX + "witness"
    assert result.path == "https://kg.example.org/ontology#about"
    assert FX + "witness" in result.message


def test_severity_is_deliberate_missing_persian_label_is_info_missing_source_is_violation() -> None:
    info = _validate("persian-label-fail")
    assert info.conforms and [r.severity for r in info.results] == ["Info"]
    violation = _validate("claim-publication-fail")
    assert not violation.conforms and [r.severity for r in violation.violations] == ["Violation"]


def test_report_formats() -> None:
    report = _validate("claim-publication-fail")
    assert report.text().startswith("Conforms: False (1 violations")
    assert "Violation: <https://kg.example.org/id/fixture/c>" in report.text()
    data = json.loads(report.to_json())
    assert data["conforms"] is False and data["results"][0]["shape"] == KS + "ClaimPublication"
    g = rdflib.Graph().parse(data=report.to_turtle(), format="turtle")
    assert (None, rdflib.URIRef(SH + "focusNode"), rdflib.URIRef(FX + "c")) in g


def test_validate_accepts_an_rdflib_dataset() -> None:
    store = _load(FIXTURES / "base.trig", FIXTURES / "claim-publication-fail.trig")
    ds = rdflib.Dataset()
    for graph in store.named_graphs():
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).decode()
        ds.graph(rdflib.URIRef(graph.value)).parse(data=data, format="nt")
    assert _key(validate(ds, shapes=_shapes())) == [EXPECTED["claim-publication"]]


def test_bundled_data_has_no_violations_and_validates_quickly() -> None:
    store = MemoryStore()  # a kg Store: validate() takes its full view
    store.load(bundled_sources(PROJECT_ROOT))
    start = time.perf_counter()
    report = validate(store)
    elapsed = time.perf_counter() - start
    assert report.violations == [], report.text()
    assert elapsed < 10, f"validation took {elapsed:.1f} s"
