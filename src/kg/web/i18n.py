"""The reader's language: the switch (`?lang=fa`, remembered in a cookie), else the browser's
Accept-Language, else English; a stable URL per language with hreflang alternates.

Every page answers `?lang=en` and `?lang=fa` at the same path, so a Persian page can be
shared as a link; following such a link (or the switch in the header, which is one) keeps
the choice in a cookie, so the links inside the site need no parameter. Messages come from
the gettext catalogs in `translations/` through Flask-Babel; the explorer's scripts get
theirs in the page's JSON boot block (the CSP allows no inline script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.extract import extract
from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, gettext, ngettext

from kg.wording import LANGUAGES, Wording, wording

PARAM = "lang"
COOKIE = "kg_lang"
COOKIE_AGE = 365 * 24 * 3600
#: Each language's name in itself, for the switch.
NATIVE_NAMES = {"en": "English", "fa": "فارسی"}
#: Scripts whose strings the server hands over (`_("...")` and `_n("...", "...", n)` calls).
SCRIPTS = ("explore.js", "query.js", "figure.js")
JS_KEYWORDS = {"_": None, "_n": (1, 2)}


def choose() -> str:
    """The language of this request: an explicit `?lang=`, the cookie, Accept-Language."""
    asked = request.args.get(PARAM, "")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current() -> str:
    """The request's language, chosen once per request."""
    if "kg_lang" not in g:
        g.kg_lang = choose()
    return g.kg_lang


def data_language() -> str:
    """The language of a data answer (a JSON twin, the explorer's API): `?lang=` when given,
    else English. Data does not follow the cookie or the browser, so a script gets the
    same answer wherever it runs."""
    asked = request.args.get(PARAM, "")
    return asked if asked in LANGUAGES else LANGUAGES[0]


def current_wording() -> Wording:
    """The wording of the request's language (kept on `g`: pages ask for it often)."""
    if "kg_wording" not in g:
        g.kg_wording = wording(current())
    return g.kg_wording


def url_in(lang: str) -> str:
    """This page's URL in `lang`: the same path and parameters, `lang` set. (Relative:
    hreflang alternates resolve against the page, and nothing names another host.)"""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    args.append((PARAM, lang))
    return f"{request.path}?{urlencode(args)}"


def url_without_lang() -> str:
    """This page's URL with no language given (the reader's choice decides): x-default."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    return f"{request.path}?{urlencode(args)}" if args else request.path


def _template_globals() -> dict[str, Any]:
    lang = current()
    w = wording(lang)
    return {
        "lang": lang, "dir": "rtl" if w.rtl else "ltr", "w": w,
        "languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
        "url_in": url_in, "url_without_lang": url_without_lang,
    }


def _remember(response: Response) -> Response:
    """Keep an explicit choice in the cookie; say which language answered and that the
    answer depends on the reader's choice."""
    asked = request.args.get(PARAM, "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Language", current())
        if asked not in LANGUAGES:
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
    return response


def script_messages(static: Path) -> dict[str, list[tuple[str, str | None]]]:
    """The messages each script asks for: (msgid, plural msgid or None), read from the
    scripts' `_()` and `_n()` calls with Babel's JavaScript extractor."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for name in SCRIPTS:
        with open(static / "js" / name, "rb") as source:
            messages = []
            for _line, message, _comments, _context in extract(
                    "javascript", source, keywords=JS_KEYWORDS):
                pair = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
                if pair not in messages:
                    messages.append(pair)
        found[name] = messages
    return found


def script_strings(script: str) -> dict[str, Any]:
    """What a script says in the reader's language: {msgid: text} and, for counts,
    {msgid: [one, many]} (English and Persian both tell one from more than one)."""
    strings: dict[str, Any] = {}
    for singular, plural in current_app.extensions["kg.script_messages"][script]:
        if plural is None:
            strings[singular] = gettext(singular)
        else:
            strings[singular] = [ngettext(singular, plural, 1), ngettext(singular, plural, 2)]
    return strings


def _gettext(message: str) -> str:
    return current_wording().translate(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return current_wording().translate_plural(singular, plural, n)


def init_app(app: Flask) -> None:
    """Babel with our chooser, the language in every template, the cookie kept."""
    Babel(app, locale_selector=current)
    # Flask-Babel's Jinja callables find the request's translations again on every call;
    # a page calls them a hundred times, so they read the request's catalog once instead
    # (the same .mo files, through kg.wording).
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.context_processor(_template_globals)
    app.after_request(_remember)
    app.extensions["kg.script_messages"] = script_messages(Path(app.static_folder or ""))
