"""Regression: the import log (public: the endpoint and the source page read it) counted the
claims of restricted rows in kg:claimsAdded/Changed/Removed, though its kg:rowsImported
left those rows out. Subtracting the visible claims from the count told anyone how many
restricted claims a list holds, and a re-import changing only a restricted row published
"1 claim changed". The log now counts what the public view shows: a row turned restricted
is a claim removed there, and changes inside restricted rows are not counted at all."""

from __future__ import annotations

from pathlib import Path

from kg.ingest.run import run_import
from kg.namespaces import KG
from kg.store import DiskStore

HEADER = "record_id,name_en,status,access\n"


def _counts(store: DiskStore) -> list[tuple[int, int, int, int]]:
    """Each logged run's public counts (added, changed, removed, rows), oldest first."""
    rows = store.query(f"""SELECT ?a ?c ?r ?n ?t WHERE {{ ?run <{KG}claimsAdded> ?a ;
        <{KG}claimsChanged> ?c ; <{KG}claimsRemoved> ?r ; <{KG}rowsImported> ?n ;
        <http://www.w3.org/ns/prov#startedAtTime> ?t }} ORDER BY ?t""")
    return [tuple(int(row[k].value) for k in ("a", "c", "r", "n")) for row in rows]


def test_the_public_log_counts_only_public_claims(store_copy: DiskStore, import_request,
                                                   tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(HEADER + "R-1,Public Person,executed,\nR-2,Hidden Person,executed,"
                     "restricted\n", encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert len(report.added) == 4  # the operator's report counts every claim
    assert _counts(store_copy) == [(2, 0, 0, 1)]

    # Only the restricted row changes: nothing changes in public.
    table.write_text(HEADER + "R-1,Public Person,executed,\nR-2,Hidden Person,disappeared,"
                     "restricted\n", encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert len(report.changed) == 1
    assert _counts(store_copy)[-1] == (0, 0, 0, 1)

    # The public row turns restricted: in public its claims are gone.
    table.write_text(HEADER + "R-1,Public Person,executed,restricted\nR-2,Hidden Person,"
                     "disappeared,restricted\n", encoding="utf-8")
    run_import(store_copy, import_request(table))
    assert _counts(store_copy)[-1] == (0, 0, 2, 0)
