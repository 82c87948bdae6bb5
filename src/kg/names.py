"""Name folding: one way to compare names across scripts, spellings and transliterations.

Search, the importer's lookups of prisons and places, and the matcher all compare names
through these functions, so "Khosrowi", "Khosravi" and "خسروی" meet wherever names meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Label properties, in order of preference for the displayed name (search indexes all).
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "https://schema.org/alternateName",
    "http://purl.org/dc/terms/title",
)

ZWNJ = "\u200c"
# Arabic code points that Persian writes differently, tatweel, and Arabic-Indic digits.
_PERSIAN = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u06d2": "\u06cc",  # yeh variants -> Farsi yeh
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u06d5": "\u0647",  # teh marbuta, heh variants
    "\u0640": None,  # tatweel
    "\u200d": None, "\u200f": None, "\u200e": None, "\ufeff": None,  # joiners, marks
    "\u02bf": None, "\u02be": None, "'": None, "\u2019": None, "\u2018": None, "`": None,
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
})
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = set("aeiouy")


def fold(text: str) -> str:
    """Lower-case, without diacritics or harakat, Persian letter variants unified."""
    text = unicodedata.normalize("NFKD", text.translate(_PERSIAN))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text).casefold().translate(_PERSIAN)


def tokens(text: str, *, split_zwnj: bool = False) -> list[str]:
    """Folded words; ZWNJ joins a word, and `split_zwnj` also yields its parts (for keys)."""
    folded = fold(text)
    words = _TOKEN.findall(folded.replace(ZWNJ, ""))
    if split_zwnj and ZWNJ in folded:
        words += [w for w in _TOKEN.findall(folded.replace(ZWNJ, " ")) if w not in words]
    return words


_TRANSLIT = (
    ("kh", "x"), ("gh", "q"), ("dh", "z"), ("ph", "f"), ("dj", "j"), ("tch", "ch"),
    ("ee", "i"), ("oo", "u"), ("ou", "u"), ("aa", "a"),
)


@functools.lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A transliteration-blind key: Khosravi/Khosrowi -> 'xsrv', Mojahedin/Mujahideen -> 'mjhdn'.

    Romanisations of Persian differ mostly in vowels (o/u, e/i, ow/ou/o), in doubled letters
    and in a few digraphs (kh/x, gh/q, dh/z), so those are folded and non-initial vowels
    dropped. Non-Latin tokens (Persian script) are returned as they are.
    """
    if not token.isascii():
        return token
    t = token
    for old, new in _TRANSLIT:
        t = t.replace(old, new)
    # "w" is a consonant before a vowel (Khosrowi ~ Khosravi), a vowel otherwise (Rowhani).
    t = re.sub(r"w(?=[aeiouy])", "v", t).replace("w", "u")
    t = re.sub(r"(.)\1+", r"\1", t)
    t = re.sub(r"(?<=[aeiou])h$", "", t)  # silent final heh: Zadeh ~ Zade
    if not t:
        return t
    head = "a" if t[0] in _VOWELS - {"y"} else t[0]
    return head + "".join(c for c in t[1:] if c not in _VOWELS)


# --- names of people: ezafe, titles, compounds, scripts (the matcher's helpers) ------------

#: Ezafe written as its own word ("Rah-e Kargar", "Mir-e", a detached Persian yeh).
EZAFE = frozenset({"e", "ye", "i", "ی"})
#: Honorifics and titles that lists add or drop around the same name.
TITLES = frozenset({
    "ayatollah", "ayatolah", "ayatullah", "hojjatoleslam", "ol", "eslam", "ul",
    "islam", "haj", "hajj", "haji", "hajji", "mr", "mrs", "ms", "dr", "sheikh", "shaykh",
    "seyed", "seyyed", "sayed", "sayyed", "sayyid", "syed", "سید", "سیده", "seyyedeh", "seyedeh",
    "آیتالله", "آیت", "الله", "حجتالاسلام", "الاسلام", "حاج", "حاجی", "شیخ", "دکتر",
})
#: Words that are a title only before the rest of it (Hojjat-ol-Eslam), a name otherwise.
TITLE_HEADS = {"hojjat": ("ol", "al", "eslam", "islam"), "حجت": ("الاسلام",)}
_EZAFE_HEH = re.compile("\u0647\u200c\u06cc(?=\\s|$)")  # "خانه‌ی" -> "خانه"


def name_tokens(text: str) -> list[str]:
    """Folded words of a person's or body's name, as the matcher compares them: ZWNJ joins
    a word, ezafe and titles go (unless nothing else is left)."""
    folded = _EZAFE_HEH.sub("\u0647", fold(text))
    words = _TOKEN.findall(folded.replace(ZWNJ, ""))
    kept = [w for i, w in enumerate(words) if w not in EZAFE and w not in TITLES
            and not (w in TITLE_HEADS and words[i + 1:i + 2]
                     and words[i + 1] in TITLE_HEADS[w])]
    return kept or words


def is_latin(token: str) -> bool:
    return token.isascii()


# Persian letters -> the Latin skeleton alphabet of `skeleton` (consonants only; vowels
# are dropped there too). Waw and yeh are vowels or consonants by position (see below).
_PERSIAN_LATIN = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "x", "د": "d",
    "ذ": "z", "ر": "r", "ز": "z", "ژ": "j", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "ع": "", "غ": "q", "ف": "f", "ق": "q", "ک": "k", "گ": "g", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "ء": "", "ئ": "", "ؤ": "", "أ": "", "إ": "", "ا": "", "آ": "",
}
_PERSIAN_VOWEL_CARRIERS = frozenset("اآعأإ")


@functools.lru_cache(maxsize=65536)
def latin_skeleton(token: str) -> str:
    """The `skeleton` a romanisation of `token` would have, for a folded Persian word too:
    "خسروی" -> "xsrv" like "Khosravi", "غلامرضا" -> "qlmrz" like "Gholamreza".

    Persian writes long vowels with alef, waw and yeh and leaves short ones out, so the
    consonant skeleton is what both scripts share. Waw is a consonant at the start or
    before alef/yeh (Javad, Safavi), a vowel otherwise (Nouri); yeh is a consonant only at
    the start (Yazdani); a silent final heh goes (Fatemeh ~ فاطمه).
    """
    if is_latin(token):
        return skeleton(token)
    out = []
    last = len(token) - 1
    for i, ch in enumerate(token):
        nxt = token[i + 1] if i < last else ""
        if ch == "و":
            out.append("v" if i == 0 or nxt in ("ا", "ی") else "")
        elif ch == "ی":
            out.append("y" if i == 0 else "")
        elif ch == "ه" and i == last and i > 0:
            out.append("")
        elif ch in _PERSIAN_LATIN:
            out.append(_PERSIAN_LATIN[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            return token  # another script: compared as it is
    text = "".join(out)  # Persian writes no doubled consonants (the shadda is folded away)
    head = "a" if token[0] in _PERSIAN_VOWEL_CARRIERS else ""
    return head + text if text or head else token
