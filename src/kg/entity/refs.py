"""Between entity IRIs and page paths: the Ref a page shows for an IRI, and which IRIs are
the model's plumbing (claims, evidence, roles) rather than entities to link to."""

from __future__ import annotations

import re

from kg.entity.model import Ref
from kg.linked_data import page_of
from kg.namespaces import local_name

#: Kinds of node that carry the model's structure, shown through the claims that hold them
#: rather than as links of their own.
STRUCTURAL = ("claim/", "annotation/", "participation/", "membership/", "concept/", "date/")
_SLUG = re.compile(r"^[A-Za-z0-9._~%-]+(?:/[A-Za-z0-9._~%-]+)*$")


def ref(iri: str, labels: dict[str, str], base: str) -> Ref:
    """`iri` with its label from `labels` (else its local name) and its page, if minted."""
    return Ref(iri, labels.get(iri) or local_name(iri), page_of(iri, base))


def structural(iri: str, base: str) -> bool:
    """Whether `iri` is a claim, an annotation, a role or another node of the model's
    plumbing under `base`."""
    id_base = base + "id/"
    return iri.startswith(id_base) and iri[len(id_base):].startswith(STRUCTURAL)


def valid_slug(slug: str) -> bool:
    """Whether a page path can name an entity IRI (keeps junk out of SPARQL terms)."""
    return bool(_SLUG.match(slug)) and ".." not in slug.split("/")
