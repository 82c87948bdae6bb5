"""How pages show values in the reader's language: numbers in its digits, dates with the
Solar Hijri reading first on Persian pages (the Gregorian beside it) and the other way round
on English ones, and names isolated from the text around them and marked with their
language, so that a Latin name in a Persian sentence (or the reverse) never scrambles it.

Python functions building strings rather than Jinja macros or `Markup.format`: a hub page
shows hundreds of names and dates, and each costs little this way. The words come from the
request's `Wording` (the same catalog Flask-Babel reads).
"""

from __future__ import annotations

import functools

from babel import Locale
from babel.lists import format_list
from flask import Flask
from markupsafe import Markup, escape

from kg.dates import PRECISION_WORDS, PreciseDate
from kg.entity.model import Ref
from kg.labels import Label, language_of, primary
from kg.web.i18n import current, current_wording
from kg.web.lineage_view import THE_CLAIM, LineageStep
from kg.wording import N_, RTL, direction, wording


def num(value: int | float | str) -> str:
    """A count in the reader's digits and grouping: 12,345 / ۱۲٬۳۴۵."""
    return current_wording().number(value)


def digits(value: object) -> str:
    """Text with its digits in the reader's script (offsets, years, ranges)."""
    return current_wording().digits(value)


def when(d: PreciseDate, inferred: bool = True) -> Markup:
    """A date at its precision in both calendars, the reader's first: on a Persian page
    'اواخر مرداد ۱۳۶۷ (اوت ۱۹۸۸ ...)', on an English one '1 June 2014 (11 Khordad 1393 SH)'."""
    w = current_wording()
    if w.rtl:
        first, other = d.solar_hijri(w), f"({d.label(w)})"
        calendar = w(N_("Gregorian calendar"))
    else:
        first, other = d.label(w), f"({d.solar_hijri(w)} {w(N_('SH'))})"
        calendar = w(N_("Solar Hijri calendar"))
    html = (f'<span class="date" data-precision="{escape(d.precision)}">{escape(first)}</span>'
            f' <span class="other-calendar" title="{escape(calendar)}">{escape(other)}</span>')
    if inferred and d.inferred:
        html += (f' <span class="tag" title="{escape(w(N_("inferred by the editors")))}">'
                 f'{escape(w(N_("inferred")))}</span>')
    return Markup(html)


def text_direction(label: str) -> str:
    """'rtl' or 'ltr' for a label (by its language, else its letters): SVG text, which has
    no <bdi>, is given it as its `direction`."""
    return direction(label, language_of(label))


@functools.lru_cache(maxsize=256)
def _attrs(lang: str | None, page: str) -> str:
    """The attributes of text in `lang` on a page in `page` (a pure function of the two,
    remembered: a hub page asks for the same few hundreds of times)."""
    code = primary(lang)
    if not code:
        return ' dir="auto"'
    attrs = f' lang="{escape(lang)}" dir="{"rtl" if code in RTL else "ltr"}"'
    if code != page:
        said = wording(page)(N_("No name in this language in the graph: shown as the graph "
                                 "has it"))
        attrs += f' class="fallback" title="{escape(said)}"'
    return attrs


def lang_attrs(lang: str | None) -> Markup:
    """`lang` and `dir` for text in `lang` ('' or None: unknown, its direction from its
    first strong letter)."""
    return Markup(_attrs(lang or None, primary(lang) or "-"))


def name_attrs(label: str) -> Markup:
    """Attributes for a label on this page: its language and direction, and on a page in
    another language a mark that it stands in for a name the graph lacks."""
    if not isinstance(label, Label):
        return Markup(' dir="auto"')
    return Markup(_attrs(label.lang, current()))


def name(label: str) -> Markup:
    """A label isolated as a name: `<bdi>` with its language."""
    return Markup(f"<bdi{name_attrs(label)}>{escape(label)}</bdi>")


def link(node: Ref) -> Markup:
    """A link to the node's page (or its label with the IRI as title), isolated and marked
    with its language."""
    attrs = name_attrs(node.label)
    if node.page:
        return Markup(f'<a href="{escape(node.page)}"{attrs}>{escape(node.label)}</a>')
    return Markup(f'<span title="{escape(node.iri)}"{attrs}>{escape(node.label)}</span>')


def lineage_step(step: LineageStep) -> Markup:
    """A step back along a claim's chain, its claim, claimants and publication linked."""
    w = current_wording()
    claim = escape(w(THE_CLAIM))
    if step.source.page:
        claim = Markup(f'<a href="{escape(step.source.page)}">{claim}</a>')
    claimants = Markup(format_list([str(link(c)) for c in step.claimants], locale=w.lang)) \
        if step.claimants else Markup("")
    publication = link(step.publication) if step.publication else Markup("")
    return escape(step.template).format(claim=claim, claimants=claimants,
                                        publication=publication)


def language_name(code: str) -> str:
    """A language tag's name in the reader's language ('fa' -> 'Persian' / 'فارسی'); the tag
    itself when Babel does not know it."""
    return Locale.parse(current()).languages.get(code.split("-", 1)[0].lower(), code)


def translate(message: str) -> str:
    """A message chosen at run time (a kind, an example query's title) that the catalog
    holds through an `N_` mark or an extractor; `_` is for literal messages."""
    return current_wording()(message)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(num=num, digits=digits)
    app.jinja_env.globals.update(when=when, name=name, name_attrs=name_attrs, link=link,
                                 lang_attrs=lang_attrs, tr=translate,
                                 language_name=language_name, text_direction=text_direction,
                                 lineage_step=lineage_step,
                                 precision_names=PRECISION_WORDS)
