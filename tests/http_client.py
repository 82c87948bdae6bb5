"""Plain HTTP and RDF parsing for tests that talk to a real server."""

from __future__ import annotations

import urllib.error
import urllib.request
import warnings
from email.message import Message

import rdflib


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_FOLLOW = urllib.request.build_opener()
_STAY = urllib.request.build_opener(_NoRedirect)


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None, *, follow: bool = True) -> tuple[int, Message, bytes]:
    """Status, headers and body (errors and, with follow=False, redirects too), socket closed.
    Headers stay a case-insensitive Message: HTTP/1.1 names are (Granian sends lower case)."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with (_FOLLOW if follow else _STAY).open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def fetch(url: str, accept: str | None = None) -> tuple[int, Message, bytes]:
    """GET without following redirects, to see a 303 as the client gets it."""
    return http(url, headers={"Accept": accept} if accept else {}, follow=False)


def parse_rdf(body: bytes, fmt: str) -> rdflib.Graph:
    """Parse with rdflib into one graph; its dataset code warns about its own internals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if fmt in ("trig", "nquads", "json-ld"):
            dataset = rdflib.Dataset(default_union=True)
            dataset.parse(data=body, format=fmt)
            graph = rdflib.Graph()
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
            return graph
        return rdflib.Graph().parse(data=body, format=fmt)
