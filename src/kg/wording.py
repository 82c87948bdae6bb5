"""How library code words what a reader sees, in the reader's language.

Modules that make text for pages (dates, the home page's kinds, an entity page's claim
groups) mark their English strings with `N_` so that `pybabel extract` puts them in the
message catalog (`kg/web/translations/`), and take a `Wording` to say them: English as
written, or translated through that catalog, with numbers in the language's digits. The
catalog is the one the web pages use (through Flask-Babel), read here with the standard
`gettext` module, so the library needs no request to word a page and a page cached per
language says the same as the templates around it.
"""

from __future__ import annotations

import functools
import gettext
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.numbers import format_decimal, get_group_symbol

#: The message catalogs: <lang>/LC_MESSAGES/messages.mo (compiled from messages.po).
TRANSLATIONS = Path(__file__).parent / "web" / "translations"
DOMAIN = "messages"
#: Languages the interface speaks, the source language first.
LANGUAGES = ("en", "fa")
RTL = frozenset({"fa", "ar", "he", "ur", "ps", "ckb"})
#: The catalog's context for the names of the ontology's terms and concepts (kg.labels).
VOCABULARY = "vocabulary"
_DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}


def N_(text: str) -> str:
    """Mark `text` for the message catalog; whoever shows it translates it (a `Wording`)."""
    return text


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Wording:
    """A language's way of saying things: `translate` maps a catalog string to the
    language, `digits` writes numbers in its script."""

    lang: str = "en"
    translate: Callable[[str], str] = field(default=_same, compare=False)
    translate_in: Callable[[str, str], str] = field(default=lambda context, text: text,
                                                    compare=False)
    translate_plural: Callable[[str, str, int], str] = field(
        default=lambda one, many, n: one if n == 1 else many, compare=False)

    def __call__(self, message: str, **values: object) -> str:
        """The translation of `message`, with `{name}` fields filled from `values`."""
        text = self.translate(message)
        return text.format(**values) if values else text

    def vocabulary(self, label: str) -> str:
        """The name of an ontology term or concept whose English label is `label`."""
        return self.translate_in(VOCABULARY, label)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL

    def digits(self, text: object) -> str:
        """`text` with its ASCII digits written in the language's digits."""
        table = _DIGITS.get(self.lang)
        return str(text).translate(table) if table else str(text)

    def number(self, value: int | float | str) -> str:
        """A count as the language writes it: '12,345' / '۱۲٬۳۴۵'. Text that is not a
        number is returned as it is."""
        try:
            number = float(value) if isinstance(value, str) else value
        except ValueError:
            return str(value)
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, int):  # the common case, without Babel's pattern machinery
            return self.digits(f"{number:,}".replace(",", _group_symbol(self.lang)))
        return self.digits(format_decimal(number, locale=self.lang, numbering_system="default"))


ENGLISH = Wording()


@functools.lru_cache(maxsize=16)
def _group_symbol(lang: str) -> str:
    """The language's thousands separator in its own numbering system ('٬' for Persian)."""
    return get_group_symbol(lang, numbering_system="default")


def direction(text: str, lang: str | None = None) -> str:
    """'rtl' or 'ltr': from the language tag when there is one, else from the first letter
    with a strong direction ('ltr' when there is none)."""
    code = (lang or "").split("-", 1)[0].lower()
    if code:
        return "rtl" if code in RTL else "ltr"
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def isolate(text: str, wording: Wording, lang: str | None = None) -> str:
    """`text` set off as a unit (Unicode FSI ... PDI, the plain-text <bdi>) when it runs the
    other way from the wording's language, so a Latin name inside a Persian sentence keeps
    the sentence's order (and the reverse)."""
    if direction(text, lang) == ("rtl" if wording.rtl else "ltr"):
        return text
    return f"\u2068{text}\u2069"


@functools.lru_cache(maxsize=16)
def wording(lang: str) -> Wording:
    """The wording of `lang` from the compiled catalog (English for a language without
    one), read once per process: the catalogs ship with the code and never change under it."""
    if lang == ENGLISH.lang:
        return ENGLISH
    catalog = gettext.translation(DOMAIN, localedir=TRANSLATIONS, languages=[lang],
                                  fallback=True)
    return Wording(lang, catalog.gettext, catalog.pgettext, catalog.ngettext)
