"""What the import regression tests share: a copy of the built store to import into, the
request `kg import --template victims --title ... --publisher ...` makes, and the victims
template with changes, written as a metadata file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kg.ingest.mapping import template_text
from kg.ingest.run import ImportRequest
from kg.store import DiskStore

Request = Callable[..., ImportRequest]


@pytest.fixture
def store_copy(built_store_dir: Path, tmp_path: Path) -> DiskStore:
    """The bundled data's store, copied so that a test may import into it."""
    shutil.copytree(built_store_dir, tmp_path / "store")
    return DiskStore(tmp_path / "store")


@pytest.fixture
def import_request() -> Request:
    """An import of `path` with the victims template (or `metadata`), a title and a
    publisher, without matching rows against the graph."""

    def make(path: Path, metadata: Path | None = None, **kw: Any) -> ImportRequest:
        fields = {"title": "A list", "publisher": "Example Centre", "published": "2024-05-01",
                  "candidates": False, **kw}
        return ImportRequest(path, metadata, None if metadata else "victims", **fields)

    return make


@pytest.fixture
def template_metadata(tmp_path: Path) -> Callable[..., Path]:
    """The victims template with its dialect updated (and `change` applied), as a file."""

    def make(change: Callable[[dict], None] | None = None, **dialect: Any) -> Path:
        meta = json.loads(template_text("victims"))
        meta["dialect"].update(dialect)
        if change is not None:
            change(meta)
        path = tmp_path / "meta.json"
        path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return path

    return make
