"""Display labels of IRIs in a reader's language, per store version and language.

Pages name the same sources, statuses and events over and over, so labels are looked up in
one query for all the IRIs a page names that are not cached yet, and kept per version. A
Persian page wants the Persian name where the graph has one. The vocabulary (the ontology's
terms and concepts: statuses, roles, kinds of count) is named in English in the graph and in
other languages in the message catalog, so a query joining a term's label keeps one row;
an English label the catalog names in the page's language is said in it. Where neither has
a name, the English one stands in and the page marks it, so every label says which language
it is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import pyoxigraph as ox

from kg.cache import Cached
from kg.names import LABEL_PROPERTIES
from kg.namespaces import local_name
from kg.store import Store
from kg.wording import VOCABULARY, wording

#: Properties that name a node in links (alternative labels excepted), best first.
DISPLAY_LABELS = (LABEL_PROPERTIES[0], LABEL_PROPERTIES[1], LABEL_PROPERTIES[2],
                  LABEL_PROPERTIES[5])
_RANK = {p: i for i, p in enumerate(DISPLAY_LABELS)}
DEFAULT_LANGUAGE = "en"


class Label(str):
    """A label that knows its language tag: "" when untagged, None when the graph has no
    label and the IRI's local name stands in. A str, so code that only shows text needs no
    change; a page asks `.lang` to mark a fallback."""

    __slots__ = ("lang",)

    def __new__(cls, text: str, lang: str | None) -> Label:
        label = super().__new__(cls, text)
        label.lang = lang
        return label

    def __getnewargs__(self) -> tuple[str, str | None]:
        return str(self), self.lang


def language_of(text: str) -> str | None:
    """The language tag of a label read from the graph; None for other text."""
    return text.lang if isinstance(text, Label) else None


LABEL = Cached[Label]("label", lambda store, iri, lang: labels(store, [iri], lang)[iri],
                      warm=False, max_entries=50_000)


def primary(lang: str | None) -> str:
    """The primary subtag of a language tag, lower-cased ('fa-IR' -> 'fa')."""
    return (lang or "").split("-", 1)[0].lower()


def labels(store: Store, iris: Iterable[str], lang: str = DEFAULT_LANGUAGE
           ) -> dict[str, Label]:
    """Each IRI's display label in `lang` (else English, else untagged, else any language;
    its local name when it has none)."""
    lang = primary(lang) or DEFAULT_LANGUAGE
    unique = sorted({i for i in iris if i})
    known: dict[str, Label] = {}
    missing = []
    for iri in unique:
        hit = LABEL.peek(store, iri, lang)
        if hit is None:
            missing.append(iri)
        else:
            known[iri] = hit
    if not missing:
        return known
    version = store.version
    found: dict[str, tuple[int, Label]] = {}
    values = " ".join(str(ox.NamedNode(i)) for i in missing)
    props = ", ".join(str(ox.NamedNode(p)) for p in DISPLAY_LABELS)
    # FILTER IN, not a second VALUES block: Oxigraph joins two VALUES blocks badly.
    rows = store.query(f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?l "
                       f"FILTER(?p IN ({props})) }}")
    for row in rows:
        lit = row["l"]
        tag = lit.language or ""
        rank = _RANK[row["p"].value] + _language_rank(primary(tag), lang)
        key = row["s"].value
        if key not in found or rank < found[key][0]:
            found[key] = (rank, Label(lit.value, tag))
    for iri in missing:
        label = _in_catalog(found[iri][1], lang) if iri in found else Label(local_name(iri), None)
        known[iri] = label
        LABEL.put(store, label, iri, lang, version=version)
    return known


def _language_rank(tag: str, wanted: str) -> int:
    """The wanted language first, then English, then untagged, then any other."""
    if tag == wanted:
        return 0
    if tag == DEFAULT_LANGUAGE:
        return 10
    return 20 if tag == "" else 30


def _in_catalog(found: Label, lang: str) -> Label:
    """An English label of the vocabulary (the ontology's terms and concepts, kept in
    English in the graph) in `lang`, from the message catalog, where it has one."""
    if primary(found.lang) != DEFAULT_LANGUAGE or lang == DEFAULT_LANGUAGE:
        return found
    said = wording(lang).vocabulary(found)
    return Label(said, lang) if said != found else found


def extract_vocabulary(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
                       ) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """A Babel extractor (babel.cfg) for ontology/*.ttl: the English label of every term and
    concept, as a message of the context VOCABULARY, so the catalog names them in other
    languages and a test finds any left without a name."""
    import rdflib  # only `pybabel extract` calls this; pages need not load rdflib

    graph = rdflib.Graph()
    graph.parse(data=fileobj.read().decode("utf-8"), format="turtle")
    found: set[str] = set()
    for prop in (rdflib.RDFS.label, rdflib.SKOS.prefLabel):
        for label in graph.objects(None, prop):
            if isinstance(label, rdflib.Literal) and label.language == DEFAULT_LANGUAGE:
                found.add(str(label))
    for label in sorted(found):
        yield 0, "pgettext", (VOCABULARY, label), [f"the name of a term: {label}"]
