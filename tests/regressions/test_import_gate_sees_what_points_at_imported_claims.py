"""Regression guard for the import gate's short cut (`kg.ingest.fresh`): a table's first
import does not look its evidence nodes up in the store, since nothing can name them yet.
What other data may name is still looked up, on every import: a claim elsewhere that
relays (prov:wasDerivedFrom) an imported claim must stop a re-import that removes that
claim, and a quad elsewhere about a claim a first import mints must be seen with it.
Nothing is written when the gate refuses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ingest.diff import claim_diff
from kg.ingest.fresh import evidence_prefix, fresh_prefixes
from kg.ingest.provlog import import_log, previous_run
from kg.ingest.run import ImportCheckFailed, ImportRequest, prepare, run_import
from kg.store import DiskStore

ID = "https://kg.example.org/id/"
KG = "https://kg.example.org/ontology#"
PROV = "http://www.w3.org/ns/prov#"
HEADER = ("record_id,name_fa,name_en,other_names,father_name,sex,birth_year,age,affiliation,"
          "prison,date_of_death,status,access\n")
RELAYING = ox.NamedNode(ID + "claim/wikipedia-accused")  # an allegation of the bundled data
RELAYED = ox.NamedNode(ID + "claim/relayed-r1-name-en")


@pytest.fixture
def store(built_store_dir: Path, tmp_path: Path) -> DiskStore:
    target = tmp_path / "store"
    shutil.copytree(built_store_dir, target)
    return DiskStore(target)


def _import(store: DiskStore, path: Path, rows: str) -> None:
    path.write_text(HEADER + rows, encoding="utf-8")
    run_import(store, ImportRequest(path, template="victims", title="A list",
                                    publisher="Example Centre", published="2024-05-01",
                                    candidates=False))


def test_a_reimport_removing_a_relayed_claim_is_refused(store: DiskStore,
                                                        tmp_path: Path) -> None:
    table = tmp_path / "relayed.csv"
    _import(store, table, "r1,,Relayed One,,,,,,,,,,\nr2,,Relayed Two,,,,,,,,,,\n")
    store.replace_graphs({"https://kg.example.org/graph/test-relay": [
        ox.Triple(RELAYING, ox.NamedNode(PROV + "wasDerivedFrom"), RELAYED),
        ox.Triple(RELAYING, ox.NamedNode(KG + "lineageNote"), ox.Literal("test", language="en")),
    ]})
    version = store.version
    with pytest.raises(ImportCheckFailed, match="wikipedia-accused.*derived from another claim"):
        _import(store, table, "r2,,Relayed Two,,,,,,,,,,\n")
    assert store.version == version
    assert bool(store.query(f"ASK {{ {RELAYED} a <{KG}AttributeClaim> }}"))
    # The relayed claim kept, another row changed: the relay still holds.
    _import(store, table, "r1,,Relayed One,,,,,,,,,,\nr2,,Relayed Two again,,,,,,,,,,\n")


def test_a_first_import_sees_what_the_store_says_of_its_claims(store: DiskStore,
                                                               tmp_path: Path) -> None:
    status = ox.NamedNode(KG + "claimStatus")
    contested = ox.NamedNode(ID + "concept/claim-status/contested")
    store.replace_graphs({"https://kg.example.org/graph/test-status": [
        ox.Triple(RELAYED, status, contested)]})
    version = store.version
    with pytest.raises(ImportCheckFailed, match="relayed-r1-name-en.*at most one status"):
        _import(store, tmp_path / "relayed.csv", "r1,,Relayed One,,,,,,,,,,\n")
    assert store.version == version


def test_only_a_tables_first_import_vouches_for_its_evidence_nodes(store: DiskStore,
                                                                   tmp_path: Path) -> None:
    source = ID + "source/{}"
    assert evidence_prefix("a") == ID + "annotation/a-"
    first = fresh_prefixes(store.diff_graphs({}).basis, "a", source.format("a"), None)
    assert first == (evidence_prefix("a"),)
    _import(store, tmp_path / "a-b.csv", "r1,,Someone,,,,,,,,,,\n")
    basis = store.diff_graphs({}).basis
    # Table a-b's record b-1... could be table a's record b-b-1: IRIs may coincide.
    assert fresh_prefixes(basis, "a", source.format("a"), None) == ()
    assert fresh_prefixes(basis, "a-b-c", source.format("a-b-c"), None) == ()
    assert fresh_prefixes(basis, "ab", source.format("ab"), None) == (evidence_prefix("ab"),)
    runs = previous_run(import_log(store, source.format("a-b")))
    assert runs is not None
    assert fresh_prefixes(basis, "a-b", source.format("a-b"), runs) == ()
    # A source IRI already named elsewhere: not a first import as far as the store shows.
    assert fresh_prefixes(basis, "z", source.format("a-b"), None) == ()


def test_a_first_imports_claims_are_reported_as_worked_out_from_its_quads(
        store: DiskStore, tmp_path: Path) -> None:
    """A first import reports the claims it built as added (`run_import`'s short cut) —
    exactly what `claim_diff` makes of its quads, restricted rows and a statement elsewhere
    about one of its claims included."""
    store.replace_graphs({"https://kg.example.org/graph/test-elsewhere": [
        ox.Triple(RELAYED, ox.NamedNode(KG + "lineageNote"), ox.Literal("x", language="en"))]})
    table = tmp_path / "relayed.csv"
    table.write_text(HEADER + "r1,,Relayed One,,,female,1960,28,,,1988-08,executed,\n"
                     "r2,رله دو,Relayed Two,R. Two;Relayed 2,,,,,,,1367,,restricted\n",
                     encoding="utf-8")
    request = ImportRequest(table, template="victims", title="A list",
                            publisher="Example Centre", published="2024-05-01",
                            candidates=False, dry_run=True)
    assert fresh_prefixes(store.diff_graphs({}).basis, "relayed", ID + "source/relayed", None)
    report = run_import(store, request)
    _mapping, _table, _source, graphs, _builder = prepare(store, request)
    changes = store.diff_graphs(graphs).changes
    worked_out = claim_diff(changes.added, changes.removed)
    assert [c.claim for c in report.added] == worked_out.added
    assert len(worked_out.added) > 10 and RELAYED.value in worked_out.added
    assert not (worked_out.changed or worked_out.removed or worked_out.moved)
