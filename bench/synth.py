"""Deterministic synthetic kg data, in the project's own vocabulary, for benchmarks.

Benchmarks need a graph shaped like the real one but far larger than the hand-curated data:
victims with en/fa labels and birth years, execution events with dates of every precision at
real prisons, officials with dated memberships, one named graph per source document, and
claims in those graphs with claimant, publication, evidence (Web Annotation with quote and
position selectors) and counts that keep their kind. The terms mirror ontology/kg.ttl,
ontology/concepts.ttl and shapes/editorial.ttl, so queries, pages and the graph explorer
behave as they would on real data. People, claimant bodies and sources are synthetic (never
real names): the data must not be mistaken for documentation, and must never be loaded into
a real store.

Lines are written directly as N-Quads (no rdflib graph), so 100k victims (~1.3M quads) take
a few seconds. Sizes scale linearly: about 13 quads per victim.

    python bench/synth.py --victims 50000 -o /tmp/synth-50k.nq.gz
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import datetime as dt
import gzip
import hashlib
import io
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth_names  # noqa: E402  (bench/ is a directory of scripts)
from kg.namespaces import BASE, GRAPH, ID, RESTRICTED_GRAPH_PREFIX  # noqa: E402, F401 (re-exported)

#: Graph of the shared entity descriptions (people, places, organisations, events).
ENTITIES_GRAPH = GRAPH + "entities"
#: Source graphs: one per source document, named after it (graph/<source slug>) as in data/.
SOURCE_GRAPH_PREFIX = GRAPH + "synth-source-"


def _ns(base: str, *names: str) -> dict[str, str]:
    return {n: f"<{base}{n}>" for n in names}


RDF = _ns("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type")
RDFS = _ns("http://www.w3.org/2000/01/rdf-schema#", "label")
SKOS = _ns("http://www.w3.org/2004/02/skos/core#", "altLabel")
SCHEMA = _ns("https://schema.org/", "Person", "Country", "City", "Cemetery", "NGO",
             "GovernmentOrganization", "Organization", "Report", "inLanguage",
             "QuantitativeValue", "value", "minValue", "maxValue", "unitText", "birthDate",
             "containedInPlace", "author", "publisher", "url")
PROV = _ns("http://www.w3.org/ns/prov#", "Agent", "wasAttributedTo", "wasDerivedFrom",
           "wasQuotedFrom")
ORG = _ns("http://www.w3.org/ns/org#", "Organization", "Membership", "Role", "member",
          "organization", "role", "memberDuring")
TIME = _ns("http://www.w3.org/2006/time#", "Interval", "hasBeginning", "hasEnd", "unitDay",
           "unitMonth", "unitYear")
SEM = _ns("http://semanticweb.cs.vu.nl/2009/11/sem/", "roleType", "subEventOf", "hasPlace",
          "hasEarliestBeginTimeStamp", "hasLatestEndTimeStamp")
OA = _ns("http://www.w3.org/ns/oa#", "Annotation", "TextQuoteSelector", "TextPositionSelector",
         "hasBody", "hasTarget", "hasSource", "hasSelector", "motivatedBy", "exact", "prefix",
         "suffix", "start", "end")
DCT = _ns("http://purl.org/dc/terms/", "source", "title", "language")
KG = _ns(BASE + "ontology#", "Claim", "CountClaim", "Allegation", "TimeClaim", "IdentityClaim",
         "about", "statement", "claimStatus", "supersededBecause", "asserts", "count",
         "countKind", "countedItem", "possiblySameAs", "DateValue", "dateValue", "precision",
         "unitPartOfMonth", "unitSeason", "inferred", "inferenceNote", "date", "beginDate",
         "endDate", "published", "Source", "sourceType", "archivedText", "sha256",
         "authorUnknown", "evidencing", "Grading", "grading", "sourceReliability",
         "informationCredibility", "UnidentifiedPerson", "Court", "Prison", "MassGrave",
         "Event", "Participation", "participant", "inEvent", "involvement", "accessLevel",
         "Restricted", "verifiableOffline", "rationale", "lineageNote", "contradicts",
         "undatedBecause", "fatherName")

XSD = "http://www.w3.org/2001/XMLSchema#"
T_DATE, T_GYEAR, T_GYM = f"^^<{XSD}date>", f"^^<{XSD}gYear>", f"^^<{XSD}gYearMonth>"
T_INT, T_BOOL = f"^^<{XSD}integer>", f"^^<{XSD}boolean>"
TRUE = f'"true"{T_BOOL}'


def concept(scheme: str, name: str) -> str:
    """A concept of ontology/concepts.ttl, e.g. concept('count-kind', 'estimate')."""
    return f"<{ID}concept/{scheme}/{name}>"


def iri(path: str) -> str:
    return f"<{ID}{path}>"


def graph_iri(path: str) -> str:
    return f"<{GRAPH}{path}>"


def lit(text: str, lang: str | None = None) -> str:
    """An N-Quads literal; escaping only where the text needs it (it rarely does)."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
    return f'"{text}"@{lang}' if lang else f'"{text}"'


# ---------------------------------------------------------------------------------------
# Names and places (places and organisations are real; people and claimants are not; the
# people's names are real Persian names, drawn as lists have them: synth_names.py)
# ---------------------------------------------------------------------------------------

#: (slug, English, Persian, prison slug, prison English, prison Persian, weight)
CITIES = [
    ("tehran", "Tehran", "تهران", "evin-prison", "Evin Prison", "زندان اوین", 30),
    ("karaj", "Karaj", "کرج", "gohardasht-prison", "Gohardasht Prison", "زندان گوهردشت", 20),
    ("mashhad", "Mashhad", "مشهد", "vakilabad-prison", "Vakilabad Prison", "زندان وکیل‌آباد", 6),
    ("tabriz", "Tabriz", "تبریز", "tabriz-central-prison", "Tabriz Central Prison",
     "زندان مرکزی تبریز", 5),
    ("isfahan", "Isfahan", "اصفهان", "dastgerd-prison", "Dastgerd Prison", "زندان دستگرد", 5),
    ("shiraz", "Shiraz", "شیراز", "adelabad-prison", "Adelabad Prison", "زندان عادل‌آباد", 5),
    ("ahvaz", "Ahvaz", "اهواز", "karun-prison", "Karun Prison", "زندان کارون", 4),
    ("rasht", "Rasht", "رشت", "lakan-prison", "Lakan Prison", "زندان لاکان", 4),
    ("kermanshah", "Kermanshah", "کرمانشاه", "dizelabad-prison", "Dizelabad Prison",
     "زندان دیزل‌آباد", 3),
]
MORE_CITIES = [("qom", "Qom", "قم"), ("hamadan", "Hamadan", "همدان"),
               ("orumieh", "Orumieh", "ارومیه"), ("zanjan", "Zanjan", "زنجان"),
               ("sanandaj", "Sanandaj", "سنندج"), ("qazvin", "Qazvin", "قزوین"),
               ("arak", "Arak", "اراک"), ("dezful", "Dezful", "دزفول"),
               ("khorramabad", "Khorramabad", "خرم‌آباد"), ("semnan", "Semnan", "سمنان"),
               ("gorgan", "Gorgan", "گرگان"), ("sari", "Sari", "ساری"),
               ("babol", "Babol", "بابل"), ("yazd", "Yazd", "یزد"),
               ("kerman", "Kerman", "کرمان"), ("bandar-abbas", "Bandar Abbas", "بندرعباس"),
               ("ardabil", "Ardabil", "اردبیل"), ("qorveh", "Qorveh", "قروه"),
               ("lahijan", "Lahijan", "لاهیجان"), ("ilam", "Ilam", "ایلام"),
               ("birjand", "Birjand", "بیرجند"), ("zahedan", "Zahedan", "زاهدان"),
               ("masjed-soleyman", "Masjed Soleyman", "مسجدسلیمان")]
for _slug, _en, _fa in MORE_CITIES:
    CITIES.append((_slug, _en, _fa, f"{_slug}-central-prison", f"{_en} Central Prison",
                   f"زندان مرکزی {_fa}", 1))

#: Victims' political affiliations: (slug, English, Persian, acronym, weight)
VICTIM_ORGS = [
    ("mek", "People's Mojahedin Organization of Iran", "سازمان مجاهدین خلق ایران", "PMOI", 70),
    ("fadaiyan", "Organization of Iranian People's Fadaian", "سازمان چریک‌های فدایی خلق ایران",
     "OIPF", 8),
    ("tudeh", "Tudeh Party of Iran", "حزب توده ایران", "Tudeh", 8),
    ("kdpi", "Democratic Party of Iranian Kurdistan", "حزب دموکرات کردستان ایران", "KDPI", 5),
    ("komala", "Komala", "کومله", "Komala", 4),
    ("paykar", "Paykar", "سازمان پیکار در راه آزادی طبقه کارگر", "Paykar", 3),
    ("rah-e-kargar", "Organization of Revolutionary Workers of Iran",
     "سازمان کارگران انقلابی ایران", "Rah-e Kargar", 2),
]
#: State bodies officials belong to: (slug, English, Persian, is a court)
STATE_ORGS = [
    ("mois", "Ministry of Intelligence of Iran", "وزارت اطلاعات", False),
    ("iran-judiciary", "Judiciary of Iran", "قوه قضاییه", False),
    ("revolutionary-court-tehran", "Islamic Revolutionary Court of Tehran",
     "دادگاه انقلاب اسلامی تهران", True),
    ("prisons-organization", "Prisons Organization", "سازمان زندان‌ها", False),
    ("irgc", "Islamic Revolutionary Guard Corps", "سپاه پاسداران انقلاب اسلامی", False),
    ("office-of-the-supreme-leader", "Office of the Supreme Leader", "دفتر رهبری", False),
    ("tehran-commission-1988", "Tehran commission of 1988", "هیئت مرگ تهران", False),
]
#: Roles (org:Role) as data/entities.trig names them.
POSTS = [("religious-judge", "religious (sharia) judge", "حاکم شرع"),
         ("prosecutor", "prosecutor", "دادستان"),
         ("deputy-prosecutor", "deputy prosecutor", "دادیار"),
         ("intelligence-representative", "intelligence ministry representative",
          "نماینده وزارت اطلاعات"),
         ("commission-member", "commission member", "عضو هیئت"),
         ("senior-official", "senior official", "مقام ارشد")]
ACTIVIST = ("activist", "activist", "فعال")
SOURCE_TYPES = ["report", "article", "blog-post", "ngo-statement", "memoir", "interview",
                "video", "book-chapter", "website", "official-statement"]
INVOLVEMENT = ["gave-orders", "directly-carried-out", "participated", "assisted", "complicity",
               "covered-up", "general-political-responsibility"]
LANGS = ["en", "en", "en", "fa", "fa", "fr", "de"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


# ---------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------

class _Writer:
    """Buffers N-Quads lines and writes them in large chunks (the hot path of the generator)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.buf: list[str] = []
        self.count = 0
        self._blank = 0

    def q(self, s: str, p: str, o: str, g: str) -> None:
        self.buf.append(f"{s} {p} {o} {g} .\n")
        if len(self.buf) >= 20000:
            self.flush()

    def bnode(self) -> str:
        self._blank += 1
        return f"_:b{self._blank}"

    def flush(self) -> None:
        self.count += len(self.buf)
        self.out.write("".join(self.buf))
        self.buf.clear()


class _Generator:
    """One run of the generator: fixed scale parameters derived from the number of victims."""

    def __init__(self, victims: int, out: IO[str], seed: int) -> None:
        self.n = victims
        self.rnd = random.Random(seed)
        self.w = _Writer(out)
        self.e = f"<{ENTITIES_GRAPH}>"
        # Scale: ~40 victims per execution event, ~250 per source document, ~500 per official.
        self.n_events = max(4, victims // 40)
        self.n_sources = max(6, victims // 250)
        self.n_officials = max(10, victims // 500)
        self.n_claimant_orgs = max(4, min(60, victims // 2000))
        self.n_unidentified = max(3, min(200, victims // 1000))
        self.n_restricted = max(1, victims // 10000)

    # -- small building blocks ---------------------------------------------------------
    def labels(self, s: str, en: str, fa: str | None, g: str) -> None:
        q = self.w.q
        q(s, RDFS["label"], lit(en, "en"), g)
        if fa:
            q(s, RDFS["label"], lit(fa, "fa"), g)

    def date(self, day: dt.date, g: str, precision: str | None = None) -> str:
        """A kg:DateValue (blank node) for `day` at a precision drawn like the real sources'."""
        q, rnd = self.w.q, self.rnd
        node = self.w.bnode()
        if precision is None:
            r = rnd.random()
            precision = ("day" if r < 0.55 else "month" if r < 0.75 else
                         "part" if r < 0.90 else "season" if r < 0.95 else "year")
        last = calendar.monthrange(day.year, day.month)[1]
        if precision == "day":
            value, unit, lo, hi = f'"{day.isoformat()}"{T_DATE}', TIME["unitDay"], day, day
        elif precision == "month":
            value, unit = f'"{day.year}-{day.month:02d}"{T_GYM}', TIME["unitMonth"]
            lo, hi = day.replace(day=1), day.replace(day=last)
        elif precision == "part":
            value, unit = f'"{day.year}-{day.month:02d}"{T_GYM}', KG["unitPartOfMonth"]
            third = min((day.day - 1) // 10, 2)
            lo, hi = day.replace(day=1 + 10 * third), day.replace(day=last if third == 2
                                                                   else 10 * (third + 1))
        elif precision == "season":
            value, unit = f'"{day.year}"{T_GYEAR}', KG["unitSeason"]
            autumn = day.month >= 9
            lo = dt.date(day.year, 9 if autumn else 6, 22 if autumn else 21)
            hi = dt.date(day.year, 12 if autumn else 9, 20 if autumn else 21)
        else:
            value, unit = f'"{day.year}"{T_GYEAR}', TIME["unitYear"]
            lo, hi = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        q(node, RDF["type"], KG["DateValue"], g)
        q(node, KG["dateValue"], value, g)
        q(node, KG["precision"], unit, g)
        q(node, SEM["hasEarliestBeginTimeStamp"], f'"{lo.isoformat()}"{T_DATE}', g)
        q(node, SEM["hasLatestEndTimeStamp"], f'"{hi.isoformat()}"{T_DATE}', g)
        if precision != "day" and rnd.random() < 0.1:
            q(node, KG["inferred"], TRUE, g)
            q(node, KG["inferenceNote"], lit("Inferred from the surrounding account.", "en"), g)
        return node

    def claim(self, claim: str, kinds: tuple[str, ...], src: int, claimant: str, statement: str,
              quote: str, about: tuple[str, ...] = (), status: str = "asserted") -> None:
        """A claim node in its source's graph, with claimant, publication and evidence."""
        q, rnd = self.w.q, self.rnd
        g = self.source_graph(src)
        for kind in kinds:
            q(claim, RDF["type"], KG[kind], g)
        q(claim, DCT["source"], self.source_iri(src), g)
        q(claim, PROV["wasAttributedTo"], claimant, g)
        q(claim, KG["claimStatus"], concept("claim-status", status), g)
        if status == "superseded":
            q(claim, KG["supersededBecause"],
              lit("A later list from the same source corrects it.", "en"), g)
        q(claim, KG["statement"], lit(statement, "en"), g)
        for thing in about:
            q(claim, KG["about"], thing, g)
        ann = "<" + ID + "annotation/" + claim[len(ID) + 7:]
        target, tqs, tps = self.w.bnode(), self.w.bnode(), self.w.bnode()
        q(ann, RDF["type"], OA["Annotation"], g)
        q(ann, OA["motivatedBy"], KG["evidencing"], g)
        q(ann, OA["hasBody"], claim, g)
        q(ann, OA["hasTarget"], target, g)
        q(target, OA["hasSource"], self.source_iri(src), g)
        q(target, OA["hasSelector"], tqs, g)
        q(target, OA["hasSelector"], tps, g)
        q(tqs, RDF["type"], OA["TextQuoteSelector"], g)
        q(tqs, OA["exact"], lit(quote), g)
        q(tqs, OA["prefix"], lit("according to the documents, "), g)
        q(tqs, OA["suffix"], lit(" in the summer of that year"), g)
        start = rnd.randrange(0, 200000)
        q(tps, RDF["type"], OA["TextPositionSelector"], g)
        # Plain integers, as data/ writes them (Oxigraph stores xsd:nonNegativeInteger as
        # xsd:integer anyway, so the shapes check xsd:integer with sh:minInclusive 0).
        q(tps, OA["start"], f'"{start}"{T_INT}', g)
        q(tps, OA["end"], f'"{start + len(quote)}"{T_INT}', g)

    def source_iri(self, i: int) -> str:
        return iri(f"source/synth-source-{i:05d}")

    def source_graph(self, i: int) -> str:
        return f"<{SOURCE_GRAPH_PREFIX}{i:05d}>"

    def exec_day(self) -> dt.date:
        """Most killings late July to September 1988, a tail to January 1989."""
        r = self.rnd.random()
        start = dt.date(1988, 7, 19)
        span = 75 if r < 0.85 else 190
        return start + dt.timedelta(days=int(self.rnd.random() * span))

    # -- the graph ---------------------------------------------------------------------
    def run(self) -> int:
        self.places()
        self.organisations()
        self.events()
        self.sources()
        self.event_dates()
        self.officials()
        self.victims()
        self.restricted()
        self.w.flush()
        return self.w.count

    def places(self) -> None:
        q, e = self.w.q, self.e
        iran = iri("place/iran")
        q(iran, RDF["type"], SCHEMA["Country"], e)
        self.labels(iran, "Iran", "ایران", e)
        self.prisons: list[tuple[str, str, int]] = []
        for slug, en, fa, pslug, pen, pfa, weight in CITIES:
            city, prison = iri(f"place/{slug}"), iri(f"place/{pslug}")
            q(city, RDF["type"], SCHEMA["City"], e)
            self.labels(city, en, fa, e)
            q(city, SCHEMA["containedInPlace"], iran, e)
            q(prison, RDF["type"], KG["Prison"], e)
            self.labels(prison, pen, pfa, e)
            q(prison, SCHEMA["containedInPlace"], city, e)
            grave = iri(f"place/{slug}-mass-grave")
            q(grave, RDF["type"], KG["MassGrave"], e)
            self.labels(grave, f"Mass grave near {en}", f"گور جمعی {fa}", e)
            q(grave, SCHEMA["containedInPlace"], city, e)
            ev = iri(f"event/1988-massacre-{pslug.removesuffix('-prison')}")
            q(ev, RDF["type"], KG["Event"], e)
            self.labels(ev, f"1988 executions at {pen}", f"اعدام‌های ۱۳۶۷ در {pfa}", e)
            q(ev, SEM["subEventOf"], iri("event/1988-massacre"), e)
            q(ev, SEM["hasPlace"], prison, e)
            self.prisons.append((prison, pen, weight, ev))
        khavaran = iri("place/khavaran")
        q(khavaran, RDF["type"], SCHEMA["Cemetery"], e)
        q(khavaran, RDF["type"], KG["MassGrave"], e)
        self.labels(khavaran, "Khavaran cemetery", "گورستان خاوران", e)
        q(khavaran, SKOS["altLabel"], lit("Golestan Javid", "en"), e)
        q(khavaran, SCHEMA["containedInPlace"], iri("place/tehran"), e)
        self.prison_weights = [p[2] for p in self.prisons]

    def organisations(self) -> None:
        q, e = self.w.q, self.e
        self.victim_orgs = []
        for slug, en, fa, acronym, weight in VICTIM_ORGS:
            org = iri(f"org/{slug}")
            self.org_types(org, SCHEMA["Organization"])
            self.labels(org, en, fa, e)
            q(org, SKOS["altLabel"], lit(acronym, "en"), e)
            self.victim_orgs.append((org, weight))
        self.state_orgs = []
        for slug, en, fa, court in STATE_ORGS:
            org = iri(f"org/{slug}")
            self.org_types(org, KG["Court"] if court else SCHEMA["GovernmentOrganization"])
            self.labels(org, en, fa, e)
            self.state_orgs.append(org)
        self.posts = []
        for slug, en, fa in [*POSTS, ACTIVIST]:
            post = iri(f"role/{slug}")
            q(post, RDF["type"], ORG["Role"], e)
            self.labels(post, en, fa, e)
            self.posts.append(post)
        # Claimants: synthetic bodies and unnamed people, never real organisations.
        self.claimants = []
        for i in range(self.n_claimant_orgs):
            org = iri(f"org/synth-documentation-centre-{i:03d}")
            self.org_types(org, SCHEMA["NGO"])
            self.labels(org, f"Documentation Centre {i} (synthetic)",
                        f"مرکز اسناد {i} (ساختگی)", e)
            self.claimants.append(org)
        self.unidentified = []
        for i in range(self.n_unidentified):
            person = iri(f"person/synth-unidentified-{i:04d}")
            q(person, RDF["type"], KG["UnidentifiedPerson"], e)
            q(person, RDF["type"], PROV["Agent"], e)
            q(person, RDFS["label"], lit(f"a former official, unnamed ({i})", "en"), e)
            self.unidentified.append(person)

    def org_types(self, org: str, kind: str) -> None:
        """Typed as data/entities.trig types organisations: ORG, a schema.org kind, an agent."""
        q, e = self.w.q, self.e
        q(org, RDF["type"], ORG["Organization"], e)
        q(org, RDF["type"], kind, e)
        q(org, RDF["type"], PROV["Agent"], e)

    def person(self, person: str, g: str) -> None:
        self.w.q(person, RDF["type"], SCHEMA["Person"], g)
        self.w.q(person, RDF["type"], PROV["Agent"], g)

    def events(self) -> None:
        q, e, rnd = self.w.q, self.e, self.rnd
        massacre = self.massacre = iri("event/1988-massacre")
        q(massacre, RDF["type"], KG["Event"], e)
        self.labels(massacre, "1988 mass execution of political prisoners",
                    "اعدام دسته‌جمعی زندانیان سیاسی ۱۳۶۷", e)
        q(massacre, SKOS["altLabel"], lit("1988 prison massacre", "en"), e)
        q(massacre, SEM["hasPlace"], iri("place/iran"), e)
        self.event_list: list[tuple[str, str, dt.date]] = []
        prisons = rnd.choices(self.prisons, self.prison_weights, k=self.n_events)
        for i, (prison, prison_en, _, parent) in enumerate(prisons):
            day = self.exec_day()
            ev = iri(f"event/synth-execution-{i:05d}")
            q(ev, RDF["type"], KG["Event"], e)
            self.labels(ev, f"Executions at {prison_en}, {MONTHS[day.month - 1]} 1988 "
                            f"(group {i})", f"اعدام‌ها در {prison_en} (گروه {i})", e)
            q(ev, SEM["subEventOf"], parent, e)
            q(ev, SEM["hasPlace"], prison, e)
            self.event_list.append((ev, prison_en, day))

    def event_dates(self) -> None:
        """When each execution happened is a time claim of some source, never a bare fact."""
        q, rnd = self.w.q, self.rnd
        for i, (ev, prison_en, day) in enumerate(self.event_list):
            src = rnd.randrange(self.n_sources)
            g = self.source_graph(src)
            claim = iri(f"claim/synth-execution-date-{i:05d}")
            q(claim, KG["date"], self.date(day, g), g)
            self.claim(claim, ("TimeClaim",), src, self.claimants[src % len(self.claimants)],
                       f"Prisoners were executed at {prison_en} in {MONTHS[day.month - 1]} "
                       "1988.", f"were executed at {prison_en} in {MONTHS[day.month - 1]}",
                       (ev,))

    def sources(self) -> None:
        """Source documents, each with its own graph, grading and a death-toll claim."""
        q, rnd = self.w.q, self.rnd
        for i in range(self.n_sources):
            g, src = self.source_graph(i), self.source_iri(i)
            kind = SOURCE_TYPES[i % len(SOURCE_TYPES)]
            q(src, RDF["type"], KG["Source"], g)
            q(src, RDF["type"], SCHEMA["Report"], g)
            q(src, DCT["title"], lit(f"Synthetic {kind.replace('-', ' ')} no. {i} on the 1988 "
                                     "executions", "en"), g)
            q(src, KG["sourceType"], concept("source-type", kind), g)
            pub = dt.date(1989 + rnd.randrange(35), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
            q(src, KG["published"], self.date(pub, g), g)
            publisher = self.claimants[i % len(self.claimants)]
            q(src, SCHEMA["publisher"], publisher, g)
            if rnd.random() < 0.6:
                q(src, SCHEMA["author"], publisher, g)
            else:
                q(src, KG["authorUnknown"], TRUE, g)
            q(src, DCT["language"], lit(LANGS[i % len(LANGS)]), g)
            q(src, SCHEMA["inLanguage"], lit(LANGS[i % len(LANGS)]), g)
            q(src, SCHEMA["url"], f"<https://example.org/synthetic/source/{i}>", g)
            q(src, KG["archivedText"], lit(f"synth-source-{i:05d}.txt"), g)
            q(src, KG["sha256"], lit(hashlib.sha256(str(i).encode()).hexdigest()), g)
            grading = self.w.bnode()
            q(src, KG["grading"], grading, g)
            q(grading, RDF["type"], KG["Grading"], g)
            q(grading, PROV["wasAttributedTo"], self.claimants[0], g)
            q(grading, KG["date"], self.date(dt.date(2024, 5, 1 + i % 28), g, "day"), g)
            q(grading, KG["sourceReliability"], concept("source-reliability", "abcdef"[i % 6]),
              g)
            q(grading, KG["informationCredibility"],
              concept("information-credibility", str(1 + i % 6)), g)
            q(grading, KG["rationale"], lit("Synthetic grading for the benchmarks.", "en"), g)
            # Lineage is per claim: a fifth of the tolls repeat an earlier source's toll.
            self.toll_claim(i, publisher, rnd.randrange(i) if i and rnd.random() < 0.2 else None)

    def toll_claim(self, i: int, claimant: str, repeats: int | None = None) -> None:
        """A death-toll count claim, of one of the kinds real sources give; tolls 0-1, 10-11,
        ... contradict each other (so both are contested, as the status policy says)."""
        q, rnd = self.w.q, self.rnd
        g = self.source_graph(i)
        claim = iri(f"claim/synth-toll-{i:05d}")
        if repeats is not None:
            link = PROV["wasQuotedFrom"] if repeats % 2 else PROV["wasDerivedFrom"]
            q(claim, link, iri(f"claim/synth-toll-{repeats:05d}"), g)
            q(claim, KG["lineageNote"], lit("Repeats the figure of an earlier source.", "en"), g)
        value = self.w.bnode()
        r = rnd.random()
        q(value, RDF["type"], SCHEMA["QuantitativeValue"], g)
        if r < 0.4:
            n = rnd.choice([2800, 4000, 4482, 5000, 30000])
            q(value, SCHEMA["value"], f'"{n}"{T_INT}', g)
            kind, text, quote = "estimate", f"an estimated {n:,}", f"an estimated {n:,} prisoners"
        elif r < 0.7:
            n = rnd.choice([2000, 4000, 33000])
            q(value, SCHEMA["minValue"], f'"{n}"{T_INT}', g)
            kind, text, quote = "lower-bound", f"more than {n:,}", f"more than {n:,} were killed"
        else:
            lo, hi = rnd.choice([(2800, 5000), (4000, 5000), (3000, 4500)])
            q(value, SCHEMA["minValue"], f'"{lo}"{T_INT}', g)
            q(value, SCHEMA["maxValue"], f'"{hi}"{T_INT}', g)
            kind, text, quote = "range", f"between {lo:,} and {hi:,}", \
                f"between {lo:,} and {hi:,} prisoners"
        q(value, KG["countKind"], concept("count-kind", kind), g)
        q(value, KG["countedItem"], concept("counted", "people-killed"), g)
        q(value, SCHEMA["unitText"], lit("executed political prisoners", "en"), g)
        q(claim, KG["count"], value, g)
        claimant = claimant if rnd.random() < 0.7 else rnd.choice(self.unidentified)
        contested = (i // 2) % 5 == 0 and (i | 1) < self.n_sources
        status = "contested" if contested else "asserted"
        if contested and i % 2:
            q(claim, KG["contradicts"], iri(f"claim/synth-toll-{i - 1:05d}"), g)
        self.claim(claim, ("CountClaim",), i, claimant,
                   f"The 1988 executions killed {text} political prisoners.", quote,
                   (self.massacre,), status)

    def officials(self) -> None:
        """Officials with dated offices, and the allegations naming them in events."""
        q, e, rnd = self.w.q, self.e, self.rnd
        self.official_list = []
        for i in range(self.n_officials):
            (fen, ffa), (len_, lfa) = synth_names.given(rnd), synth_names.surname(rnd)
            person = iri(f"person/synth-official-{i:04d}")
            self.person(person, e)
            self.labels(person, f"{fen} {len_}", f"{ffa} {lfa}", e)
            q(person, SKOS["altLabel"], lit(f"Hojjat-ol-Eslam {len_}", "en"), e)
            self.official_list.append(person)
            for k in range(1 + (i % 3 == 0)):
                src = rnd.randrange(self.n_sources)
                g = self.source_graph(src)
                m = iri(f"membership/synth-official-{i:04d}-{k}")
                org = self.state_orgs[(i + k) % len(self.state_orgs)]
                q(m, RDF["type"], ORG["Membership"], g)
                q(m, ORG["member"], person, g)
                q(m, ORG["organization"], org, g)
                q(m, ORG["role"], self.posts[(i + k) % len(self.posts)], g)
                interval = self.w.bnode()
                q(m, ORG["memberDuring"], interval, g)
                q(interval, RDF["type"], TIME["Interval"], g)
                begin = dt.date(1980 + rnd.randrange(8), 1 + rnd.randrange(12), 1)
                q(interval, TIME["hasBeginning"], self.date(begin, g), g)
                q(interval, TIME["hasEnd"], self.date(begin.replace(year=begin.year + 3 +
                                                                    rnd.randrange(6)), g), g)
                claim = iri(f"claim/synth-office-{i:04d}-{k}")
                q(claim, KG["asserts"], m, g)
                self.claim(claim, ("Claim",), src, self.claimants[src % len(self.claimants)],
                           f"{fen} {len_} held an office in the body named.",
                           f"{len_} served as a member of the", (person, org))
        # Each event: one or two alleged perpetrators, asserted by an allegation.
        for j, (ev, prison_en, _) in enumerate(self.event_list):
            src = rnd.randrange(self.n_sources)
            g = self.source_graph(src)
            claim = iri(f"claim/synth-allegation-{j:05d}")
            about = [ev]
            for k in range(1 + (j % 2)):
                person = self.official_list[(j * 7 + k) % len(self.official_list)]
                p = iri(f"participation/synth-event-{j:05d}-perpetrator-{k}")
                q(p, RDF["type"], KG["Participation"], g)
                q(p, KG["participant"], person, g)
                q(p, KG["inEvent"], ev, g)
                q(p, SEM["roleType"], concept("participation-role", "decision-maker" if k
                                              else "alleged-perpetrator"), g)
                q(p, KG["involvement"], concept("involvement", INVOLVEMENT[(j + k) % 7]), g)
                q(claim, KG["asserts"], p, g)
                about.append(person)
            self.claim(claim, ("Allegation",), src, self.claimants[src % len(self.claimants)],
                       f"Named officials took part in the executions at {prison_en}.",
                       f"sat on the commission at {prison_en}", tuple(about))

    def victims(self) -> None:
        """Victims in batches, each batch listed by one source (some by a second as well)."""
        q, e, rnd, w = self.w.q, self.e, self.rnd, self.w
        birth_years: dict[int, str] = {}
        for year in range(1940, 1972):
            node = iri(f"date/{year}")
            birth_years[year] = node
            q(node, RDF["type"], KG["DateValue"], e)
            q(node, KG["dateValue"], f'"{year}"{T_GYEAR}', e)
            q(node, KG["precision"], TIME["unitYear"], e)
            q(node, SEM["hasEarliestBeginTimeStamp"], f'"{year}-01-01"{T_DATE}', e)
            q(node, SEM["hasLatestEndTimeStamp"], f'"{year}-12-31"{T_DATE}', e)
        victim_role = concept("participation-role", "victim")
        activist = iri(f"role/{ACTIVIST[0]}")
        org_iris = [o for o, _ in self.victim_orgs]
        org_weights = [wt for _, wt in self.victim_orgs]
        batch = max(1, -(-self.n // self.n_sources))
        events = self.event_list
        previous: list[tuple[str, str]] = []
        for start in range(0, self.n, batch):
            src = start // batch
            g = self.source_graph(src)
            claimant = self.claimants[src % len(self.claimants)]
            list_claim = iri(f"claim/synth-victim-list-{src:05d}")
            listed = 0
            # A second source confirms part of the previous batch: corroboration, or not.
            for p, _ in previous:
                if rnd.random() < 0.2:
                    q(list_claim, KG["asserts"], p, g)
            previous = []
            family: tuple[synth_names.Name, synth_names.Name] | None = None
            for v in range(start, min(start + batch, self.n)):
                (fen, ffa) = synth_names.written(rnd, synth_names.given(rnd, rnd.random() < 0.12))
                # Brothers and sisters (same surname and father) are listed one after another.
                if family is not None and rnd.random() < 0.03:
                    (len_, lfa), father = family
                else:
                    (len_, lfa), father = synth_names.surname(rnd), synth_names.given(rnd)
                    family = ((len_, lfa), father)
                person = iri(f"person/synth-victim-{v:06d}")
                self.person(person, e)
                q(person, RDFS["label"], lit(f"{fen} {len_}", "en"), e)
                q(person, RDFS["label"], lit(f"{ffa} {lfa}", "fa"), e)
                r = rnd.random()
                if r < 0.25:
                    alt = synth_names.respell(rnd, f"{fen} {len_}")
                    if alt == f"{fen} {len_}":
                        alt = f"{fen[0]}. {len_}"
                    q(person, SKOS["altLabel"], lit(alt, "en"), e)
                if rnd.random() < 0.4:
                    # The list gives the father's name (in either script), in its graph.
                    fa = rnd.random() < 0.4
                    q(person, KG["fatherName"], lit(father[1], "fa") if fa
                      else lit(father[0], "en"), g)
                if r < 0.3:
                    # The list gives the birth year: a statement of the source, in its graph.
                    q(person, SCHEMA["birthDate"], birth_years[1940 + int(r * 100)], g)
                ev, prison_en, day = events[(v * 2654435761 >> 7) % len(events)]
                p = iri(f"participation/synth-victim-{v:06d}")
                q(p, RDF["type"], KG["Participation"], g)
                q(p, KG["participant"], person, g)
                q(p, KG["inEvent"], ev, g)
                q(p, SEM["roleType"], victim_role, g)
                q(list_claim, KG["asserts"], p, g)
                listed += 1
                previous.append((p, person))
                if rnd.random() < 0.2:
                    m = iri(f"membership/synth-victim-{v:06d}")
                    q(m, RDF["type"], ORG["Membership"], g)
                    q(m, ORG["member"], person, g)
                    q(m, ORG["organization"], rnd.choices(org_iris, org_weights)[0], g)
                    q(m, ORG["role"], activist, g)
                    q(m, KG["undatedBecause"], lit("The list gives no dates.", "en"), g)
                    q(list_claim, KG["asserts"], m, g)
                r = rnd.random()
                if r < 0.015:
                    # Sources disagree on the day: a time claim in another source.
                    other = rnd.randrange(self.n_sources)
                    claim = iri(f"claim/synth-victim-date-{v:06d}")
                    when = day + dt.timedelta(days=rnd.randrange(-20, 20))
                    q(claim, KG["date"], self.date(when, self.source_graph(other)),
                      self.source_graph(other))
                    self.claim(claim, ("TimeClaim",), other, rnd.choice(self.claimants),
                               f"{fen} {len_} was executed in {MONTHS[when.month - 1]} 1988.",
                               f"{fen} {len_} was executed at {prison_en}", (person, ev))
                elif r < 0.02 and v:
                    other_v = v - 1 - rnd.randrange(min(v, 500))
                    claim = iri(f"claim/synth-identity-{v:06d}")
                    twin = iri(f"person/synth-victim-{other_v:06d}")
                    q(person, KG["possiblySameAs"], twin, g)
                    self.claim(claim, ("IdentityClaim",), src, claimant,
                               "Two listed names may denote the same prisoner.",
                               f"also recorded under another spelling, {len_}",
                               (person, twin), "superseded" if r < 0.016 else "asserted")
            self.claim(list_claim, ("Claim",), src, claimant,
                       f"The source lists {listed} named prisoners executed in 1988.",
                       "the following prisoners were executed", (self.massacre,))
            tally = iri(f"claim/synth-victim-tally-{src:05d}")
            value = w.bnode()
            q(tally, KG["count"], value, g)
            q(value, RDF["type"], SCHEMA["QuantitativeValue"], g)
            q(value, SCHEMA["value"], f'"{listed}"{T_INT}', g)
            q(value, KG["countKind"], concept("count-kind", "named-victim-tally"), g)
            q(value, KG["countedItem"], concept("counted", "people-killed"), g)
            q(value, SCHEMA["unitText"], lit("named executed prisoners", "en"), g)
            self.claim(tally, ("CountClaim",), src, claimant,
                       f"The source names {listed} executed prisoners.",
                       f"a list of {listed} names", (self.massacre,))

    def restricted(self) -> None:
        """Witness testimonies in restricted graphs: what the load must route out of public."""
        q, rnd = self.w.q, self.rnd
        for i in range(self.n_restricted):
            g = f"<{RESTRICTED_GRAPH_PREFIX}synth-testimony-{i:04d}>"
            src = iri(f"source/synth-testimony-{i:04d}")
            witness = iri(f"person/synth-witness-{i:04d}")
            self.person(witness, g)
            self.labels(witness, f"Witness {i} (synthetic)", f"شاهد {i} (ساختگی)", g)
            q(witness, KG["accessLevel"], KG["Restricted"], g)
            q(src, RDF["type"], KG["Source"], g)
            q(src, DCT["title"], lit(f"Testimony {i} (synthetic)", "en"), g)
            q(src, KG["sourceType"], concept("source-type", "interview"), g)
            q(src, KG["authorUnknown"], TRUE, g)
            q(src, KG["published"], self.date(dt.date(2016, 3, 1 + i % 28), g, "day"), g)
            ev = self.event_list[rnd.randrange(len(self.event_list))][0]
            p = iri(f"participation/synth-witness-{i:04d}")
            q(p, RDF["type"], KG["Participation"], g)
            q(p, KG["participant"], witness, g)
            q(p, KG["inEvent"], ev, g)
            q(p, SEM["roleType"], concept("participation-role", "witness"), g)
            claim = iri(f"claim/synth-testimony-{i:04d}")
            q(claim, RDF["type"], KG["Claim"], g)
            q(claim, DCT["source"], src, g)
            q(claim, PROV["wasAttributedTo"], witness, g)
            q(claim, KG["asserts"], p, g)
            q(claim, KG["statement"], lit("The witness saw prisoners taken away.", "en"), g)
            ann = iri(f"annotation/synth-testimony-{i:04d}")
            q(ann, RDF["type"], OA["Annotation"], g)
            q(ann, OA["motivatedBy"], KG["evidencing"], g)
            q(ann, OA["hasBody"], claim, g)
            q(ann, OA["hasTarget"], src, g)
            q(ann, KG["verifiableOffline"], f'"false"{T_BOOL}', g)


def generate(victims: int, out: IO[str], seed: int = 1988) -> int:
    """Write a synthetic dataset of `victims` victims to `out` as N-Quads; returns quads written."""
    if victims < 1:
        raise ValueError("victims must be at least 1")
    return _Generator(victims, out, seed).run()


@contextlib.contextmanager
def _open_text(path: Path, gz: bool, level: int) -> Iterator[IO[str]]:
    """A text file for writing, gzipped if asked."""
    if gz:
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=level, newline="\n") as f:
            yield f
    else:
        with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
            yield f


PREFIXES = {"kg": BASE + "ontology#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": "http://www.w3.org/2004/02/skos/core#", "schema": "https://schema.org/",
            "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
            "time": "http://www.w3.org/2006/time#",
            "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/", "oa": "http://www.w3.org/ns/oa#",
            "dcterms": "http://purl.org/dc/terms/", "xsd": XSD}


def write_file(victims: int, path: Path, seed: int = 1988, fmt: str | None = None,
               level: int = 1) -> int:
    """Generate into `path`: N-Quads, or TriG (re-serialised by pyoxigraph, prefixes kept)."""
    name = path.name.removesuffix(".gz")
    fmt = fmt or ("trig" if name.endswith(".trig") else "nq")
    tmp = path.with_name(f".{path.name}.part")
    with _open_text(tmp, path.suffix == ".gz", level) as out:
        if fmt == "nq":
            count = generate(victims, out, seed)
        elif fmt == "trig":
            import pyoxigraph as ox

            buffer = io.StringIO()
            count = generate(victims, buffer, seed)
            quads = ox.parse(buffer.getvalue().encode("utf-8"), ox.RdfFormat.N_QUADS)
            store = ox.Store()
            store.bulk_extend(quads)
            data = ox.serialize(store.quads_for_pattern(None, None, None, None), None,
                                ox.RdfFormat.TRIG, prefixes=PREFIXES)
            out.write(data.decode("utf-8"))
        else:
            raise ValueError(f"unknown format {fmt!r} (nq or trig)")
    tmp.replace(path)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=50000, help="number of victims")
    parser.add_argument("--seed", type=int, default=1988, help="random seed (same seed, "
                        "same bytes)")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="output file: .nq or .trig, optionally .gz; '-' for stdout")
    parser.add_argument("--format", choices=["nq", "trig"], help="default: by extension")
    parser.add_argument("--gzip-level", type=int, default=1,
                        help="gzip level for .gz output (1 = fastest)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if str(args.output) == "-":
        count = generate(args.victims, sys.stdout, args.seed)
    else:
        count = write_file(args.victims, args.output, args.seed, args.format, args.gzip_level)
    print(f"{count} quads for {args.victims} victims in {time.perf_counter() - began:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
