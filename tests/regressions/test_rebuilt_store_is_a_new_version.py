"""A store deleted and rebuilt at the same path starts again at v000001: a running reader
must see the new data and a new version (caches key on it), not the first store's."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.formats import for_path
from kg.store import DiskStore
from kg.store.base import LoadSource


def _load(path: Path, data: Path, name: str) -> None:
    data.write_text(f'<urn:x:a> <urn:x:name> "{name}" .\n')
    with DiskStore(path) as writer:
        writer.load([LoadSource(data, for_path(data), "urn:x:g")])


def test_reader_follows_a_store_rebuilt_in_place(tmp_path: Path) -> None:
    path, data = tmp_path / "store", tmp_path / "data.nt"
    _load(path, data, "first")
    reader = DiskStore(path)
    names = lambda: {r["n"].value for r in reader.query("SELECT ?n WHERE { ?s <urn:x:name> ?n }")}  # noqa: E731
    assert names() == {"first"}
    before = reader.version
    shutil.rmtree(path)
    _load(path, data, "second")
    assert names() == {"second"}
    assert reader.version != before
