"""kg.entity.refs: page links for IRIs, the model's plumbing, page paths that can name IRIs."""

from __future__ import annotations

import pytest

from kg.entity.refs import ref, structural, valid_slug

BASE = "https://kg.example.org/"


def test_a_ref_has_a_label_and_a_page_when_minted_here() -> None:
    assert ref(BASE + "id/person/x", {BASE + "id/person/x": "X"}, BASE).as_json() == {
        "iri": BASE + "id/person/x", "label": "X", "page": "/page/person/x"}
    other = ref("https://schema.org/Person", {}, BASE)
    assert (other.label, other.page) == ("Person", None)


def test_plumbing_is_claims_evidence_and_roles() -> None:
    assert structural(BASE + "id/claim/c1", BASE)
    assert structural(BASE + "id/participation/p1", BASE)
    assert not structural(BASE + "id/person/claim", BASE)
    assert not structural("https://other.example/id/claim/c1", BASE)


@pytest.mark.parametrize(("slug", "ok"), [
    ("person/gholamreza-khosravi", True), ("event/1988-massacre", True),
    ("../etc/passwd", False), ("person/a b", False), ("person/<x>", False), ("", False),
])
def test_valid_slug(slug: str, ok: bool) -> None:
    assert valid_slug(slug) is ok
