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
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jdatetime
from rapidfuzz import fuzz, process

from kg.config import Config
from kg.matching import Record, index_for, match_record, record_from_row
from kg.matching.index import MATCH_INDEX, MatchIndex
from kg.matching.profiles import Profile
from kg.store import DiskStore
from kg.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
from synth import FIRST, LAST, VARIANTS  # noqa: E402

MORE_VARIANTS = {"Hossein": "Hussein", "Mohammad": "Muhammad", "Reza": "Riza", "Ali": "Aly",
                 "Ahmadi": "Ahmady", "Karimi": "Kareemi", "Moradi": "Muradi",
                 "Rahimi": "Rahimy", "Hashemi": "Hashimi", "Jafari": "Jaafari",
                 "Khosravi": "Khosrowi", "Zahra": "Zahraa", "Maryam": "Mariam",
                 "Leila": "Leyla", "Shirin": "Shireen", "Tehrani": "Tehraani"}
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
NEW_LAST = [("Khosravani", "خسروانی"), ("Ahmadzadeh", "احمدزاده"), ("Karimian", "کریمیان"),
            ("Moradian", "مرادیان"), ("Hashemzadeh", "هاشم‌زاده"), ("Rezaeian", "رضاییان")]


@dataclass
class Row:
    cells: dict[str, str]
    truth: str | None  # the person's IRI, None for people not in the graph
    fields: int  # how many fields besides the name


def _typo(rnd: random.Random, text: str) -> str:
    i = rnd.randrange(1, max(2, len(text) - 1))
    if rnd.random() < 0.5 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rnd.choice("aeiourstnml") + text[i + 1:]


def vary_latin(rnd: random.Random, name: str) -> str:
    words = name.split()
    if rnd.random() < 0.35:
        words = [MORE_VARIANTS.get(w, VARIANTS.get(w, w)) if rnd.random() < 0.7 else w
                 for w in words]
    if rnd.random() < 0.08:
        k = rnd.randrange(len(words))
        words[k] = _typo(rnd, words[k])
    if rnd.random() < 0.05:
        words = ["Seyed", *words]
    if rnd.random() < 0.1:
        return f"{words[-1]}, {' '.join(words[:-1])}"
    return " ".join(words)


def vary_persian(rnd: random.Random, name: str) -> str:
    if rnd.random() < 0.4:
        name = name.translate(ARABIC_LETTERS)
    if "\u200c" in name and rnd.random() < 0.5:
        name = name.replace("\u200c", rnd.choice(["", " "]))
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
    r = rnd.random()
    if r < 0.55 or not fa:
        cells["name_en"] = vary_latin(rnd, en)
    elif r < 0.8:
        cells["name_fa"] = vary_persian(rnd, fa)
    else:
        cells["name_en"], cells["name_fa"] = vary_latin(rnd, en), vary_persian(rnd, fa)
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
    if profile.affiliations and rnd.random() < 0.5:
        org = index.profile(sorted(profile.affiliations)[0])
        if org is not None:
            cells["affiliation"] = rnd.choice([t for t, _l, _r in org.names])
    fields = sum(1 for k in cells if k not in ("record_id", "name_en", "name_fa") and cells[k])
    return Row({k: v for k, v in cells.items() if v}, profile.iri, fields)


def unlisted_row(rnd: random.Random, n: int, prisons: list[Profile]) -> Row:
    (fen, ffa), (len_, lfa) = rnd.choice(FIRST), rnd.choice(LAST + NEW_LAST)
    cells = {"record_id": f"new-{n}", "name_en": vary_latin(rnd, f"{fen} {len_}")}
    if rnd.random() < 0.3:
        cells["name_fa"] = f"{ffa} {lfa}"
    if rnd.random() < 0.6:
        day = (jdatetime.date(1367, 4, 28) + jdatetime.timedelta(days=rnd.randrange(120)))
        cells["date_of_death"] = f"{day.year}/{day.month:02d}/{day.day:02d}"
    if rnd.random() < 0.5:
        cells["prison"] = rnd.choice(prisons).label
    if rnd.random() < 0.3:
        cells["birth_year"] = str(1940 + rnd.randrange(32))
    fields = sum(1 for k in cells if k not in ("record_id", "name_en", "name_fa"))
    return Row(cells, None, fields)


def make_list(index: MatchIndex, rows: int, seed: int) -> list[Row]:
    rnd = random.Random(seed)
    victims = [p for p in index.profiles if p.kind == "person" and "synth-victim" in p.iri]
    prisons = [p for p in index.profiles if p.kind == "place" and "prison" in p.iri]
    listed = [listed_row(rnd, index, p) for p in rnd.sample(victims, int(rows * 0.8))]
    unlisted = [unlisted_row(rnd, n, prisons) for n in range(rows - len(listed))]
    out = listed + unlisted
    rnd.shuffle(out)
    return out


def identifiable(index: MatchIndex, row: Row, truth: Profile) -> bool:
    """No namesake (same English label) agrees with every field the row gives, by the truth."""
    record = record_from_row(row.cells)
    label = truth.label
    for n in index.candidates([label], ("person",)):
        other = index.profiles[n]
        if other.iri == truth.iri or other.label != label:
            continue
        ok = True
        if record.death and other.deaths:
            ok &= any(record.death.overlaps(d) for d in other.deaths)
        if "prison" in row.cells:
            ok &= bool(other.places & truth.places)
        if record.birth_range(truth.deaths[0] if truth.deaths else None) and other.births:
            ok &= any(b[0] in range(truth.births[0][0] - 1, truth.births[0][0] + 2)
                      for b in other.births) if truth.births else True
        if record.affiliations and other.affiliations:
            ok &= bool(other.affiliations & truth.affiliations)
        if ok:
            return False
    return True


def score(pairs: list[tuple[Row, str | None, bool]], subset) -> dict[str, float]:  # noqa: ANN001
    """Precision and recall of `match` and of the top candidate over the rows in `subset`."""
    chosen = [(row, top, match) for row, top, match in pairs if subset(row)]
    in_graph = sum(1 for row, _, _ in chosen if row.truth)
    matched = [(row, top) for row, top, match in chosen if match]
    topped = [(row, top) for row, top, _ in chosen if top]
    ok_match = sum(1 for row, top in matched if top == row.truth)
    ok_top = sum(1 for row, top in topped if top == row.truth)
    return {"rows": len(chosen), "in_graph": in_graph,
            "match_precision": ok_match / len(matched) if matched else 1.0,
            "match_recall": ok_match / in_graph if in_graph else 0.0,
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
    args = parser.parse_args(argv)
    store = DiskStore(args.store)
    started = time.perf_counter()
    MATCH_INDEX.clear(store)
    index = index_for(store)
    build = time.perf_counter() - started
    print(f"index: {len(index)} entities, built or read in {build:.1f} s", flush=True)
    rows = make_list(index, args.rows, args.seed)
    started, cpu = time.perf_counter(), time.process_time()
    pairs = []
    for row in rows:
        found = match_record(index, record_from_row(row.cells), limit=5)
        pairs.append((row, found[0].iri if found else None, bool(found and found[0].match)))
    whole, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"matched {len(rows)} rows in {whole:.1f} s wall, {cpu:.1f} s CPU "
          f"({whole / len(rows) * 1000:.2f} ms/row; the CPU time is what an idle machine "
          "would take, the wall time what this one took)")
    ident = {id(r): identifiable(index, r, index.profile(r.truth)) for r in rows
             if r.truth and r.fields}
    subsets = {
        "name + at least one other field": lambda r: r.fields >= 1,
        "  of which identifiable": lambda r: r.fields >= 1 and (r.truth is None or ident[id(r)]),
        "name alone": lambda r: r.fields == 0,
        "all rows": lambda r: True,
    }
    figures: dict[str, object] = {"rows": len(rows), "index_seconds": round(build, 2),
                                  "list_seconds": round(whole, 2),
                                  "list_cpu_seconds": round(cpu, 2)}
    print(f"{'rows':40} {'n':>6} {'listed':>6} {'match P':>8} {'match R':>8} {'top P':>7} "
          f"{'top R':>7}")
    for name, subset in subsets.items():
        s = score(pairs, subset)
        figures[name.strip()] = s
        print(f"{name:40} {s['rows']:6d} {s['in_graph']:6d} {s['match_precision']:8.3f} "
              f"{s['match_recall']:8.3f} {s['top_precision']:7.3f} {s['top_recall']:7.3f}")
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
                     ("date_of_death", "prison", "birth_year", "age", "affiliation")
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
