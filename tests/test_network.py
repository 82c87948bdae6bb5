"""The projection: which edges the data model yields, with their sources and status, and
the analyses (neighbourhoods, paths ranked by weakest hop, centrality, communities), read
from the file every server worker shares (kg.network.shared)."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cache import NotReady
from kg.formats import for_path
from kg.namespaces import ONTOLOGY_GRAPH
from kg.network import views
from kg.network.analysis import pagerank
from kg.network.kinds import ASSERTED
from kg.network.projection import Projection, edge_id
from kg.network.shared import PROJECTION, SharedProjection, write
from kg.store import DiskStore, LoadSource, MemoryStore, Store

ID = "https://kg.example.org/id/"
ROLE = ID + "concept/participation-role/"
STATUS = ID + "concept/claim-status/"

#: A miniature of the real model: claims in per-source graphs asserting participations and
#: memberships, an allegation, an identity claim, a count claim, an event placed at a prison.
TRIG = """
@prefix kg: <https://kg.example.org/ontology#> .
@prefix person: <https://kg.example.org/id/person/> .
@prefix orgn: <https://kg.example.org/id/org/> .
@prefix place: <https://kg.example.org/id/place/> .
@prefix event: <https://kg.example.org/id/event/> .
@prefix role: <https://kg.example.org/id/role/> .
@prefix source: <https://kg.example.org/id/source/> .
@prefix claim: <https://kg.example.org/id/claim/> .
@prefix participation: <https://kg.example.org/id/participation/> .
@prefix membership: <https://kg.example.org/id/membership/> .
@prefix pr: <https://kg.example.org/id/concept/participation-role/> .
@prefix cs: <https://kg.example.org/id/concept/claim-status/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .

<https://kg.example.org/graph/entities> {
  person:victim a schema:Person ; rdfs:label "A <b>victim</b>"@en , "قربانی"@fa .
  person:twin a schema:Person ; rdfs:label "Victim twin"@en .
  person:judge a schema:Person ; rdfs:label "A judge"@en .
  orgn:ngo a org:Organization , schema:NGO ; rdfs:label "An NGO"@en .
  orgn:court a kg:Court ; rdfs:label "A court"@en .
  orgn:party a org:Organization ; rdfs:label "A party"@en .
  place:prison a kg:Prison ; rdfs:label "A prison"@en .
  event:massacre a kg:Event ; rdfs:label "The massacre"@en ;
      sem:hasPlace place:prison ;
      kg:date [ a kg:DateValue ; kg:dateValue "1988-07"^^xsd:gYearMonth ;
                sem:hasEarliestBeginTimeStamp "1988-07-01"^^xsd:date ;
                sem:hasLatestEndTimeStamp "1988-07-31"^^xsd:date ] .
  role:judge a org:Role ; rdfs:label "religious judge"@en .
}

<https://kg.example.org/graph/source/a> {
  source:a a kg:Source ; dcterms:title "Report A"@en ;
      kg:published [ kg:dateValue "2001"^^xsd:gYear ] .
  claim:a1 a kg:Claim ; dcterms:source source:a ; prov:wasAttributedTo orgn:ngo ;
      kg:statement "The victim was executed."@en ; kg:asserts participation:v ;
      kg:about person:victim .
  participation:v a kg:Participation ; kg:participant person:victim ;
      kg:inEvent event:massacre ; sem:roleType pr:victim .
  [] a oa:Annotation ; oa:hasBody claim:a1 ;
      oa:hasTarget [ oa:hasSource source:a ;
                     oa:hasSelector [ a oa:TextQuoteSelector ;
                                      oa:exact "was executed <script>" ] ] .
  claim:a2 a kg:Allegation ; dcterms:source source:a ; prov:wasAttributedTo orgn:ngo ;
      kg:asserts participation:j ; kg:about person:judge , event:massacre .
  participation:j a kg:Participation ; kg:participant person:judge ;
      kg:inEvent event:massacre ; sem:roleType pr:alleged-perpetrator .
  claim:a3 a kg:Claim ; dcterms:source source:a ; prov:wasAttributedTo orgn:ngo ;
      kg:asserts membership:j .
  membership:j a org:Membership ; org:member person:judge ; org:organization orgn:court ;
      org:role role:judge ;
      org:memberDuring [
        time:hasBeginning [ sem:hasEarliestBeginTimeStamp "1985-01-01"^^xsd:date ] ;
        time:hasEnd [ sem:hasLatestEndTimeStamp "1990-12-31"^^xsd:date ] ] .
  claim:a4 a kg:CountClaim ; dcterms:source source:a ; prov:wasAttributedTo orgn:ngo ;
      kg:about event:massacre .
}

<https://kg.example.org/graph/source/b> {
  source:b a kg:Source ; dcterms:title "Report B"@en .
  claim:b1 a kg:Claim ; dcterms:source source:b ; prov:wasAttributedTo person:judge ;
      kg:claimStatus cs:contested ;
      kg:asserts participation:v2 .
  participation:v2 a kg:Participation ; kg:participant person:victim ;
      kg:inEvent event:massacre ; sem:roleType pr:victim .
  claim:b2 a kg:Claim ; dcterms:source source:b ; prov:wasAttributedTo person:judge ;
      kg:asserts participation:v3 .
  participation:v3 a kg:Participation ; kg:participant person:victim ;
      kg:inEvent event:massacre ; sem:roleType pr:victim .
  claim:b3 a kg:IdentityClaim ; dcterms:source source:b ; prov:wasAttributedTo orgn:ngo ;
      kg:claimStatus cs:superseded ;
      kg:about person:victim , person:twin .
  claim:b4 a kg:Claim ; dcterms:source source:b ; prov:wasAttributedTo orgn:ngo ;
      kg:asserts membership:v .
  membership:v a org:Membership ; org:member person:victim ; org:organization orgn:party .
}
"""

V, TWIN, JUDGE = ID + "person/victim", ID + "person/twin", ID + "person/judge"
NGO, COURT, PARTY = ID + "org/ngo", ID + "org/court", ID + "org/party"
PRISON, MASSACRE = ID + "place/prison", ID + "event/massacre"


def fixture_store() -> MemoryStore:
    store = MemoryStore()
    ontology = Path(__file__).resolve().parents[1] / "ontology"
    sources = [LoadSource(p, for_path(p), ONTOLOGY_GRAPH) for p in sorted(ontology.glob("*.ttl"))]
    store.load(sources, replace=True)
    store.update(f"INSERT DATA {{ {_as_update(TRIG)} }}")
    return store


def _as_update(trig: str) -> str:
    """TriG as the body of an INSERT DATA (the same quads, in SPARQL syntax)."""
    quads = ox.parse(io.BytesIO(trig.encode()), ox.RdfFormat.TRIG)
    return " ".join(f"GRAPH {q.graph_name} {{ {q.triple} }}" for q in quads)


def shared(built: Projection, path: Path) -> SharedProjection:
    """The projection as the server reads it: written to its file, opened."""
    with path.open("wb") as out:
        write(built, out)
    return SharedProjection(path)


@pytest.fixture(scope="module")
def proj(tmp_path_factory: pytest.TempPathFactory) -> SharedProjection:
    return shared(Projection.build(fixture_store()),
                  tmp_path_factory.mktemp("projection") / "p.sqlite")


def edges(proj: SharedProjection, s: str, o: str) -> list:
    return sorted((e for e in proj.edges.values() if {e.source, e.target} == {s, o}),
                  key=lambda e: (e.kind, e.status))


def test_nodes_have_kinds_labels_and_dates(proj: SharedProjection) -> None:
    kinds = {iri: n.kind for iri, n in proj.nodes.items()}
    assert kinds[V] == "person" and kinds[NGO] == "organisation" and kinds[COURT] == "organisation"
    assert kinds[PRISON] == "place" and kinds[MASSACRE] == "event"
    assert ID + "role/judge" not in kinds  # roles are edge labels, not entities
    assert proj.nodes[V].label == "A <b>victim</b>"  # English label, kept as text
    assert (proj.nodes[MASSACRE].start, proj.nodes[MASSACRE].end) == ("1988-07-01", "1988-07-31")


def test_participation_claims_that_disagree_stay_parallel_edges(proj: SharedProjection) -> None:
    found = [e for e in edges(proj, V, MASSACRE) if e.kind == "participation"]
    by_status = {e.status.rsplit("/", 1)[-1]: e for e in found}
    assert set(by_status) == {"asserted", "contested"}
    asserted = by_status["asserted"]
    assert asserted.source == V and asserted.target == MASSACRE
    assert asserted.predicate == ROLE + "victim"
    assert (asserted.sources, asserted.claims) == (2, 2)  # sources a and b, two claims
    assert asserted.source_iris == (ID + "source/a", ID + "source/b")
    assert by_status["contested"].sources == 1
    assert asserted.id == edge_id("participation", V, ROLE + "victim", MASSACRE, ASSERTED)


def test_allegations_are_marked_and_link_accuser_to_accused(proj: SharedProjection) -> None:
    part = [e for e in edges(proj, JUDGE, MASSACRE) if e.kind == "participation"]
    assert len(part) == 1 and part[0].alleged
    accusation = [e for e in edges(proj, NGO, JUDGE) if e.kind == "allegation"]
    assert len(accusation) == 1 and accusation[0].source == NGO and accusation[0].alleged


def test_memberships_carry_role_and_period(proj: SharedProjection) -> None:
    (m,) = edges(proj, JUDGE, COURT)
    assert m.kind == "membership" and m.predicate == ID + "role/judge"
    assert (m.start, m.end) == ("1985-01-01", "1990-12-31")
    assert proj.predicate_labels[m.predicate] == "religious judge"
    (plain,) = edges(proj, V, PARTY)
    assert proj.predicate_labels[plain.predicate] == "member of"


def test_identity_count_claims_and_direct_links(proj: SharedProjection) -> None:
    (same,) = edges(proj, V, TWIN)
    assert same.kind == "identity" and same.status.endswith("superseded")
    count = [e for e in edges(proj, NGO, MASSACRE) if e.kind == "claim"]
    assert [proj.predicate_labels[e.predicate] for e in count] == ["gives a figure for"]
    (place,) = edges(proj, MASSACRE, PRISON)
    assert place.kind == "link" and place.source_iris == ("https://kg.example.org/graph/entities",)
    # Claims that assert a participation do not also draw claimant -> subject edges.
    assert not [e for e in edges(proj, NGO, V) if e.kind == "claim"]


def test_neighbourhood_counts_relations_and_pages(proj: SharedProjection) -> None:
    data = views.neighbourhood(proj, MASSACRE, limit=2)
    assert data["total"] == 4 and len(data["nodes"]) == 2 and data["more"] == 2
    rels = {(r["label"], r["direction"]): r["count"] for r in data["relations"]}
    assert rels[("victim", "in")] == 1 and rels[("took place at", "out")] == 1
    assert {e["source"] for e in data["edges"]} | {e["target"] for e in data["edges"]} >= {
        n["id"] for n in data["nodes"]}
    rest = views.neighbourhood(proj, MASSACRE, limit=2, offset=2)
    assert rest["more"] == 0
    assert {n["id"] for n in data["nodes"]}.isdisjoint({n["id"] for n in rest["nodes"]})
    only = views.neighbourhood(proj, MASSACRE, predicate=ROLE + "victim", direction="in")
    assert [n["id"] for n in only["nodes"]] == [V]
    with pytest.raises(KeyError):
        views.neighbourhood(proj, ID + "person/nobody")


def test_paths_rank_by_weakest_hop(proj: SharedProjection) -> None:
    found = views.paths(proj, TWIN, COURT, k=3)
    assert found, "twin -> victim -> ... -> judge -> court"
    best = found[0]
    assert best["nodes"][0]["id"] == TWIN and best["nodes"][-1]["id"] == COURT
    assert best["weakest"] == min(h["sources"] for h in best["hops"])
    keys = [(-p["weakest"], p["length"]) for p in found]
    assert keys == sorted(keys)
    for hop in best["hops"]:
        assert hop["edges"] and all(e["sources"] >= 1 for e in hop["edges"])
    assert views.paths(proj, V, V) == []


def test_centrality_and_communities(proj: SharedProjection) -> None:
    assert proj.analysed
    assert max(proj.centrality, key=proj.centrality.get) == MASSACRE
    assert set(proj.community) == set(proj.nodes)
    assert abs(sum(proj.centrality.values()) / len(proj.centrality) - 1) < 1e-6


def test_pagerank_of_a_star() -> None:
    import networkx as nx

    ranks = pagerank(nx.star_graph(4))
    assert ranks[0] > ranks[1] == pytest.approx(ranks[4])


def test_cache_builds_once_per_version_and_follows_changes() -> None:
    store = fixture_store()
    first = PROJECTION.get(store, wait=30)
    assert PROJECTION.get(store, wait=30) is first
    store.update('INSERT DATA { GRAPH <https://kg.example.org/graph/source/c> { '
                 '<https://kg.example.org/id/person/new> a <https://schema.org/Person> } }')
    stale = PROJECTION.get(store, wait=30)  # the old one serves while the new one builds
    assert stale is first
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = PROJECTION.get(store, wait=30)
        if current is not first:
            break
        time.sleep(0.05)
    assert ID + "person/new" in current.nodes
    assert current.analysed
    # The old version's file is gone; the old projection still answers, in a new thread too.
    seen: list[bool] = []
    reader = threading.Thread(target=lambda: seen.append(V in first.nodes))
    reader.start()
    reader.join()
    assert seen == [True] and ID + "person/new" not in first.nodes


class _SlowStore(MemoryStore):
    """A store whose queries wait, to see the cache answer NotReady instead of blocking."""

    def query(self, sparql: str, **kwargs):  # type: ignore[override]
        time.sleep(0.3)
        return super().query(sparql, **kwargs)


def test_cache_says_not_ready_while_building() -> None:
    store = _SlowStore()
    with pytest.raises(NotReady):
        PROJECTION.get(store, wait=0.01)
    assert PROJECTION.get(store, wait=60).nodes == {}


def test_projection_of_the_bundled_graph(built_store_dir: Path) -> None:
    """An on-disk store's projection is built in a child process, into the version's file."""
    store: Store = DiskStore(built_store_dir)
    proj = PROJECTION.get(store, wait=300)
    khosravi = ID + "person/gholamreza-khosravi"
    assert proj.nodes[khosravi].kind == "person"
    data = views.neighbourhood(proj, khosravi)
    labels = {r["label"] for r in data["relations"]}
    assert "victim" in labels
    kinds = {e.kind for e in proj.edges.values()}
    assert {"participation", "membership", "allegation", "link"} <= kinds


def test_the_shared_file_answers_as_the_projection_does(built_store_dir: Path,
                                                        tmp_path: Path) -> None:
    """On the bundled graph: neighbours in the builder's display order (most central, then
    label, then IRI) with the builder's edges and relation counts, and paths as long as
    networkx's shortest simple paths."""
    import networkx as nx

    from kg.network.paths import shortest_paths

    built = Projection.build(DiskStore(built_store_dir))
    proj = shared(built, tmp_path / "p.sqlite")
    assert len(proj.nodes) == len(built.nodes) and len(proj.edges) == len(built.edges)
    hubs = sorted(built.adjacency, key=lambda n: -len(built.adjacency[n]))[:5]
    for focus in hubs:
        others: dict[str, list[str]] = {}
        for eid in built.adjacency[focus]:
            e = built.edges[eid]
            others.setdefault(e.target if e.source == focus else e.source, []).append(eid)
        order = sorted(others, key=lambda n: (-built.centrality[n], built.nodes[n].label, n))
        data = views.neighbourhood(proj, focus, limit=len(order))
        assert [n["id"] for n in data["nodes"]] == order
        assert data["total"] == len(order)
        assert sorted(e["id"] for e in data["edges"]) == sorted(
            eid for ids in others.values() for eid in ids)
        for rel in data["relations"]:
            p, d = rel["predicate"], rel["direction"]
            assert rel["count"] == len({o for o, ids in others.items() for eid in ids
                                        if built.edges[eid].predicate == p
                                        and (built.edges[eid].source == focus) == (d == "out")})
    people = sorted(n for n, node in built.nodes.items() if node.kind == "person")
    for a, b in zip(people[:6], people[-6:], strict=True):
        ours = shortest_paths(proj.adjacent, a, b, limit=3, max_extra_hops=2, budget_s=10)
        try:
            theirs = []
            for path in nx.shortest_simple_paths(built.graph, a, b):
                if len(theirs) == 3 or len(path) > len(theirs[0] if theirs else path) + 2:
                    break
                theirs.append(path)
        except nx.NetworkXNoPath:
            theirs = []
        assert [len(p) for p in ours] == [len(p) for p in theirs], (a, b)
        for path in ours:
            assert len(set(path)) == len(path) and path[0] == a and path[-1] == b
            assert all(built.graph.has_edge(u, v) for u, v in zip(path, path[1:], strict=False))
