"""Regression: the "billion laughs". A 922-byte RDF/XML file whose internal entities each
expand to ten of the one before took pyoxigraph to 2.7 GB and a crash (SIGABRT) when
`kg load` handed it over (bench/results/guard.md); one more level would have needed about
15 GB. It must be refused by kg.guard, before any parser sees it, naming the file, the entity
and the setting that raises the limit, and leave the store as it was; an ordinary use of
entities still loads."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.guard import InputRefused
from kg.store import DiskStore, MemoryStore
from tests.conftest import sources_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import hostile  # noqa: E402


@pytest.mark.parametrize("levels", [9, 12])
def test_the_billion_laughs_is_refused_before_parsing(tmp_path: Path, levels: int) -> None:
    laughs = hostile.write(tmp_path / "laughs.rdf", hostile.laughs(levels))
    with DiskStore(tmp_path / "store") as store:
        store.load(sources_for(hostile.write(tmp_path / "one.nt", "<urn:a> <urn:b> <urn:c> .\n")))
        version = store.version
        with pytest.raises(InputRefused) as refused:
            store.load(sources_for(laughs))
        assert store.version == version and store.count("full") == 1
    message = str(refused.value)
    assert message.startswith(f"{laughs}:") and "&lol" in message
    assert "max_entity_expansion" in message and "KG_MAX_ENTITY_EXPANSION" in message


def test_a_few_laughs_still_load(tmp_path: Path) -> None:
    """Entities are refused by what they expand to, not for existing."""
    store = MemoryStore()
    store.load(sources_for(hostile.write(tmp_path / "few.rdf", hostile.laughs(3))))
    [quad] = store.quads("full")
    assert quad.object.value == "lol" * 1000
