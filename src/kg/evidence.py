"""Quote selectors for evidence: compute them from the archived text, write them into data
files, and prove that every quote still sits at its offsets in the text whose hash matches.

Implements the text selectors of the W3C Web Annotation Data Model
(https://www.w3.org/TR/annotation-model/#text-quote-selector and #text-position-selector).
Offsets are Unicode code points into the archived text decoded as UTF-8, with no newline
translation and no normalisation: ``text[start:end] == exact`` in Python.

Cells of imported tables are selected the Web Annotation way too, by a fragment selector
conforming to RFC 7111 (https://www.rfc-editor.org/rfc/rfc7111#section-3: `row=R`, `cell=R,C`,
the header line is row 1). Their text is a table's, not an archived text's: the text checks
here skip them, and `kg.ingest.cells` verifies them against the archived table.
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

#: Longest run of consecutive words of an archived text that the graph may let a reader
#: rebuild from the exact, prefix and suffix of all its selectors together (the project's
#: rule is "never 15 consecutive words").
MAX_RUN = 14
#: What counts as a word for the copy limit (the same as the repository-wide check).
WORD_RE = re.compile(r"[\w’'-]+")
#: Environment variable naming the directory of archived source texts.
SOURCES_ENV = "KG_SOURCES"
#: What a cell selector (`oa:FragmentSelector`) `dcterms:conformsTo`.
RFC7111 = "http://tools.ietf.org/rfc/rfc7111"
#: A SPARQL filter leaving out annotation targets (?target) that select a table cell.
NOT_A_CELL = ("FILTER NOT EXISTS { ?target oa:hasSelector/"
              f"<http://purl.org/dc/terms/conformsTo> <{RFC7111}> }}")


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


@dataclass(frozen=True)
class CellRef:
    """A table cell as its evidence selects it: row and column numbered as RFC 7111 numbers
    them, the column's name when the selector says it, and the cell's text verbatim (None
    when it is too long to quote and only its hash is kept)."""

    row: int
    col: int | None
    column: str | None
    text: str | None

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "col": self.col, "column": self.column, "text": self.text}


def parse_fragment(fragment: str) -> tuple[int, int | None]:
    """Row and column of an RFC 7111 `cell=R,C` or `row=R` fragment."""
    kind, _, spec = fragment.partition("=")
    if kind == "cell":
        row, _, col = spec.partition(",")
        return int(row), int(col)
    if kind == "row":
        return int(spec), None
    raise ValueError(f"not an RFC 7111 row or cell fragment: {fragment!r}")


def cell_ref(fragment: str, label: str | None, text: str | None) -> CellRef:
    """The cell a selector names: its fragment, its label ('row 12, date_of_death', as
    `kg import` writes it; the column's name is read from it) and the quoted text."""
    row, col = parse_fragment(fragment)
    head = f"row {row}, "
    column = label[len(head):] if label and label.startswith(head) else None
    return CellRef(row, col, column or None, text)


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


def _count(text: str, needle: str) -> int:
    """Occurrences of `needle` in `text`, overlapping ones included."""
    n, i = 0, text.find(needle)
    while i >= 0:
        n += 1
        i = text.find(needle, i + 1)
    return n


def _shortest_context(text: str, start: int, end: int) -> tuple[str, str]:
    """The shortest prefix and suffix that make the quote at start-end unique in `text`.

    The position selector and the text's hash already pin the quote; the context is there
    only so that a reader of the quote selector alone can find it again (Web Annotation
    §4.2.4). Longer context would hand out more of the source than the quote does, and the
    copy limit counts it (see `exposed_runs`).
    """
    longest = max(start, len(text) - end)
    for total in range(longest + 1):
        for before in range(total + 1):
            after = total - before
            if before > start or end + after > len(text):
                continue
            if _count(text, text[start - before:end + after]) == 1:
                return text[start - before:start], text[end:end + after]
    return text[:start], text[end:]  # pragma: no cover - the whole text is unique


def anchor(text: str, exact: str, occurrence: int | None = None) -> Anchor:
    """Find `exact` in `text` and compute its selectors; refuse to guess between repeats.

    Prefix and suffix are empty when the quote occurs once, else the shortest context that
    tells the chosen occurrence from the others.
    """
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
    prefix, suffix = _shortest_context(text, start, end)
    return Anchor(exact, prefix, suffix, start, end)


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
    """The canonical selector pair, indented like the oa:hasSource line it follows; an empty
    prefix or suffix is left out (both are optional in the Web Annotation model)."""
    indent = gap.rsplit("\n", 1)[-1] if "\n" in gap else " "
    inner = indent + "    "
    lines = [f"oa:exact {turtle_string(a.exact)}"]
    if occurrence:
        lines.append(f"kg:occurrence {occurrence}")
    if a.prefix:
        lines.append(f"oa:prefix {turtle_string(a.prefix)}")
    if a.suffix:
        lines.append(f"oa:suffix {turtle_string(a.suffix)}")
    body = f" ;\n{inner}".join(lines)
    return (f"oa:hasSource {source} ;{gap}"
            f"oa:hasSelector [ a oa:TextQuoteSelector ;\n"
            f"{inner}{body} ] ,\n"
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
  """ + NOT_A_CELL + """
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
    """Check every quote against the archived text whose SHA-256 its source records (table
    cells are not texts: `kg.ingest.cells.verify_cells` checks them)."""
    failures: list[QuoteFailure] = []
    texts: dict[str, str | QuoteFailure] = {}
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
            actual = sha256_file(path) if path.is_file() else None
            if actual is None:
                texts[src] = QuoteFailure(src, "", "archived text missing", str(path),
                                          "no such file")
            elif actual != digest:
                texts[src] = QuoteFailure(src, "", "archived text hash differs", digest, actual)
            else:
                texts[src] = read_text(path)
        text = texts[src]
        if isinstance(text, QuoteFailure):  # every quote of the source fails with it
            fail(text.problem, text.expected, text.found)
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


def failure_lines(failures: Iterable[QuoteFailure]) -> list[str]:
    """One line per failure, except that the quotes of a source whose whole text or table
    fails (missing, changed) share one: a changed table of 10,000 cells is one line and a
    count, not 10,000 lines."""
    lines: list[str] = []
    shared: dict[tuple[str, str, str, str], int] = {}
    for failure in failures:
        key = (failure.source, failure.problem, failure.expected, failure.found)
        if failure.problem.startswith("archived ") and key in shared:
            shared[key] += 1
            continue
        shared[key] = 0
        lines.append(str(failure))
    for (source, problem, _, _), more in shared.items():
        if more:
            lines.append(f"  … and {more} more quote(s) of {source}: {problem}")
    return lines


def quote_count(dataset: ox.Store) -> int:
    """How many text quote selectors the dataset holds outside table cells (what
    verify_quotes checks)."""
    rows = dataset.query("PREFIX oa: <http://www.w3.org/ns/oa#> SELECT (COUNT(?q) AS ?n) "
                         "WHERE { ?target oa:hasSelector ?q . ?q a oa:TextQuoteSelector "
                         f"{NOT_A_CELL} }}", use_default_graph_as_union=True)
    return int(next(iter(rows))["n"].value)


# --- the copy limit over the whole graph ------------------------------------------------

@dataclass(frozen=True)
class ExposedRun:
    """The longest stretch of an archived text that the graph's selectors rebuild together."""

    source: str
    words: int
    start: int
    end: int

    @property
    def too_long(self) -> bool:
        return self.words > MAX_RUN

    def __str__(self) -> str:
        return (f"{self.source}: {self.words} consecutive words (offsets {self.start}-"
                f"{self.end}) can be rebuilt from the exact, prefix and suffix of its "
                f"selectors; the limit is {MAX_RUN} — shorten or split the quotes there, "
                f"then run kg anchor")


def _pieces(text: str, exact: str, prefix: str, suffix: str,
            start: int | None) -> list[tuple[int, int]]:
    """Where a selector's text sits: at its position, or (if it has none or a wrong one) at
    every place its prefix + exact + suffix occurs, since a reader could use any of them."""
    if start is not None and text[start:start + len(exact)] == exact:
        return [(start - len(prefix), start + len(exact) + len(suffix))]
    whole = prefix + exact + suffix
    found, i = [], text.find(whole)
    while i >= 0:
        found.append((i, i + len(whole)))
        i = text.find(whole, i + 1)
    return found


def longest_run(text: str, pieces: Iterable[tuple[int, int]]) -> ExposedRun:
    """The most consecutive words of `text` covered by the union of `pieces`.

    Pieces that overlap, touch, or are separated only by spaces and punctuation are merged,
    since a reader can fill such a gap; a word partly covered counts as covered (its rest
    is easy to guess). The source field is left empty for the caller to fill.
    """
    merged: list[list[int]] = []
    for s, e in sorted((max(0, s), min(len(text), e)) for s, e in pieces):
        if merged and (s <= merged[-1][1] or not re.search(r"\w", text[merged[-1][1]:s])):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    words = [m.span() for m in WORD_RE.finditer(text)]
    best = ExposedRun("", 0, 0, 0)
    for s, e in merged:
        n = sum(1 for a, b in words if a < e and b > s)
        if n > best.words:
            best = ExposedRun("", n, s, e)
    return best


def exposed_runs(sources_dir: Path, dataset: ox.Store) -> list[ExposedRun]:
    """Per archived source, the longest run of its words the whole graph lets a reader
    rebuild (exact, prefix and suffix of every selector on it, merged by position).

    Each quote is short, but quotes and their contexts can sit side by side; this is the
    rule that matters for copyright: "never 15 consecutive words" of what the graph holds
    as a whole. Sources whose text is missing or changed are skipped (verify_quotes
    reports them).
    """
    pieces: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, str | None] = {}
    for row in dataset.query(_QUOTES, use_default_graph_as_union=True):
        src, file, digest = row["source"].value, _value(row["file"]), _value(row["hash"])
        if src not in texts:
            path = sources_dir / file if file else None
            ok = path is not None and path.is_file() and sha256_file(path) == digest
            texts[src] = read_text(path) if ok and path else None
        text = texts[src]
        if text is None:
            continue
        start = int(row["start"].value) if row["start"] is not None else None
        pieces.setdefault(src, []).extend(_pieces(
            text, row["exact"].value, _value(row["prefix"]) or "", _value(row["suffix"]) or "",
            start))
    runs = []
    for src, spans in sorted(pieces.items()):
        run = longest_run(texts[src] or "", spans)
        runs.append(ExposedRun(src, run.words, run.start, run.end))
    return runs
