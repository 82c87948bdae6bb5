"""Server workers fill the per-version caches at start-up, so first visitors do not wait."""

from __future__ import annotations

from pathlib import Path

from kg.config import Config
from kg.store import DiskStore
from kg.web import create_app, warmup


def test_warmup_builds_projection_search_index_and_home(built_store_dir: Path,
                                                        tmp_path: Path) -> None:
    config = Config.load({"store": str(built_store_dir)}, environ={})
    app = create_app(config, store=DiskStore(built_store_dir),
                     test_config={"KG_SPARQL_LAZY": True})
    warmup.start(app).join(120)
    app.extensions["kg.network"].join(120)
    version = app.extensions["kg.store"].version
    assert (version, "home") in app.extensions["kg.pagecache"]
    with app.test_client() as client:
        assert client.get("/api/graph/status").status_code == 200
        assert client.get("/search.json?q=khosrowi").status_code == 200
