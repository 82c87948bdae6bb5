"""The graph explorer's answers in the reader's language.

The projection (kg.network) names nodes and relations in English, once per store version.
For a reader of another language, an answer is renamed on its way out: nodes and claimants
by their names in that language where the graph has them (kg.labels), relations by the
catalog's wording of the projection's phrases ("took place at") or the ontology's name of
the role or property. Every renamed thing says which language its name is in
(`labelLang`), so the page can mark the English names that stand in for missing ones.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext

from kg.labels import Label, labels, primary
from kg.store import Store
from kg.wording import ENGLISH


def _dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside `data` (lists and dicts, depth first)."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _dicts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _dicts(value)


def _is_node(d: dict[str, Any]) -> bool:
    return "id" in d and "kind" in d and "label" in d and "degree" in d


def _is_relation(d: dict[str, Any]) -> bool:
    return "predicate" in d and "label" in d and "id" not in d or (
        "predicate" in d and "source" in d and "target" in d)


def in_language(store: Store, data: Any, lang: str) -> Any:
    """A copy of `data` (an explorer answer; parts of it may be the projection's own) with
    its names in `lang`."""
    if lang == ENGLISH.lang:
        return data
    data = copy.deepcopy(data)
    found = list(_dicts(data))
    wanted: set[str] = set()
    for d in found:
        if _is_node(d):
            wanted.add(d["id"])
        if _is_relation(d) and d.get("predicate"):
            wanted.add(d["predicate"])
        for key in ("source", "target", "claimant"):
            if isinstance(d.get(key), str) and f"{key}Label" in d:
                wanted.add(d[key])
    names = labels(store, wanted, lang)
    for d in found:
        if _is_node(d):
            _rename(d, "label", names.get(d["id"]), lang)
        if _is_relation(d) and d.get("predicate"):
            phrase = gettext(d["label"]) if d["label"] else d["label"]
            if phrase != d["label"]:
                d["label"], d["labelLang"] = phrase, lang
            else:
                _rename(d, "label", names.get(d["predicate"]), lang)
        for key in ("source", "target", "claimant"):
            if isinstance(d.get(key), str) and f"{key}Label" in d:
                _rename(d, f"{key}Label", names.get(d[key]), lang)
    return data


def _rename(d: dict[str, Any], key: str, name: Label | None, lang: str) -> None:
    """Use `name` if it is in `lang`; else keep the English one, saying so."""
    if name is not None and primary(name.lang) == lang:
        d[key], d[key + "Lang"] = str(name), name.lang
    elif d.get(key):
        d[key + "Lang"] = ENGLISH.lang
