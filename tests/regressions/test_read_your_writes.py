"""Regression: the endpoint cached the store pointer for half a second, so a query sent
right after `kg load` returned could get the old data (from the result cache, for good)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

from tests.conftest import LiveServer
from tests.http_client import http

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(server: LiveServer) -> int:
    url = server.sparql + "?query=" + urllib.parse.quote(COUNT)
    status, _, body = http(url, headers={"Accept": "text/csv"})
    assert status == 200
    return int(body.split()[-1])


def test_a_load_is_visible_to_the_next_query(built_store_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store_dir, store)
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/x> <http://example.org/p> "new" .\n')
    server = LiveServer(store, threads=2)
    try:
        before = count(server)
        for n in range(1, 4):
            extra.write_text(f'<http://example.org/x> <http://example.org/p> "{n}" .\n')
            subprocess.run([sys.executable, "-m", "kg", "load", str(extra), "--graph",
                            f"http://example.org/g{n}", "--store", str(store), "-q"],
                           check=True, capture_output=True)
            assert count(server) == before + n
    finally:
        server.stop()
