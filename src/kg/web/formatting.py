"""How pages show values in the reader's language: numbers in its digits, dates with the
Solar Hijri reading first on Persian pages (the Gregorian beside it) and the other way round
on English ones, and names isolated from the text around them and marked with their
language, so that a Latin name in a Persian sentence (or the reverse) never scrambles it.

Python functions rather than Jinja macros: a hub page shows hundreds of names and dates.
"""

from __future__ import annotations

from babel import Locale
from flask import Flask
from flask_babel import gettext
from markupsafe import Markup

from kg.dates import PRECISION_WORDS, PreciseDate
from kg.entity.model import Ref
from kg.labels import Label, language_of, primary
from kg.web.i18n import current, current_wording
from kg.wording import RTL, direction


def num(value: int | float | str) -> str:
    """A count in the reader's digits and grouping: 12,345 / ۱۲٬۳۴۵."""
    return current_wording().number(value)


def digits(value: object) -> str:
    """Text with its digits in the reader's script (offsets, years, ranges)."""
    return current_wording().digits(value)


def when(d: PreciseDate, inferred: bool = True) -> Markup:
    """A date at its precision in both calendars, the reader's first: on a Persian page
    'اواخر مرداد ۱۳۶۷ (۱۲ اوت ...)', on an English one '1 June 2014 (11 Khordad 1393 SH)'."""
    w = current_wording()
    if w.rtl:
        first = Markup('<span class="date" data-precision="{}">{}</span>').format(
            d.precision, d.solar_hijri(w))
        second = Markup(' <span class="other-calendar" title="{}">({})</span>').format(
            gettext("Gregorian calendar"), d.label(w))
    else:
        first = Markup('<span class="date" data-precision="{}">{}</span>').format(
            d.precision, d.label(w))
        second = Markup(' <span class="other-calendar" title="{}">({} {})</span>').format(
            gettext("Solar Hijri calendar"), d.solar_hijri(w), gettext("SH"))
    tag = Markup("")
    if inferred and d.inferred:
        tag = Markup(' <span class="tag" title="{}">{}</span>').format(
            gettext("inferred by the editors"), gettext("inferred"))
    return first + second + tag


def text_direction(label: str) -> str:
    """'rtl' or 'ltr' for a label (by its language, else its letters): SVG text, which has
    no <bdi>, is given it as its `direction`."""
    return direction(label, language_of(label))


def lang_attrs(lang: str | None) -> Markup:
    """`lang` and `dir` for text in `lang` ('' or None: unknown, its direction from its
    first strong letter)."""
    code = primary(lang)
    if not code:
        return Markup(' dir="auto"')
    return Markup(' lang="{}" dir="{}"').format(lang, "rtl" if code in RTL else "ltr")


def name_attrs(label: str) -> Markup:
    """Attributes for a label on this page: its language and direction, and on a page in
    another language a mark that it stands in for a name the graph lacks."""
    if not isinstance(label, Label):
        return Markup(' dir="auto"')
    attrs = lang_attrs(label.lang)
    if primary(label.lang) != current():
        attrs += Markup(' class="fallback" title="{}"').format(
            gettext("No name in this language in the graph: shown as the graph has it"))
    return attrs


def name(label: str) -> Markup:
    """A label isolated as a name: `<bdi>` with its language."""
    return Markup("<bdi{}>{}</bdi>").format(name_attrs(label), label)


def link(node: Ref) -> Markup:
    """A link to the node's page (or its label with the IRI as title), isolated and marked
    with its language."""
    if node.page:
        return Markup('<a href="{}"{}>{}</a>').format(node.page, name_attrs(node.label),
                                                      node.label)
    return Markup('<span title="{}"{}>{}</span>').format(node.iri, name_attrs(node.label),
                                                         node.label)


def language_name(code: str) -> str:
    """A language tag's name in the reader's language ('fa' -> 'Persian' / 'فارسی'); the tag
    itself when Babel does not know it."""
    return Locale.parse(current()).languages.get(code.split("-", 1)[0].lower(), code)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(num=num, digits=digits)
    # `tr` translates a message chosen at run time (a kind, an example query's title) that
    # the catalog holds through an `N_` mark or an extractor; `_` is for literal messages.
    app.jinja_env.globals.update(when=when, name=name, name_attrs=name_attrs, link=link,
                                 lang_attrs=lang_attrs, tr=gettext,
                                 language_name=language_name, text_direction=text_direction,
                                 precision_names=PRECISION_WORDS)
