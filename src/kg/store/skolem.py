"""Blank nodes on a remote server: written as stable IRIs, read back as blank nodes.

Servers differ on blank nodes in updates (Virtuoso refuses them in `INSERT DATA`), and a
blank node written twice is two nodes, so re-sending the same file would duplicate data.
So every blank node is skolemised (RDF 1.1 Concepts 3.5) before it leaves kg, to an IRI
`<base>.well-known/genid/<hash>`: the hash of its graph and its canonical label within
that graph (pyoxigraph's canonicalisation), so the same graph content always gives the same
IRIs. Answers coming back are mapped the other way on their bytes (no per-term Python
work), and queries' `isBlank`/`isIRI`/`isURI` tests are rewritten to see skolem IRIs as
blank nodes: pages and dumps behave as on the embedded store. A blank node shared by two
graphs becomes one IRI per graph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pyoxigraph as ox

GENID = ".well-known/genid/"
#: A blank node Virtuoso made itself (its own loader): named `nodeID://b123` in queries.
VIRTUOSO_BNODE = re.compile(r"b\d+")
_VIRTUOSO_JSON = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
_VIRTUOSO_XML = re.compile(rb"<bnode>nodeID://")


class Skolem:
    """Skolemisation under one base IRI."""

    def __init__(self, base: str) -> None:
        self.prefix = base + GENID
        prefix = re.escape(self.prefix)
        bprefix = prefix.encode()
        label = bprefix + rb"([A-Za-z][0-9A-Za-z]*)"
        self._iri_nt = re.compile(rb"<" + label + rb">")
        self._json = re.compile(
            rb'\{\s*"type"\s*:\s*"uri"\s*,\s*"value"\s*:\s*"' + label + rb'"\s*\}')
        self._json_rev = re.compile(
            rb'\{\s*"value"\s*:\s*"' + label + rb'"\s*,\s*"type"\s*:\s*"uri"\s*\}')
        self._xml = re.compile(rb"<uri>" + label + rb"</uri>")
        self._csv = re.compile(rb"(?<![^,\n])" + label + rb"(?=[,\r\n])")
        self._tests = re.compile(r"\b(isBlank|isIRI|isURI)\s*\(\s*([?$]\w+)\s*\)", re.I)

    # --- writing -------------------------------------------------------------------------

    def iri(self, node: ox.BlankNode) -> ox.NamedNode:
        """The IRI that names a blank node read back from the server in a query: its skolem
        IRI (the label is the hash), or Virtuoso's own name for a node it made."""
        if VIRTUOSO_BNODE.fullmatch(node.value):
            return ox.NamedNode("nodeID://" + node.value)
        return ox.NamedNode(self.prefix + node.value)

    def graph_quads(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """One graph's quads that hold blank nodes, with the blank nodes made stable IRIs."""
        dataset = ox.Dataset(quads)
        if not len(dataset):
            return []
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        salt = graph.value.encode()
        names: dict[str, ox.NamedNode] = {}

        def term(t):
            if not isinstance(t, ox.BlankNode):
                return t
            found = names.get(t.value)
            if found is None:
                # a letter first: RDF/XML writes blank nodes as rdf:nodeID, an NCName
                digest = "k" + hashlib.sha256(salt + b"\x00" + t.value.encode()).hexdigest()[:32]
                found = names[t.value] = ox.NamedNode(self.prefix + digest)
            return found

        return [ox.Quad(term(q.subject), q.predicate, term(q.object), graph) for q in dataset]

    def store_in_place(self, store: ox.Store) -> int:
        """Replace every blank node of `store` by its skolem IRI; returns the quads rewritten."""
        with_blanks = list(store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o "
                                       "FILTER(isBlank(?s) || isBlank(?o)) } }"))
        if not with_blanks:
            return 0
        by_graph: dict[ox.NamedNode, list[ox.Quad]] = {}
        for row in with_blanks:
            quad = ox.Quad(row["s"], row["p"], row["o"], row["g"])
            by_graph.setdefault(row["g"], []).append(quad)
        for graph, quads in by_graph.items():
            for quad in quads:
                store.remove(quad)
            store.extend(self.graph_quads(graph, quads))
        return len(with_blanks)

    # --- reading -------------------------------------------------------------------------

    def rewrite_query(self, text: str) -> str:
        """`isBlank(?x)` also true, `isIRI(?x)` false, for skolem IRIs."""
        if "is" not in text and "IS" not in text and "Is" not in text:
            return text
        prefix = self.prefix.replace("\\", "\\\\").replace('"', '\\"')

        def sub(m: re.Match) -> str:
            name, var = m.group(1).lower(), m.group(2)
            skolem = f'STRSTARTS(STR({var}), "{prefix}")'
            if name == "isblank":
                return f"(isBlank({var}) || (isIRI({var}) && {skolem}))"
            return f"({m.group(1)}({var}) && !{skolem})"

        return self._tests.sub(sub, text)

    def unskolemise(self, body: bytes, wire: str) -> bytes:
        """Skolem IRIs in an answer in `wire` format back to blank nodes (and Virtuoso's own
        blank nodes, `nodeID://b123` in JSON and XML, to the `b123` its N-Triples use)."""
        if b"nodeID://" in body:
            body = _VIRTUOSO_JSON.sub(rb"\1", body) if wire == "json" else \
                _VIRTUOSO_XML.sub(rb"<bnode>", body) if wire == "xml" else body
        if self.prefix.encode() not in body:
            return body
        if wire == "json":
            body = self._json.sub(rb'{"type":"bnode","value":"\1"}', body)
            return self._json_rev.sub(rb'{"type":"bnode","value":"\1"}', body)
        if wire == "xml":
            return self._xml.sub(rb"<bnode>\1</bnode>", body)
        if wire == "csv":
            return self._csv.sub(rb"_:\1", body)
        return self._iri_nt.sub(rb"_:\1", body)  # nt, nq, tsv, ttl

    def term(self, t):
        """One term read back: a skolem IRI becomes its blank node."""
        if isinstance(t, ox.NamedNode) and t.value.startswith(self.prefix):
            return ox.BlankNode(t.value[len(self.prefix):])
        return t

    def quad(self, q: ox.Quad) -> ox.Quad:
        s, o = self.term(q.subject), self.term(q.object)
        if s is q.subject and o is q.object:
            return q
        return ox.Quad(s, q.predicate, o, q.graph_name)
