"""/reconcile over the synthetic graph (bench/synth.py beside the bundled data): batches of
victims' names in both scripts with their fields answer valid per the spec's schemas, and
the synthetic witnesses (restricted) are never candidates."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.build import bundled_sources
from kg.config import PROJECT_DIR
from kg.formats import for_path
from kg.matching import index_for
from kg.store import LoadSource, MemoryStore
from tests.conftest import make_app
from tests.reconcile_schemas import check

sys.path.insert(0, str(PROJECT_DIR / "bench"))
import synth  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    out = io.StringIO()
    synth.generate(400, out)
    path: Path = tmp_path_factory.mktemp("synth") / "synth.nq"
    path.write_text(out.getvalue(), encoding="utf-8")
    s = MemoryStore()
    s.load(bundled_sources(PROJECT_DIR) + [LoadSource(path, for_path(path),
                                                      "https://kg.example.org/graph/x")])
    return s


@pytest.fixture(scope="module")
def client(store: MemoryStore) -> FlaskClient:
    return make_app(store).test_client()


def test_batches_of_victims_pass_the_schemas(store: MemoryStore, client: FlaskClient) -> None:
    index = index_for(store)
    victims = [p for p in index.profiles if "synth-victim" in p.iri][:40]
    queries = {}
    for k, person in enumerate(victims):
        script = "fa" if k % 2 else "en"
        name = next(t for t, lang, _ in person.names if lang == script)
        props = [{"pid": "date_of_death", "v": person.deaths[0].earliest.isoformat()}] \
            if person.deaths and person.deaths[0].precision == "day" else []
        queries[f"q{k}"] = {"query": name, "type": "https://schema.org/Person",
                            "properties": props}
    check("reconciliation-query-batch", queries)
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    body = response.get_json()
    check("reconciliation-result-batch", body)
    found = sum(1 for k, person in enumerate(victims)
                if person.iri.endswith(body[f"q{k}"]["result"][0]["id"]))
    assert found >= len(victims) // 2  # namesakes share the rest


def test_restricted_witnesses_are_never_candidates(client: FlaskClient) -> None:
    queries = {"q0": {"query": "Witness 0 (synthetic)"}, "q1": {"query": "شاهد 0"}}
    body = client.post("/reconcile", data={"queries": json.dumps(queries)}).get_json()
    check("reconciliation-result-batch", body)
    ids = [r["id"] for q in body.values() for r in q["result"]]
    assert not any("witness" in i for i in ids)
    entities = client.get("/reconcile/suggest/entity", query_string={"prefix": "witness"})
    assert not any("witness" in r["id"] for r in entities.get_json()["result"])


def test_the_shared_file_matches_as_the_index_does(store: MemoryStore, tmp_path: Path) -> None:
    """What the server's workers read (the match index's file) finds and scores the same
    candidates as the index built in memory, names in both scripts, typos, places."""
    from kg.matching import Record, match_record
    from kg.matching.index import SharedMatchIndex, _build, _write

    built = _build(store)
    path = tmp_path / "match.sqlite"
    with path.open("wb") as out:
        _write(built, out)
    shared = SharedMatchIndex(path)
    assert len(shared) == len(built)
    victims = [p for p in built.profiles if "synth-victim" in p.iri][:60]
    records = []
    for k, person in enumerate(victims):
        name = person.names[k % len(person.names)][0]
        records.append(Record([name]))
        records.append(Record([name[:-1] + "x"], places=["Evin"]))
    records += [Record(["Gholamreza Khosravi"]), Record(["خسروی"]), Record(["MEK"])]
    for record in records:
        ours = [(c.iri, c.score, c.match) for c in match_record(shared, record)]
        theirs = [(c.iri, c.score, c.match) for c in match_record(built, record)]
        assert ours == theirs, record
    for person in victims[:10]:
        assert shared.profile(person.iri) == person
    assert shared.profile("https://kg.example.org/id/person/nobody") is None
    assert shared.resolve("Evin", ("place",)) == built.resolve("Evin", ("place",))
