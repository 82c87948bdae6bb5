"""kg.wording: numbers in a language's digits, text set off by direction, the catalog read
without a request."""

from __future__ import annotations

from kg.wording import ENGLISH, N_, direction, isolate, wording


def test_english_is_as_written() -> None:
    assert ENGLISH("{n} sources", n=3) == "3 sources"
    assert ENGLISH.number(30000) == "30,000" and ENGLISH.number("2800.0") == "2,800"
    assert ENGLISH.digits(1988) == "1988" and not ENGLISH.rtl
    assert N_("Claims") == "Claims"


def test_persian_digits_grouping_and_words() -> None:
    fa = wording("fa")
    assert fa.rtl
    assert fa.number(30000) == "۳۰٬۰۰۰"
    assert fa.number("many") == "many"
    assert fa.digits("1367-05") == "۱۳۶۷-۰۵"
    assert fa("Claims") == "ادعاها"
    assert fa("Count: {unit}", unit="x") == "شمار: x"
    assert fa.vocabulary("court finding") == "یافتهٔ دادگاه"
    assert fa.vocabulary("no such term") == "no such term"


def test_a_language_without_a_catalog_reads_as_english() -> None:
    assert wording("de")("Claims") == "Claims"


def test_direction_from_language_or_letters() -> None:
    assert direction("Khosravi") == "ltr" and direction("خسروی") == "rtl"
    assert direction("1988 – خسروی") == "rtl"  # digits have no direction of their own
    assert direction("Khosravi", "fa") == "rtl" and direction("", None) == "ltr"


def test_isolate_only_what_runs_the_other_way() -> None:
    fa = wording("fa")
    assert isolate("Hamid Noury", fa) == "\u2068Hamid Noury\u2069"
    assert isolate("حمید نوری", fa) == "حمید نوری"
    assert isolate("حمید نوری", ENGLISH) == "\u2068حمید نوری\u2069"
    assert isolate("Hamid Noury", ENGLISH) == "Hamid Noury"
