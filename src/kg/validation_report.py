"""The outcome of a SHACL validation: its results and the report as text, JSON or RDF.

Apart from kg.validate (which runs pySHACL) so that what only shows a report (the server's
validation page) does not load pySHACL and rdflib; `to_graph` loads rdflib when asked.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rdflib


@dataclass(frozen=True)
class Result:
    """One validation result: which node broke which rule, how badly, and why."""

    focus: str
    shape: str
    constraint: str
    severity: str
    message: str
    path: str | None = None
    value: str | None = None
    source_constraint: str | None = None
    graph: str | None = None

    def line(self) -> str:
        """One readable line, severity first so `grep Violation` works."""
        where = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value is not None else ""
        graph = f" in {self.graph}" if self.graph else ""
        return (f"{self.severity}: <{self.focus}>{where}{value}{graph}: {self.message} "
                f"[{_short(self.shape)} / {_short(self.constraint)}]")


@dataclass
class Report:
    """The outcome of a validation run; conforms means no sh:Violation."""

    results: list[Result]

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def infos(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Info"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self) -> str:
        """A readable report: a summary line, then one line per result, worst first."""
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        lines = [f"Conforms: {self.conforms} ({len(self.violations)} violations, "
                 f"{len(self.warnings)} warnings, {len(self.infos)} infos)"]
        ranked = sorted(self.results, key=lambda r: (order[r.severity], r.focus))
        lines += [r.line() for r in ranked]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON: conforms, counts and every result."""
        return json.dumps({
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "infos": len(self.infos),
            "results": [asdict(r) for r in self.results],
        }, indent=2, ensure_ascii=False)

    def to_graph(self) -> rdflib.Graph:
        """The report as a SHACL sh:ValidationReport graph."""
        import rdflib
        from rdflib.namespace import RDF, SH

        g = rdflib.Graph()
        g.bind("sh", SH)
        report = rdflib.BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, _term(r.focus)))
            g.add((node, SH.sourceShape, _term(r.shape)))
            g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.constraint)))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message)))
            if r.path:
                g.add((node, SH.resultPath, rdflib.URIRef(r.path)))
            if r.value is not None:
                g.add((node, SH.value, rdflib.Literal(r.value)))
            if r.source_constraint:
                g.add((node, SH.sourceConstraint, _term(r.source_constraint)))
        return g

    def to_turtle(self) -> str:
        """The report as Turtle (sh:ValidationReport)."""
        return self.to_graph().serialize(format="turtle")


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term(value: str) -> rdflib.URIRef | rdflib.BNode:
    import rdflib

    return rdflib.BNode(value[2:]) if value.startswith("_:") else rdflib.URIRef(value)
