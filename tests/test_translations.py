"""The message catalogs: every message of the interface (templates, Python, the explorer's
script, the example queries, the ontology's terms) has a Persian translation, the compiled
.mo says what the .po says, placeholders and markup survive translation, and translations
use the glossary's words (docs/glossary.md)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kg.config import PROJECT_DIR
from kg.wording import LANGUAGES, TRANSLATIONS

Key = tuple[str | None, str]
LANGS = [lang for lang in LANGUAGES if lang != "en"]
_PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s|</?\w+>")


def _key(message: str | tuple[str, ...], context: str | None) -> Key:
    return context, message if isinstance(message, str) else message[0]


@cache
def extracted() -> dict[Key, list[str]]:
    """Every message `pybabel extract` finds with babel.cfg, and where."""
    with open(PROJECT_DIR / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            PROJECT_DIR, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_n": (1, 2)}):
        found.setdefault(_key(message, context), []).append(f"{filename}:{lineno}")
    return found


@cache
def catalog(lang: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as po:
        return read_po(po, locale=lang)


def translations(cat: Catalog) -> dict[Key, tuple[str, ...]]:
    return {_key(m.id, m.context): (m.string,) if isinstance(m.string, str) else tuple(m.string)
            for m in cat if m.id}


def test_extraction_finds_every_kind_of_source() -> None:
    """Positive control: templates, Python, the script, example queries and the ontology."""
    places = {where.split(":")[0].split("/")[0] for spots in extracted().values()
              for where in spots}
    files = {where.rsplit(":", 1)[0] for spots in extracted().values() for where in spots}
    assert {"src", "queries", "ontology"} <= places
    assert any(f.endswith(".html") for f in files) and any(f.endswith(".js") for f in files)
    assert ("vocabulary", "court finding") in extracted()
    assert (None, "Who says so?") in extracted()


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation(lang: str) -> None:
    cat = catalog(lang)
    done = translations(cat)
    missing = {f"{key} at {extracted()[key][0]}" for key in extracted()
               if not all(done.get(key, ("",))) or (cat.get(key[1], key[0]) or cat).fuzzy}
    assert sorted(missing) == [], "run scripts/translations.sh, then translate these"


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_is_left_over(lang: str) -> None:
    stale = set(translations(catalog(lang))) - set(extracted())
    assert sorted(map(str, stale)) == [], "run scripts/translations.sh to drop them"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_matches_its_source(lang: str) -> None:
    """The app reads the .mo: it must say what the reviewed .po says."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = translations(read_mo(mo))
    assert compiled == translations(catalog(lang)), "run scripts/translations.sh"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_and_markup_survive(lang: str) -> None:
    wrong = []
    for m in catalog(lang):
        if not m.id:
            continue
        ids = (m.id,) if isinstance(m.id, str) else m.id
        strings = (m.string,) if isinstance(m.string, str) else m.string
        wanted = sorted(_PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if sorted(_PLACEHOLDER.findall(s)) != wanted]
    assert wrong == []


def glossary() -> list[tuple[str, list[str]]]:
    """The glossary's checked terms: (English term, its Persian forms)."""
    rows = []
    for line in (PROJECT_DIR / "docs" / "glossary.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[3] == "yes":
            forms = [cells[1], *(f.strip() for f in cells[2].split("،") if f.strip())]
            rows.append((cells[0], forms))
    return rows


def test_the_glossary_is_read() -> None:
    terms = dict(glossary())
    assert terms["claim"][0] == "ادعا" and "منابع" in terms["source"]
    assert {"claimant", "evidence", "contested", "court finding",
            "alleged perpetrator"} <= set(terms)


@pytest.mark.parametrize(("term", "forms"), glossary(), ids=lambda x: str(x))
def test_translations_use_the_glossary(term: str, forms: list[str]) -> None:
    """A message that says `term` is translated with one of its Persian forms."""
    pattern = re.compile(rf"(?<![\w:-]){re.escape(term)}s?(?![\w:-])", re.IGNORECASE)
    off = []
    for (_context, msgid), strings in translations(catalog("fa")).items():
        said = _PLACEHOLDER.sub(" ", msgid)
        if pattern.search(said) and not any(f in s for s in strings for f in forms):
            off.append((msgid, strings[0]))
    assert off == []


def test_the_quick_start_needs_no_compilation() -> None:
    """The .mo files are committed (pip install -e . is all a fresh clone needs), and the
    package ships them."""
    pyproject = (PROJECT_DIR / "pyproject.toml").read_text("utf-8")
    assert '"web/translations/**/*"' in pyproject
    for lang in LANGS:
        assert Path(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").is_file()
