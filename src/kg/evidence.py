"""Quote selectors for evidence: compute them from the archived text, write them into data
files, and prove that every quote still sits at its offsets in the text whose hash matches.

Implements the text selectors of the W3C Web Annotation Data Model
(https://www.w3.org/TR/annotation-model/#text-quote-selector and #text-position-selector).
Offsets are Unicode code points into the archived text decoded as UTF-8, with no newline
translation and no normalisation: ``text[start:end] == exact`` in Python.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import KG

#: Characters of context kept on each side of a quote in oa:prefix / oa:suffix.
CONTEXT = 32
#: Environment variable naming the directory of archived source texts.
SOURCES_ENV = "KG_SOURCES"


class AnchorError(ValueError):
    """A quote cannot be anchored: not found, or ambiguous without an occurrence hint."""


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits: the W3C text-quote and text-position selector values."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class QuoteFailure:
    """One quote that does not verify, with what was expected and what was found."""

    source: str
    annotation: str
    problem: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (f"{self.annotation} (source {self.source}): {self.problem}; "
                f"expected {self.expected!r}, found {self.found!r}")


def default_sources_dir(project_root: Path) -> Path:
    """The archived texts: $KG_SOURCES, else ../shared/sources beside the project."""
    env = os.environ.get(SOURCES_ENV)
    return Path(env) if env else project_root.resolve().parent / "shared" / "sources"


def read_text(path: Path) -> str:
    """The archived text exactly as offsets count it (UTF-8, newlines untouched)."""
    return path.read_bytes().decode("utf-8")


def sha256_file(path: Path) -> str:
    """Lower-case hex SHA-256 of a file's bytes, as recorded in kg:sha256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def anchor(text: str, exact: str, occurrence: int | None = None,
           context: int = CONTEXT) -> Anchor:
    """Find `exact` in `text` and compute its selectors; refuse to guess between repeats."""
    if not exact:
        raise AnchorError("empty quote")
    starts = [m.start() for m in re.finditer(re.escape(exact), text)]
    if not starts:
        raise AnchorError(f"quote not found in the archived text: {exact!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise AnchorError(f"quote occurs {len(starts)} times, add kg:occurrence N "
                              f"(1-{len(starts)}): {exact!r}")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise AnchorError(f"kg:occurrence {occurrence} out of range 1-{len(starts)}: {exact!r}")
    start = starts[occurrence - 1]
    end = start + len(exact)
    return Anchor(exact, text[max(0, start - context):start], text[end:end + context], start, end)


# --- writing anchors into data files ---------------------------------------------------

_STR = r'"(?:[^"\\\n]|\\.)*"'
#: A selector pair as authored (only oa:exact, optionally kg:occurrence) or as last written.
SELECTOR_RE = re.compile(
    r"oa:hasSource (?P<source>\S+) ;(?P<gap>\s*)"
    r"oa:hasSelector \[ a oa:TextQuoteSelector ;\s*"
    rf"oa:exact (?P<exact>{_STR})"
    r"(?:\s*;\s*kg:occurrence (?P<occurrence>\d+))?"
    rf"(?:\s*;\s*oa:prefix {_STR})?"
    rf"(?:\s*;\s*oa:suffix {_STR})?"
    r"\s*\]"
    r"(?:\s*,\s*\[ a oa:TextPositionSelector ; oa:start \d+ ; oa:end \d+ \])?"
)


def turtle_string(value: str) -> str:
    """A Turtle short string literal for `value`."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def _render(source: str, gap: str, a: Anchor, occurrence: str | None) -> str:
    """The canonical selector pair, indented like the oa:hasSource line it follows."""
    indent = gap.rsplit("\n", 1)[-1] if "\n" in gap else " "
    inner = indent + "    "
    occ = f" ;\n{inner}kg:occurrence {occurrence}" if occurrence else ""
    return (f"oa:hasSource {source} ;{gap}"
            f"oa:hasSelector [ a oa:TextQuoteSelector ;\n"
            f"{inner}oa:exact {turtle_string(a.exact)}{occ} ;\n"
            f"{inner}oa:prefix {turtle_string(a.prefix)} ;\n"
            f"{inner}oa:suffix {turtle_string(a.suffix)} ] ,\n"
            f"{indent}  [ a oa:TextPositionSelector ; oa:start {a.start} ; oa:end {a.end} ]")


def _archived_texts(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Per source IRI a data file declares: archived file name and SHA-256; and its prefixes."""
    parser = ox.parse(path=path)
    archived, digest = ox.NamedNode(KG + "archivedText"), ox.NamedNode(KG + "sha256")
    files: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for q in parser:
        if q.predicate == archived:
            files[q.subject.value] = q.object.value
        elif q.predicate == digest:
            hashes[q.subject.value] = q.object.value
    return files, hashes, dict(parser.prefixes)


def _expand(token: str, prefixes: dict[str, str]) -> str:
    """The IRI of a Turtle IRI reference or prefixed name."""
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        raise AnchorError(f"unknown prefix {prefix!r} in {token}")
    return prefixes[prefix] + local


def anchor_file(path: Path, sources_dir: Path) -> int:
    """(Re)compute every quote's prefix, suffix, start and end in a data file; return count."""
    files, hashes, prefixes = _archived_texts(path)
    texts: dict[str, str] = {}
    content = path.read_text(encoding="utf-8")

    def replace(m: re.Match[str]) -> str:
        token = m["source"]
        iri = _expand(token, prefixes)
        if iri not in files:
            raise AnchorError(f"{path}: source {token} has no kg:archivedText in this file")
        if iri not in texts:
            archive = sources_dir / files[iri]
            actual = sha256_file(archive)
            if hashes.get(iri, actual) != actual:
                raise AnchorError(f"{path}: {archive} has SHA-256 {actual}, but {token} records "
                                  f"{hashes[iri]}; review the changed text before re-anchoring")
            texts[iri] = read_text(archive)
        exact = ast.literal_eval(m["exact"])
        occurrence = m["occurrence"]
        try:
            a = anchor(texts[iri], exact, int(occurrence) if occurrence else None)
        except AnchorError as e:
            line = content.count("\n", 0, m.start()) + 1
            raise AnchorError(f"{path}:{line}: {e}") from None
        return _render(token, m["gap"], a, occurrence)

    new, n = SELECTOR_RE.subn(replace, content)
    if new != content:
        path.write_text(new, encoding="utf-8")
    return n


def anchor_data(data_dir: Path, sources_dir: Path) -> dict[Path, int]:
    """Anchor the quotes of every data file that has any; return quotes per file."""
    done = {}
    for path in sorted([*data_dir.rglob("*.trig"), *data_dir.rglob("*.ttl")]):
        if "oa:TextQuoteSelector" in path.read_text(encoding="utf-8"):
            done[path] = anchor_file(path, sources_dir)
    return done


# --- verification -------------------------------------------------------------------

_QUOTES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?annotation ?source ?file ?hash ?exact ?prefix ?suffix ?start ?end WHERE {
  ?annotation oa:hasTarget ?target .
  ?target oa:hasSource ?source ; oa:hasSelector ?quote .
  ?quote rdf:type oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?source kg:archivedText ?file }
  OPTIONAL { ?source kg:sha256 ?hash }
  OPTIONAL { ?quote oa:prefix ?prefix }
  OPTIONAL { ?quote oa:suffix ?suffix }
  OPTIONAL { ?target oa:hasSelector ?pos . ?pos rdf:type oa:TextPositionSelector ;
             oa:start ?start ; oa:end ?end }
}
ORDER BY ?source ?annotation
"""


def _value(term: ox.Literal | ox.NamedNode | None) -> str | None:
    return None if term is None else term.value


def verify_quotes(sources_dir: Path, dataset: ox.Store) -> list[QuoteFailure]:
    """Check every quote against the archived text whose SHA-256 its source records."""
    failures: list[QuoteFailure] = []
    texts: dict[str, str | None] = {}
    rows: Iterable[ox.QuerySolution] = dataset.query(_QUOTES, use_default_graph_as_union=True)
    for row in rows:
        ann, src = row["annotation"].value, row["source"].value
        file, digest = _value(row["file"]), _value(row["hash"])

        def fail(problem: str, expected: str, found: str, ann: str = ann, src: str = src) -> None:
            failures.append(QuoteFailure(src, ann, problem, expected, found))

        if file is None or digest is None:
            fail("source lacks kg:archivedText or kg:sha256", "archived text with hash", "none")
            continue
        if src not in texts:
            path = sources_dir / file
            if not path.is_file():
                texts[src] = None
                fail("archived text missing", str(path), "no such file")
                continue
            actual = sha256_file(path)
            if actual != digest:
                texts[src] = None
                fail("archived text hash differs", digest, actual)
                continue
            texts[src] = read_text(path)
        text = texts[src]
        if text is None:
            continue
        exact = row["exact"].value
        if row["start"] is None or row["end"] is None:
            fail("no text position selector", exact, "none")
            continue
        start, end = int(row["start"].value), int(row["end"].value)
        if text[start:end] != exact:
            fail(f"oa:exact not at {start}-{end}", exact, text[start:end])
            continue
        prefix, suffix = _value(row["prefix"]), _value(row["suffix"])
        if prefix is not None and not text[:start].endswith(prefix):
            found = text[max(0, start - len(prefix)):start]
            fail(f"oa:prefix does not end at {start}", prefix, found)
        if suffix is not None and not text[end:].startswith(suffix):
            fail(f"oa:suffix does not start at {end}", suffix, text[end:end + len(suffix)])
    return failures


def quote_count(dataset: ox.Store) -> int:
    """How many text quote selectors the dataset holds (what verify_quotes checks)."""
    rows = dataset.query("SELECT (COUNT(?q) AS ?n) WHERE { ?q a <http://www.w3.org/ns/oa#"
                         "TextQuoteSelector> }", use_default_graph_as_union=True)
    return int(next(iter(rows))["n"].value)
