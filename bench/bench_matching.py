"""Matching against a known truth: synth's victims re-listed with realistic variation.

A second list is made from the people of a store loaded with `bench/synth.py` output (read
through the matcher's own profiles, so the truth is what the graph says): names re-spelt
(transliteration variants, Persian script with Arabic letters and ZWNJ changes, word order,
typos, dropped or added name parts), fields kept or dropped (date of death at the graph's
precision, often in the Solar Hijri calendar or with Persian digits; age instead of birth
year; prison by name in either script; affiliation by acronym or name), plus people who are
not in the graph, many of them namesakes. Reported: precision and recall of `match` and of
the top candidate, on rows with a name and at least one other field, on names alone, and on
the rows that are identifiable at all (no namesake in the graph agrees with every field the
row gives); then the speed of a whole list and of /reconcile batches of 10 queries. The
alternative measured beside it: rapidfuzz's `process.extractOne` over every person's
labels (names only, no blocking, no fields).

    python bench/synth.py --victims 100000 -o bench/out/synth-100k.nq
    kg build --store bench/out/store-100k && kg load bench/out/synth-100k.nq \
        --store bench/out/store-100k --compact
    python bench/bench_matching.py --store bench/out/store-100k --rows 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jdatetime
from rapidfuzz import fuzz, process

from kg.config import Config
from kg.matching import Record, index_for, record_from_row
from kg.matching.index import MATCH_INDEX, MatchIndex
from kg.matching.lists import match_list
from kg.matching.profiles import Profile
from kg.matching.scoring import OUTSIDE_ODDS
from kg.store import DiskStore
from kg.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
import synth_names  # noqa: E402

ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
#: Near-identical names of people who are not in the graph: a suffix added to or taken from
#: the surname (Karimi / Karimian / Karimzadeh), or a given name swapped for a close one.
NEAR_GIVEN = {"Hamid": "Hamed", "Hamed": "Hamid", "Mahmoud": "Mohammad", "Mohammad": "Mahmoud",
              "Ali": "Alireza", "Reza": "Alireza", "Hassan": "Hossein", "Hossein": "Hassan",
              "Nasser": "Naser", "Mehdi": "Mahdi", "Saeed": "Saber", "Majid": "Hamid",
              "Javad": "Jalal", "Akbar": "Asghar", "Asghar": "Akbar", "Kazem": "Karim",
              "Karim": "Kazem", "Zahra": "Zohreh", "Maryam": "Marzieh", "Fatemeh": "Fereshteh"}


@dataclass
class Row:
    cells: dict[str, str]
    truth: str | None  # the person's IRI, None for people not in the graph
    fields: int  # how many fields besides the name
    #: How the row was made: its name's variations (respelt, typo, order...), for people
    #: not in the graph what their name is (near, namesake), and the field if only one.
    kinds: tuple[str, ...] = ()


def _typo(rnd: random.Random, text: str) -> str:
    i = rnd.randrange(1, max(2, len(text) - 1))
    if rnd.random() < 0.5 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rnd.choice("aeiourstnml") + text[i + 1:]


def vary_latin(rnd: random.Random, name: str, kinds: list[str]) -> str:
    """The name re-spelt as another list may write it; what was done goes into `kinds`."""
    if "-" in name and rnd.random() < 0.3:  # Mohammad-Ali: Mohammad Ali, Mohammadali
        first, _, second = name.partition("-")
        name = f"{first} {second}" if rnd.random() < 0.5 else first + second.lower()
        kinds.append("compound re-written")
    words = name.split()
    if rnd.random() < 0.35:
        respelt = synth_names.respell(rnd, " ".join(words)).split()
        if respelt != words:
            kinds.append("transliteration")
        words = respelt
    if rnd.random() < 0.08:
        k = rnd.randrange(len(words))
        words[k] = _typo(rnd, words[k])
        kinds.append("typo")
    if rnd.random() < 0.05:
        words = ["Seyed", *words]
        kinds.append("title added")
    if rnd.random() < 0.1:
        kinds.append("Last, First")
        return f"{words[-1]}, {' '.join(words[:-1])}"
    return " ".join(words)


def vary_persian(rnd: random.Random, name: str, kinds: list[str]) -> str:
    if rnd.random() < 0.4:
        name = name.translate(ARABIC_LETTERS)
        kinds.append("Arabic ي/ك")
    if "\u200c" in name and rnd.random() < 0.5:
        name = name.replace("\u200c", rnd.choice(["", " "]))
        kinds.append("ZWNJ dropped or spaced")
    return name


def _date_cell(rnd: random.Random, profile: Profile) -> str:
    death = profile.deaths[0]
    day = death.earliest
    if death.precision == "day":
        if rnd.random() < 0.4:
            j = jdatetime.date.fromgregorian(date=day)
            text = f"{j.year}/{j.month:02d}/{j.day:02d}"
            return text.translate(FA_DIGITS) if rnd.random() < 0.3 else text
        return day.isoformat()
    if death.precision == "month":
        if rnd.random() < 0.3:
            return f"{day.strftime('%B')} {day.year}"
        return day.isoformat()[:7]
    return str(day.year) if death.earliest.year == death.latest.year else ""


def listed_row(rnd: random.Random, index: MatchIndex, profile: Profile) -> Row:
    en = next((t for t, lang, rank in profile.names if lang == "en" and rank < 3), "")
    fa = next((t for t, lang, rank in profile.names if lang == "fa" and rank < 3), "")
    cells = {"record_id": profile.iri.rsplit("-", 1)[-1]}
    kinds: list[str] = []
    r = rnd.random()
    if r < 0.55 or not fa:
        cells["name_en"] = vary_latin(rnd, en, kinds)
        kinds.append("Latin only")
    elif r < 0.8:
        cells["name_fa"] = vary_persian(rnd, fa, kinds)
        kinds.append("Persian only")
    else:
        cells["name_en"] = vary_latin(rnd, en, kinds)
        cells["name_fa"] = vary_persian(rnd, fa, kinds)
        kinds.append("both scripts")
    if not set(kinds) - {"Latin only", "Persian only", "both scripts"}:
        kinds.append("name as in the graph")
    if profile.deaths and rnd.random() < 0.6:
        cells["date_of_death"] = _date_cell(rnd, profile)
    if profile.places and rnd.random() < 0.5:
        place = index.profile(sorted(profile.places)[0])
        if place is not None:
            names = [t for t, lang, _ in place.names if lang in ("en", "fa")]
            cells["prison"] = rnd.choice(names)
    if profile.births and rnd.random() < 0.8:
        born = profile.births[0][0]
        if rnd.random() < 0.4 and profile.deaths:
            cells["age"] = str(profile.deaths[0].earliest.year - born - rnd.randrange(2))
        elif rnd.random() < 0.3:
            cells["birth_year"] = str(born - 621)  # Solar Hijri
        else:
            cells["birth_year"] = str(born)
    if profile.fathers and rnd.random() < 0.6:
        father = profile.fathers[0]
        other = synth_names.PERSIAN_OF.get(father)
        if other and rnd.random() < 0.3:  # a Persian list gives the Latin father in Persian
            father = other
        elif father.isascii() and rnd.random() < 0.3:
            father = synth_names.respell(rnd, father)
        cells["father_name"] = father
    if profile.affiliations and rnd.random() < 0.5:
        org = index.profile(sorted(profile.affiliations)[0])
        if org is not None:
            cells["affiliation"] = rnd.choice([t for t, _l, _r in org.names])
    return _row(cells, profile.iri, kinds)


def _row(cells: dict[str, str], truth: str | None, kinds: list[str]) -> Row:
    given = [k for k in cells if k not in ("record_id", "name_en", "name_fa") and cells[k]]
    if len(given) == 1:
        kinds.append(f"only field: {given[0]}")
    return Row({k: v for k, v in cells.items() if v}, truth, len(given), tuple(kinds))


def near_name(rnd: random.Random, en: str) -> tuple[str, str]:
    """A name close to a graph person's, but another person's (Karimi -> Karimian)."""
    given, _, last = en.rpartition(" ")
    if rnd.random() < 0.3 and given.split()[0] in NEAR_GIVEN:
        first = given.split()
        first[0] = NEAR_GIVEN[first[0]]
        given = " ".join(first)
    else:
        stem = last[:-1] if last.endswith("i") else last
        choices = [stem + suffix for suffix, _fa, _j in synth_names.SUFFIXES] + [stem + "i"]
        last = rnd.choice([c for c in choices if c != last])
    return given, last


def unlisted_row(rnd: random.Random, n: int, prisons: list[Profile],
                 victims: list[Profile]) -> Row:
    """Someone not in the graph: a name drawn as synth draws them (so sometimes a namesake
    of people in the graph), or, for a third, a near-identical name of a graph victim."""
    kinds: list[str] = []
    if rnd.random() < 0.35:
        en = next(t for t, lang, rank in rnd.choice(victims).names if lang == "en" and rank < 3)
        given, last = near_name(rnd, en)
        cells = {"record_id": f"new-{n}", "name_en": vary_latin(rnd, f"{given} {last}", kinds)}
        kinds.append("not in graph: near name")
    else:
        (fen, ffa) = synth_names.written(rnd, synth_names.given(rnd, rnd.random() < 0.12))
        len_, lfa = synth_names.surname(rnd)
        cells = {"record_id": f"new-{n}", "name_en": vary_latin(rnd, f"{fen} {len_}", kinds)}
        if rnd.random() < 0.3:
            cells["name_fa"] = f"{ffa} {lfa}"
        kinds.append("not in graph: drawn name")
    if rnd.random() < 0.6:
        day = (jdatetime.date(1367, 4, 28) + jdatetime.timedelta(days=rnd.randrange(120)))
        cells["date_of_death"] = f"{day.year}/{day.month:02d}/{day.day:02d}"
    if rnd.random() < 0.5:
        cells["prison"] = rnd.choice(prisons).label
    if rnd.random() < 0.3:
        cells["birth_year"] = str(1940 + rnd.randrange(32))
    if rnd.random() < 0.3:
        cells["father_name"] = synth_names.given(rnd)[0]
    return _row(cells, None, kinds)


def make_list(index: MatchIndex, rows: int, seed: int) -> list[Row]:
    rnd = random.Random(seed)
    victims = [p for p in index.profiles if p.kind == "person" and "synth-victim" in p.iri]
    prisons = [p for p in index.profiles if p.kind == "place" and "prison" in p.iri]
    listed = [listed_row(rnd, index, p) for p in rnd.sample(victims, int(rows * 0.8))]
    unlisted = [unlisted_row(rnd, n, prisons, victims) for n in range(rows - len(listed))]
    out = listed + unlisted
    rnd.shuffle(out)
    return out


def identifiable(index: MatchIndex, row: Row, truth: Profile, strict: bool = False) -> bool:
    """No namesake (same English label) fits every field the row gives, by the truth: one
    that lacks a field fits it too (nobody can tell), unless `strict`, where a namesake must
    have the field and agree (the row then fits two people equally: a matcher can only
    guess)."""
    record = record_from_row(row.cells)
    label = truth.label
    for n in index.candidates([label], ("person",)):
        other = index.profiles[n]
        if other.iri == truth.iri or other.label != label:
            continue
        ok = True
        if record.death and (other.deaths or strict):
            ok &= any(record.death.overlaps(d) for d in other.deaths)
        if "prison" in row.cells:
            ok &= bool(other.places & truth.places)
        if record.birth_range(truth.deaths[0] if truth.deaths else None) and (
                other.births or strict):
            ok &= any(b[0] in range(truth.births[0][0] - 1, truth.births[0][0] + 2)
                      for b in other.births) if truth.births else not strict
        if record.affiliations and (other.affiliations or strict):
            ok &= bool(other.affiliations & truth.affiliations)
        if record.father_names and (other.fathers or strict):
            ok &= bool(set(other.fathers) & set(truth.fathers))
        if ok:
            return False
    return True


def recall_ceiling(listed: int, ambiguous: int, precision: float = 0.98) -> float:
    """The most recall any matcher keeping `precision` can reach when `ambiguous` of the
    `listed` rows fit two or more people equally: each of those it matches is a guess, right
    at most half the time, and its wrong guesses count against precision. At best it gets
    every other row right and guesses on g ambiguous rows with g right and g wrong, so
    (n + g) / (n + 2g) >= precision, n = listed - ambiguous."""
    n = listed - ambiguous
    guesses = min(ambiguous / 2, n * (1 - precision) / (2 * precision - 1))
    return (n + guesses) / listed if listed else 0.0


def score(pairs: list[tuple[Row, str | None, bool]], subset) -> dict[str, float]:  # noqa: ANN001
    """Precision and recall of `match` and of the top candidate over the rows in `subset`."""
    chosen = [(row, top, match) for row, top, match in pairs if subset(row)]
    in_graph = sum(1 for row, _, _ in chosen if row.truth)
    matched = [(row, top) for row, top, match in chosen if match]
    topped = [(row, top) for row, top, _ in chosen if top]
    ok_match = sum(1 for row, top in matched if top == row.truth)
    ok_top = sum(1 for row, top in topped if top == row.truth)
    precision = ok_match / len(matched) if matched else 1.0
    recall = ok_match / in_graph if in_graph else 0.0
    return {"rows": len(chosen), "in_graph": in_graph, "matched": len(matched),
            "wrong_matches": len(matched) - ok_match,
            "match_precision": precision, "match_recall": recall,
            "match_f1": 2 * precision * recall / (precision + recall) if recall else 0.0,
            "top_precision": ok_top / len(topped) if topped else 1.0,
            "top_recall": ok_top / in_graph if in_graph else 0.0}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--baseline-rows", type=int, default=500)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--list-only", action="store_true",
                        help="time the list and report its accuracy, nothing else (while "
                        "working on the matcher's speed)")
    args = parser.parse_args(argv)
    store = DiskStore(args.store)
    started = time.perf_counter()
    MATCH_INDEX.clear(store)
    index = index_for(store)
    build = time.perf_counter() - started
    print(f"index: {len(index)} entities, built or read in {build:.1f} s", flush=True)
    rows = make_list(index, args.rows, args.seed)
    started, cpu = time.perf_counter(), time.process_time()
    rankings, share = match_list(index, [record_from_row(row.cells) for row in rows], limit=5)
    whole, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"matched {len(rows)} rows in {whole:.1f} s wall, {cpu:.1f} s CPU "
          f"({whole / len(rows) * 1000:.2f} ms/row; the CPU time is what an idle machine "
          "would take, the wall time what this one took); load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    truly = sum(1 for row in rows if row.truth) / len(rows)
    print(f"share of the list in the graph: estimated {share:.3f} from the list, truly "
          f"{truly:.3f}")

    def decided() -> list[tuple[Row, str | None, bool]]:
        return [(row, r.candidates[0].iri if r.candidates else None,
                 bool(r.candidates and r.candidates[0].match))
                for row, r in zip(rows, rankings, strict=True)]

    pairs = decided()
    # The same rows as single queries (/reconcile): no list to tell how much of it the
    # graph holds, so as many people again are assumed outside it.
    for ranking in rankings:
        ranking.decide(OUTSIDE_ODDS)
    single = decided()
    ident = {id(r): identifiable(index, r, index.profile(r.truth)) for r in rows
             if r.truth and r.fields}
    ambiguous = sum(1 for r in rows if r.truth and r.fields
                    and not identifiable(index, r, index.profile(r.truth), strict=True))
    listed = sum(1 for r in rows if r.truth and r.fields)
    ceiling = recall_ceiling(listed, ambiguous)
    print(f"listed rows with a name and another field: {listed}; of which {ambiguous} "
          f"({ambiguous / listed:.1%}) fit a namesake in the graph as well as their person "
          f"(the namesake has every field the row gives, and it agrees): the most recall any "
          f"matcher at precision 0.98 could reach on them all is {ceiling:.3f}")
    subsets = {
        "name + at least one other field": lambda r: r.fields >= 1,
        "  of which identifiable": lambda r: r.fields >= 1 and (r.truth is None or ident[id(r)]),
        "name alone": lambda r: r.fields == 0,
        "all rows": lambda r: True,
    }
    figures: dict[str, object] = {"rows": len(rows), "index_seconds": round(build, 2),
                                  "list_seconds": round(whole, 2),
                                  "list_cpu_seconds": round(cpu, 2),
                                  "listed_share": {"estimated": round(share, 3),
                                                   "true": round(truly, 3)},
                                  "ambiguous_rows": ambiguous,
                                  "recall_ceiling_at_precision_0.98": round(ceiling, 3)}
    print(f"{'rows':40} {'n':>6} {'listed':>6} {'match P':>8} {'match R':>8} {'top P':>7} "
          f"{'top R':>7}")
    for name, subset in subsets.items():
        s = score(pairs, subset)
        figures[name.strip()] = s
        print(f"{name:40} {s['rows']:6d} {s['in_graph']:6d} {s['match_precision']:8.3f} "
              f"{s['match_recall']:8.3f} {s['top_precision']:7.3f} {s['top_recall']:7.3f}")
    # By how the row was made (rows with a name and at least one other field).
    kinds = sorted({k for row in rows for k in row.kinds})
    print(f"\n{'variation (rows with another field)':40} {'n':>6} {'listed':>6} {'match P':>8} "
          f"{'match R':>8} {'F1':>6} {'wrong':>6} {'top R':>7}")
    by_kind = {}
    for kind in kinds:
        s = score(pairs, lambda r, kind=kind: r.fields >= 1 and kind in r.kinds)
        by_kind[kind] = s
        print(f"{kind:40} {s['rows']:6d} {s['in_graph']:6d} {s['match_precision']:8.3f} "
              f"{s['match_recall']:8.3f} {s['match_f1']:6.3f} {s['wrong_matches']:6d} "
              f"{s['top_recall']:7.3f}")
    figures["by_variation"] = by_kind
    print("\nThe same rows as single queries (/reconcile: as many people again assumed "
          "outside the graph)")
    for name, subset in subsets.items():
        s = score(single, subset)
        figures[f"single query: {name.strip()}"] = s
        print(f"{name:40} {s['rows']:6d} {s['in_graph']:6d} {s['match_precision']:8.3f} "
              f"{s['match_recall']:8.3f} {s['top_precision']:7.3f} {s['top_recall']:7.3f}")
    if args.list_only:
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return 0
    # The alternative: best label by rapidfuzz over every person's labels, names only.
    choices: dict[int, str] = {}
    owners: list[str] = []
    for p in index.profiles:
        if p.kind == "person":
            for text, _lang, _rank in p.names:
                choices[len(owners)] = text
                owners.append(p.iri)
    sample = rows[: args.baseline_rows]
    started = time.perf_counter()
    right = 0
    for row in sample:
        query = row.cells.get("name_en") or row.cells.get("name_fa", "")
        best = process.extractOne(query, choices, scorer=fuzz.token_sort_ratio)
        right += bool(best and row.truth and owners[best[2]] == row.truth)
    naive = (time.perf_counter() - started) / len(sample)
    ours_right = sum(1 for row, top, _ in pairs[: args.baseline_rows] if top and top == row.truth)
    print(f"baseline extractOne: {naive * 1000:.1f} ms/row ({naive * len(rows):.0f} s for the "
          f"list, {naive / (whole / len(rows)):.1f}x kg's time); top correct {right}/"
          f"{len(sample)} against kg's {ours_right}/{len(sample)}")
    figures["baseline"] = {"ms_per_row": round(naive * 1000, 2), "top_correct": right,
                           "kg_top_correct": ours_right, "sample": len(sample)}
    # /reconcile: batches of 10 queries, form-encoded, through the whole Flask request path.
    app = create_app(Config.load({"store": str(args.store)}, environ={}), store=store)
    client = app.test_client()
    rnd = random.Random(args.seed)
    times: list[float] = []
    cpu_times: list[float] = []
    for _ in range(args.batches):
        batch = {}
        for k, row in enumerate(rnd.sample(rows, 10)):
            record: Record = record_from_row(row.cells)
            props = [{"pid": pid, "v": row.cells[pid]} for pid in
                     ("date_of_death", "prison", "birth_year", "age", "affiliation",
                      "father_name")
                     if pid in row.cells]
            batch[f"q{k}"] = {"query": record.names[0], "type": "https://schema.org/Person",
                              "properties": props}
        began, began_cpu = time.perf_counter(), time.thread_time()
        response = client.post("/reconcile", data={"queries": json.dumps(batch)})
        times.append((time.perf_counter() - began) * 1000)
        cpu_times.append((time.thread_time() - began_cpu) * 1000)
        assert response.status_code == 200
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    c50, c95 = statistics.median(cpu_times), percentile(cpu_times, 0.95)
    print(f"/reconcile batches of 10: p50 {p50:.1f} ms, p95 {p95:.1f} ms wall; CPU p50 "
          f"{c50:.1f} ms, p95 {c95:.1f} ms ({len(times)} batches)")
    figures["reconcile_ms"] = {"p50": round(p50, 1), "p95": round(p95, 1),
                               "cpu_p50": round(c50, 1), "cpu_p95": round(c95, 1)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
