"""The security headers every response carries: pages, data, dumps, /sparql and errors alike.

Two places send responses: Flask (every blueprint, its error pages and static files) and the
/sparql fast path, which answers before Flask (kg.web.sparql). Both take their headers from
here, so a response cannot leave without them.

HTML gets the page policy (no inline script, nothing from other origins: labels and quotes
are untrusted text), unless a view set a stricter or different one (the explorer, the
figures, the embeddable reconciliation preview). Everything else (JSON, RDF, SPARQL results,
dumps, plain-text errors) gets a policy that lets a browser run or load nothing at all, in
case such a document is opened directly. Every policy names `frame-ancestors`.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Pages: inline styles stay allowed for the vendored editor widgets.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Anything that is not HTML: nothing runs, nothing loads, nothing frames it.
DATA_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

COMMON = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
_HTML = ("text/html", "application/xhtml+xml")


def is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() in _HTML


def policy(content_type: str | None, own: str | None = None) -> str:
    """The Content-Security-Policy to send: a view's own policy (given `frame-ancestors`
    if it left it out), else the page or data policy."""
    if own:
        return own if "frame-ancestors" in own else own.rstrip("; ") + "; frame-ancestors 'none'"
    return PAGE_POLICY if is_html(content_type) else DATA_POLICY


def secured(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` (a WSGI header list) with the security headers added or completed."""
    out = list(headers)
    present = {name.lower(): value for name, value in out}
    own = present.get("content-security-policy")
    chosen = policy(present.get("content-type"), own)
    if chosen != own:
        out = [(n, v) for n, v in out if n.lower() != "content-security-policy"]
        out.append(("Content-Security-Policy", chosen))
    out += [(name, value) for name, value in extra(chosen) if name.lower() not in present]
    return out


def extra(chosen_policy: str) -> list[tuple[str, str]]:
    """The headers that go with a policy: no-sniff, the referrer rule, and X-Frame-Options
    for browsers that predate `frame-ancestors` (only where nobody may frame the page)."""
    ancestors = chosen_policy.split("frame-ancestors", 1)[1].split(";", 1)[0]
    return [*COMMON, *([("X-Frame-Options", "DENY")] if "'none'" in ancestors else [])]
