"""Regression: with the store named by a relative path (`kg serve --store var/store`, the
default), every dump download failed with 500: the dump's path was relative too, and Flask
resolves a relative path against the app's package directory, not the working directory.
Per-version files now have absolute paths."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from kg.store import DiskStore
from tests.conftest import make_app


def test_a_dump_downloads_when_the_store_path_is_relative(
        built_store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(built_store_dir, tmp_path / "var" / "store")
    monkeypatch.chdir(tmp_path)
    client = make_app(DiskStore(Path("var/store"))).test_client()
    response = client.get("/dumps/kg.nq.gz")
    assert response.status_code == 200
    assert gzip.decompress(response.data).count(b"\n") > 1000
    response.close()
