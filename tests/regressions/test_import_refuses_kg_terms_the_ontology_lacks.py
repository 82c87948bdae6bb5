"""Regression: a typo in a mapping's kg: property or class (kg:fathrName, kg:Prisn) was
imported as it stood: claims of a property no page, matcher or query reads, or an entity
column matching nothing. kg's own terms are all declared in ontology/, so any other is
refused before a row is read, every one at once, with the closest declared terms."""

from __future__ import annotations

import pytest

from kg.ingest.mapping import MappingError
from kg.ingest.run import run_import
from kg.store import DiskStore, MemoryStore


def _typos(meta: dict) -> None:
    for column in meta["tableSchema"]["columns"]:
        if column["name"] == "father_name":
            column["kg:property"] = "kg:fathrName"
        if column["name"] == "prison":
            column["kg:types"] = ["kg:Prisn", "schema:Place"]


def test_undeclared_kg_terms_are_refused_with_the_closest(store_copy: DiskStore,
                                                          import_request, template_metadata,
                                                          tmp_path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,father_name\nT-1,One Person,Hassan\n", encoding="utf-8")
    before = store_copy.version
    with pytest.raises(MappingError) as caught:
        run_import(store_copy, import_request(table, template_metadata(_typos)))
    message = str(caught.value)
    assert "column 'father_name': kg:fathrName (closest: kg:fatherName" in message
    assert "column 'prison': kg:Prisn (closest: kg:Prison" in message
    assert store_copy.version == before


def test_the_template_names_only_declared_terms(store_copy: DiskStore, import_request,
                                                tmp_path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,father_name\nT-1,One Person,Hassan\n", encoding="utf-8")
    assert len(run_import(store_copy, import_request(table)).added) == 2


def test_a_store_without_the_ontology_says_so(import_request, tmp_path) -> None:
    """Not one line per term: the store lacks kg's ontology altogether (never built)."""
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en\nT-1,One Person\n", encoding="utf-8")
    with pytest.raises(MappingError, match="the store holds no kg ontology .* kg build"):
        run_import(MemoryStore(), import_request(table))
