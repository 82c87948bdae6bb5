"""How a contested-figure page words a `kg.figures.Dispute`: its title, each figure as text
('≥ 33,700', '2,800 or 3,800'), what kind of mark it is, its claimant, status, grading and
independent origin.

The page's table, the data its chart draws and its JSON twin are all the one dict
`figure_page` returns, so the chart, the table and the twin cannot disagree; it says it in
the language of the `Wording` it is given (names from labels looked up in that language).
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list

from kg.entity.model import Count, Ref
from kg.entity.refs import ref
from kg.figures import Dispute, Figure, Quantity, quantities
from kg.labels import labels as label_lookup
from kg.linked_data import page_of
from kg.namespaces import local_name
from kg.store import Store
from kg.web.entity_view import count_text
from kg.web.lineage_view import origins_text
from kg.wording import ENGLISH, N_, Wording, isolate

#: How each kind of mark reads (the chart's tooltip, and the table where the count kind
#: is not given).
SHAPES = {"point": N_("a figure"), "range": N_("somewhere in this range"),
          "lower": N_("at least"), "upper": N_("at most"),
          "alternatives": N_("one or the other, nothing in between")}


def slug(quantity: Quantity, base: str) -> str | None:
    """The page path after /figure/: the event's path and the counted item's name
    ('event/1988-massacre/people-killed'); None for an event without a page here."""
    page = page_of(quantity.event, base)
    return f"{page.removeprefix('/page/')}/{local_name(quantity.counted)}" if page else None


def title(quantity: Quantity, labels: dict[str, str], wording: Wording = ENGLISH) -> str:
    """'People killed: 1988 mass executions of political prisoners in Iran'."""
    counted = labels.get(quantity.counted) or local_name(quantity.counted)
    event = labels.get(quantity.event) or local_name(quantity.event)
    return wording(N_("{counted}: {event}"), counted=f"{counted[:1].upper()}{counted[1:]}",
                   event=isolate(event, wording))


def _lexical(x: float | None) -> str | None:
    return None if x is None else repr(x)


def figure_text(f: Figure, wording: Wording = ENGLISH) -> str:
    """The figure as the source gives it, in the entity pages' words."""
    exact = _lexical(f.value) if f.shape == "point" else None
    low = _lexical(f.low) if f.shape in ("range", "lower") else None
    high = _lexical(f.high) if f.shape in ("range", "upper") else None
    return count_text(Count(exact, low, high,
                            alternatives=tuple(repr(a) for a in f.alternatives)), wording)


def _published(f: Figure, w: Wording) -> dict[str, Any] | None:
    """The publication date's data, and how the page says it (the Solar Hijri reading first
    where the language reads it first)."""
    if f.published is None:
        return None
    d = f.published
    text = f"{d.solar_hijri(w)} ({d.label(w)})" if w.rtl else d.label(w)
    return {**d.as_json(), "text": text}


def _grading(f: Figure, labels: dict[str, str]) -> dict[str, Any] | None:
    g = f.grading
    if g is None:
        return None
    return {"code": g.code,
            "reliability": labels.get(g.reliability) if g.reliability else None,
            "credibility": labels.get(g.credibility) if g.credibility else None}


def figure_page(d: Dispute, base: str, wording: Wording = ENGLISH,
                labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The page's data: title, summary, witnesses (independent origins) and figures, in
    `wording`'s language (`labels`: the dispute's labels in it, if not English)."""
    w = wording
    labels = labels or d.labels
    semi = w(N_("; "))

    def r(iri: str) -> Ref:
        return ref(iri, labels, base)

    def j(iri: str) -> dict[str, Any]:
        return r(iri).as_json()

    witness_labels = [format_list([isolate(r(c).label, w) for c in wt.claimants],
                                  locale=w.lang) if wt.claimants else w(N_("unattributed"))
                      for wt in d.witnesses]
    sources = {f.publication for f in d.figures if f.publication}
    figures = []
    for n, f in enumerate(d.figures):
        refs = {i: r(i) for i in f.lineage.iris()}
        figures.append({
            "id": f"figure-{n + 1}", "claim": j(f.claim), "text": figure_text(f, w),
            "shape": f.shape, "shapeText": w(SHAPES[f.shape]),
            "value": f.value, "low": f.low, "high": f.high,
            "alternatives": list(f.alternatives),
            "countKind": r(f.kind).label if f.kind else None,
            "inferred": f.inferred, "inferenceNote": f.inference_note, "unit": f.unit,
            "statement": f.statement,
            "claimants": [j(c) for c in f.claimants],
            "claimantText": semi.join(isolate(r(c).label, w) for c in f.claimants)
            or w(N_("unattributed")),
            "publication": j(f.publication) if f.publication else None,
            "published": _published(f, w),
            "status": r(f.status).label if f.status else None,
            "statusKey": local_name(f.status) if f.status else None,
            "grading": _grading(f, labels),
            "witnesses": list(f.witnesses),
            "originText": semi.join(witness_labels[i] for i in f.witnesses),
            "originsText": origins_text(f.lineage, refs, w),
            "lineage": f.lineage.to_json(lambda i, refs=refs: refs[i].as_json()),
        })
    n_fig, n_src, n_wit = len(figures), len(sources), len(d.witnesses)
    return {
        "title": title(d.quantity, labels, w),
        "event": j(d.quantity.event), "counted": j(d.quantity.counted),
        "summary": w(N_("{figures} from {sources}, resting on {origins}"),
                     figures=w(N_("1 figure")) if n_fig == 1 else
                     w(N_("{n} figures"), n=w.number(n_fig)),
                     sources=w(N_("1 source")) if n_src == 1 else
                     w(N_("{n} sources"), n=w.number(n_src)),
                     origins=w(N_("1 independent origin")) if n_wit == 1 else
                     w(N_("{n} independent origins"), n=w.number(n_wit))),
        "undated": sum(1 for f in figures if f["published"] is None),
        #: Figures resting on several independent origins at once (drawn in ink, not a colour).
        "several": sum(1 for f in figures if len(f["witnesses"]) > 1),
        "witnesses": [{"index": i, "label": witness_labels[i],
                       "claimants": [j(w) for w in wt.claimants],
                       "origins": [j(c) for c in wt.origins], "figures": len(wt.figures)}
                      for i, wt in enumerate(d.witnesses)],
        "figures": figures,
    }


def quantity_links(store: Store, base: str, event: str | None = None,
                   wording: Wording = ENGLISH) -> list[dict[str, Any]]:
    """Links to the disputed quantities' pages (only those about `event` if given): path,
    title, what is counted and how many figures there are (in `wording`'s language)."""
    found = [(q, path) for q in quantities(store, event) if (path := slug(q, base))]
    labels = (label_lookup(store, {i for q, _ in found for i in q.key}, wording.lang)
              if found else {})
    return [{"href": "/figure/" + path, "title": title(q, labels, wording),
             "counted": labels.get(q.counted) or local_name(q.counted), "figures": q.claims}
            for q, path in found]
