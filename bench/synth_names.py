"""People's names for bench/synth.py: given names and surnames as Iranian victim lists have
them, in Latin and Persian script, drawn with realistic (Zipf-like) frequencies.

The names are real Persian names; the people who bear them in synthetic data are invented.
Given names include compounds written three ways (Mohammadali, Mohammad-Ali, Mohammad Ali;
محمدعلی, محمد علی); surnames are common simple ones plus ones formed the usual way from a
given name and a suffix (Karimzadeh, Hosseinpour, Rezaeian, Ahmadinejad...), which also
makes near-identical surnames (Karimi, Karimian, Karimzadeh) that a matcher must keep
apart. `respell` gives the transliteration variants lists use (Mahmoud / Mahmud, Ghasemi /
Qasemi, Hossein / Hussein, Rezaei / Rezaee). Frequencies: the r-th most common name has
weight 1 / (r + offset), so a few names are very common (Mohammad, Ali; Mohammadi,
Hosseini) and most are rare, as in real lists.
"""

from __future__ import annotations

import itertools
import random
import re

MALE = """
Mohammad محمد; Ali علی; Hossein حسین; Hassan حسن; Reza رضا; Mehdi مهدی; Mahmoud محمود;
Ahmad احمد; Abbas عباس; Javad جواد; Majid مجید; Saeed سعید; Hamid حمید; Akbar اکبر;
Asghar اصغر; Ebrahim ابراهیم; Esmail اسماعیل; Mostafa مصطفی; Morteza مرتضی; Masoud مسعود;
Mansour منصور; Jafar جعفر; Kazem کاظم; Nasser ناصر; Farhad فرهاد; Bahram بهرام;
Parviz پرویز; Behrouz بهروز; Jamshid جمشید; Mojtaba مجتبی; Manouchehr منوچهر;
Houshang هوشنگ; Fereydoun فریدون; Khosrow خسرو; Bijan بیژن; Iraj ایرج; Kourosh کوروش;
Dariush داریوش; Siamak سیامک; Shahram شهرام; Shahriar شهریار; Kamran کامران;
Kambiz کامبیز; Keyvan کیوان; Babak بابک; Ardeshir اردشیر; Rahim رحیم; Karim کریم;
Sadegh صادق; Taghi تقی; Hadi هادی; Hashem هاشم; Ghasem قاسم; Yousef یوسف; Yaghoub یعقوب;
Younes یونس; Davoud داوود; Soleiman سلیمان; Mousa موسی; Jalal جلال; Kamal کمال; Jamal جمال;
Nader نادر; Amir امیر; Omid امید; Peyman پیمان; Abdollah عبدالله; Abolfazl ابوالفضل;
Abolghasem ابوالقاسم; Asadollah اسدالله; Nasrollah نصرالله; Hedayatollah هدایت‌الله;
Rahmatollah رحمت‌الله; Habibollah حبیب‌الله; Fathollah فتح‌الله; Nematollah نعمت‌الله;
Zabihollah ذبیح‌الله; Ezzatollah عزت‌الله; Yadollah یدالله; Ataollah عطاالله;
Heshmat حشمت; Ezzat عزت; Rasoul رسول; Ghodrat قدرت; Nosrat نصرت; Aziz عزیز; Hamzeh حمزه;
Ayoub ایوب; Habib حبیب; Latif لطیف; Saber صابر; Mehrdad مهرداد; Farrokh فرخ; Firouz فیروز;
Fariborz فریبرز; Faramarz فرامرز; Behzad بهزاد; Behnam بهنام; Bahman بهمن; Siavash سیاوش;
Rostam رستم; Sohrab سهراب; Esfandiar اسفندیار; Hormoz هرمز; Shapour شاپور; Morad مراد;
Eskandar اسکندر; Hojjat حجت; Mohsen محسن; Vahid وحید; Jahangir جهانگیر; Ghorban قربان;
Heydar حیدر; Mokhtar مختار; Ramezan رمضان; Shaban شعبان; Ramin رامین; Ahad احد; Samad صمد;
Vali ولی; Nabi نبی; Mehran مهران; Kaveh کاوه; Arash آرش; Afshin افشین; Teymour تیمور;
Bahador بهادر; Kiumars کیومرث; Hamed حامد; Saleh صالح; Salman سلمان; Sirous سیروس;
Naser ناصر; Mahmud محمود; Ghafour غفور; Sattar ستار; Jabbar جبار; Ghaffar غفار; Abdolreza عبدالرضا;
Abdolhossein عبدالحسین; Abdolkarim عبدالکریم; Abdolali عبدالعلی; Alimorad علیمراد;
Khalil خلیل; Jalil جلیل; Nasim نسیم; Anvar انور; Mozaffar مظفر; Hamzeh حمزه; Eslam اسلام;
Manuchehr منوچهر; Parviz پرویز; Shahab شهاب; Sohail سهیل; Houman هومن; Reza رضا
"""
#: Compound given names (written joined, with a hyphen or with a space).
MALE_COMPOUNDS = """
Gholam Reza غلام رضا; Gholam Hossein غلام حسین; Gholam Ali غلام علی; Mohammad Ali محمد علی;
Mohammad Reza محمد رضا; Mohammad Hossein محمد حسین; Mohammad Taghi محمد تقی;
Mohammad Sadegh محمد صادق; Mohammad Mehdi محمد مهدی; Mohammad Javad محمد جواد;
Mohammad Hassan محمد حسن; Mohammad Ebrahim محمد ابراهیم; Mohammad Karim محمد کریم;
Ali Akbar علی اکبر; Ali Asghar علی اصغر; Ali Mohammad علی محمد; Ali Reza علی رضا;
Hossein Ali حسین علی; Hamid Reza حمید رضا; Ahmad Reza احمد رضا; Amir Hossein امیر حسین;
Seyed Ali سید علی; Mir Hossein میر حسین; Gholam Abbas غلام عباس; Abdol Hamid عبد الحمید
"""
FEMALE = """
Fatemeh فاطمه; Maryam مریم; Zahra زهرا; Mahin مهین; Shahla شهلا; Parvaneh پروانه;
Soheila سهیلا; Roya رویا; Mitra میترا; Azar آذر; Nahid ناهید; Akram اکرم; Forough فروغ;
Shirin شیرین; Leila لیلا; Simin سیمین; Homa هما; Golnar گلنار; Mojgan مژگان; Monireh منیره;
Masoumeh معصومه; Robabeh ربابه; Sedigheh صدیقه; Tahereh طاهره; Zohreh زهره; Zinat زینت;
Fereshteh فرشته; Farideh فریده; Mahnaz مهناز; Nasrin نسرین; Parvin پروین; Pouran پوران;
Shahnaz شهناز; Soudabeh سودابه; Manijeh منیژه; Mehri مهری; Touran توران; Ashraf اشرف;
Batoul بتول; Khadijeh خدیجه; Zeinab زینب; Soraya ثریا; Effat عفت; Esmat عصمت; Tayebeh طیبه;
Azam اعظم; Marzieh مرضیه; Mahboubeh محبوبه; Narges نرگس; Firouzeh فیروزه; Jila ژیلا;
Giti گیتی; Minoo مینو; Nazila نازیلا; Sepideh سپیده; Shokouh شکوه; Fariba فریبا;
Farzaneh فرزانه; Haleh هاله; Katayoun کتایون; Mahshid مهشید; Mehrangiz مهرانگیز; Monir منیر;
Nayereh نیره; Raheleh راحله; Sakineh سکینه; Kobra کبری; Soghra صغری; Hajar هاجر;
Azadeh آزاده; Mahvash مهوش; Shahin شهین; Fatemeh-Zahra فاطمه زهرا
"""
SURNAMES = """
Mohammadi محمدی; Hosseini حسینی; Ahmadi احمدی; Rezaei رضایی; Mousavi موسوی; Karimi کریمی;
Moradi مرادی; Jafari جعفری; Rahimi رحیمی; Hashemi هاشمی; Sadeghi صادقی; Ghasemi قاسمی;
Kazemi کاظمی; Najafi نجفی; Abbasi عباسی; Akbari اکبری; Ebrahimi ابراهیمی; Rostami رستمی;
Heidari حیدری; Soltani سلطانی; Naderi نادری; Bagheri باقری; Khosravi خسروی; Salehi صالحی;
Mirzaei میرزایی; Ansari انصاری; Nouri نوری; Jalali جلالی; Bahrami بهرامی; Alavi علوی;
Amini امینی; Asadi اسدی; Azizi عزیزی; Babaei بابایی; Darvishi درویشی; Ghorbani قربانی;
Habibi حبیبی; Hamidi حمیدی; Hassani حسنی; Jamali جمالی; Kamali کمالی; Karami کرمی;
Khalili خلیلی; Mahmoudi محمودی; Mansouri منصوری; Mohseni محسنی; Nazari نظری; Omidi امیدی;
Rahmani رحمانی; Rashidi رشیدی; Sadri صدری; Shahbazi شهبازی; Sharifi شریفی; Taheri طاهری;
Yousefi یوسفی; Zare زارع; Kiani کیانی; Faraji فرجی; Gholami غلامی; Abdollahi عبداللهی;
Asgari عسگری; Bakhtiari بختیاری; Dehghan دهقان; Eslami اسلامی; Firouzi فیروزی;
Ghaffari غفاری; Hejazi حجازی; Izadi ایزدی; Javadi جوادی; Keshavarz کشاورز; Lotfi لطفی;
Maleki ملکی; Moghaddam مقدم; Naseri ناصری; Pakzad پاکزاد; Parsa پارسا; Ranjbar رنجبر;
Sabouri صبوری; Samadi صمدی; Shokri شکری; Tavakoli توکلی; Vahidi وحیدی; Yaghoubi یعقوبی;
Zarei زارعی; Amiri امیری; Bahadori بهادری; Derakhshan درخشان; Etemadi اعتمادی;
Farhadi فرهادی; Ghanbari قنبری; Haghighi حقیقی; Jahani جهانی; Kashani کاشانی;
Khorasani خراسانی; Mazandarani مازندرانی; Gilani گیلانی; Rashti رشتی; Qazvini قزوینی;
Hamedani همدانی; Zanjani زنجانی; Ardabili اردبیلی; Tehrani تهرانی; Esfahani اصفهانی;
Shirazi شیرازی; Tabrizi تبریزی; Kermani کرمانی; Farahani فراهانی; Zamani زمانی;
Yazdani یزدانی; Safavi صفوی; Azadi آزادی; Golshiri گلشیری; Shahidi شهیدی; Tavana توانا;
Sotoudeh ستوده; Mesbah مصباح; Partovi پرتوی; Sepehri سپهری; Shafiei شفیعی; Vaziri وزیری;
Zandi زندی; Nikzad نیکزاد; Pourmand پورمند; Shamsi شمسی; Rahnama رهنما; Aghaei آقایی;
Moshiri مشیری; Kamrani کامرانی; Samimi صمیمی; Ashrafi اشرفی; Behbahani بهبهانی;
Dezfouli دزفولی; Shoushtari شوشتری; Mashhadi مشهدی; Sabzevari سبزواری;
Neyshabouri نیشابوری; Lahiji لاهیجی; Langaroudi لنگرودی; Tonekaboni تنکابنی;
Rafiei رفیعی; Mokhtari مختاری; Bayat بیات; Kalhor کلهر; Zangeneh زنگنه; Fallah فلاح;
Kordi کردی; Lor لر; Baluch بلوچ; Torkaman ترکمن; Mirza میرزا; Seyedi سیدی; Mirhosseini میرحسینی;
Hajizadeh حاجی‌زاده; Afshar افشار; Ghajar قاجار; Zand زند; Bakhtiar بختیار;
Sohrabi سهرابی; Shams شمس; Ghorbanzadeh قربان‌زاده; Khodabandeh خدابنده;
Khodadadi خدادادی; Bandari بندری; Rouhi روحی; Saberi صابری; Ghaderi قادری; Fathi فتحی;
Nemati نعمتی; Hedayati هدایتی; Rahmati رحمتی; Ezzati عزتی; Heshmati حشمتی; Nosrati نصرتی
"""
#: Towns whose people's surnames name them (Ardakan -> Ardakani).
PLACES = """
Ardakan اردکان; Nahavand نهاوند; Borujerd بروجرد; Golpayegan گلپایگان; Khomein خمین;
Damghan دامغان; Semnan سمنان; Naein نائین; Yazd یزد; Shahroud شاهرود; Qouchan قوچان;
Tafresh تفرش; Malayer ملایر; Toyserkan تویسرکان; Asadabad اسدآباد; Marand مرند; Khoy خوی;
Salmas سلماس; Bijar بیجار; Saqqez سقز; Mahabad مهاباد; Bukan بوکان; Ilam ایلام;
Dehloran دهلران; Ramhormoz رامهرمز; Lar لار; Fasa فسا; Jahrom جهرم; Kazerun کازرون;
Bushehr بوشهر; Minab میناب; Zabol زابل; Birjand بیرجند; Ferdows فردوس; Gonabad گناباد;
Esfarayen اسفراین; Gorgan گرگان; Amol آمل; Babol بابل; Astara آستارا; Anzali انزلی;
Talesh تالش; Roudsar رودسر; Arak اراک; Abhar ابهر; Takestan تاکستان; Karaj کرج;
Varamin ورامین; Shemiran شمیران; Damavand دماوند; Natanz نطنز; Sirjan سیرجان; Rafsanjan رفسنجان;
Bam بم; Jiroft جیرفت; Zarand زرند; Neyriz نیریز; Estahban استهبان; Abadeh آباده; Khansar خوانسار
"""
#: Given names surnames are formed from (Karim -> Karimzadeh, Karimian, Karimpour...).
SURNAME_BASES = """
Karim کریم; Rahim رحیم; Hashem هاشم; Ghasem قاسم; Kazem کاظم; Jafar جعفر; Hassan حسن;
Hossein حسین; Ahmad احمد; Mahmoud محمود; Akbar اکبر; Asghar اصغر; Nader نادر; Jalal جلال;
Kamal کمال; Jamal جمال; Bahram بهرام; Farhad فرهاد; Rostam رستم; Heydar حیدر; Morad مراد;
Salman سلمان; Yousef یوسف; Yaghoub یعقوب; Davoud داوود; Ebrahim ابراهیم; Esmail اسماعیل;
Habib حبیب; Aziz عزیز; Rasoul رسول; Ghorban قربان; Samad صمد; Vahid وحید; Saeed سعید;
Hamid حمید; Majid مجید; Javad جواد; Sadegh صادق; Taher طاهر; Ali علی; Mohammad محمد;
Abbas عباس; Nasser ناصر; Mansour منصور; Masoud مسعود; Khalil خلیل; Jalil جلیل; Nabi نبی;
Vali ولی; Sohrab سهراب; Golshan گلشن; Shir شیر; Nik نیک; Pak پاک; Ghazi قاضی; Amin امین
"""
#: (Latin, Persian, joined with ZWNJ in Persian) — the usual ways surnames are formed.
SUFFIXES = [("zadeh", "زاده", True), ("pour", "پور", True), ("ian", "یان", False),
            ("nejad", "نژاد", True), ("far", "فر", True), ("loo", "لو", False),
            ("vand", "وند", False), ("khani", "خانی", False)]

Name = tuple[str, str]  # (Latin, Persian)


def _parse(text: str) -> list[Name]:
    out: list[Name] = []
    for item in text.replace("\n", " ").split(";"):
        words = item.split()
        if not words:
            continue
        latin = [w for w in words if w.isascii()]
        persian = [w for w in words if not w.isascii()]
        out.append((" ".join(latin), " ".join(persian)))
    return list(dict.fromkeys(out))


def _formed() -> list[Name]:
    out = []
    for (latin, persian), (suffix, fa_suffix, zwnj) in itertools.product(
            _parse(SURNAME_BASES), SUFFIXES):
        if suffix == "ian" and latin[-1] in "aeiou":
            continue
        joint = "\u200c" if zwnj and persian[-1] not in "اآدذرزژو" else ""
        out.append((latin + suffix, persian + joint + fa_suffix))
    for latin, persian in _parse(PLACES):
        if latin[-1] not in "aeiou":
            out.append((latin + "i", persian + "ی"))
    return out


def _weights(n: int, offset: float) -> list[float]:
    """Cumulative weights 1/(rank + offset), ranks in list order (most common first)."""
    return list(itertools.accumulate(1.0 / (r + offset) for r in range(1, n + 1)))


def _interleave(first: list[Name], second: list[Name], every: int) -> list[Name]:
    """`second` spread through `first` (two after every `every` of it), so compound given
    names and formed surnames are neither all common nor all rare."""
    out: list[Name] = []
    rest = iter(second)
    for i, name in enumerate(first):
        out.append(name)
        if i % every == every - 1:
            out.extend(itertools.islice(rest, 2))
    out.extend(rest)
    return out


MALE_NAMES = _interleave(_parse(MALE), _parse(MALE_COMPOUNDS), 5)
FEMALE_NAMES = _parse(FEMALE)
def _surnames() -> list[Name]:
    """The most common surnames first (Mohammadi, Hosseini...), then the rest of the simple
    ones with formed ones spread among them, in a fixed shuffled order."""
    simple, formed = _parse(SURNAMES), _formed()
    random.Random(1988).shuffle(formed)
    return list(dict.fromkeys(simple[:40] + _interleave(simple[40:], formed, 1)))


SURNAME_LIST = _surnames()
_MALE_CUM = _weights(len(MALE_NAMES), 4)
_FEMALE_CUM = _weights(len(FEMALE_NAMES), 4)
_SURNAME_CUM = _weights(len(SURNAME_LIST), 20)
#: Latin -> Persian, for writing a name in the other script (father's names in lists).
PERSIAN_OF = {latin: persian for latin, persian in MALE_NAMES + FEMALE_NAMES + SURNAME_LIST}


def given(rnd: random.Random, female: bool = False) -> Name:
    names, cum = (FEMALE_NAMES, _FEMALE_CUM) if female else (MALE_NAMES, _MALE_CUM)
    return rnd.choices(names, cum_weights=cum)[0]


def surname(rnd: random.Random) -> Name:
    return rnd.choices(SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def written(rnd: random.Random, name: Name) -> Name:
    """A compound given name as one list writes it: joined, hyphenated or with a space
    (Persian: joined, or with a space or a ZWNJ)."""
    latin, persian = name
    if " " not in latin:
        return name
    first, second = latin.split(" ", 1)
    r = rnd.random()
    latin = (first + second.lower() if r < 0.45 else f"{first}-{second}" if r < 0.75
             else latin)
    fa_first, fa_second = persian.split(" ", 1)
    r = rnd.random()
    persian = (fa_first + fa_second if r < 0.6 else f"{fa_first}\u200c{fa_second}" if r < 0.7
               else persian)
    return latin, persian


#: Transliteration variants lists use, tried in random order (the first that applies).
_RULES = [(r"ou", "u"), (r"ou", "oo"), (r"gh", "q"), (r"ei", "ey"), (r"ey", "ei"),
          (r"([aeiou])ss([aeiou])", r"\1s\2"), (r"([aeiou])s([aeiou])", r"\1ss\2"),
          (r"ollah", "ullah"), (r"ei$", "ee"), (r"ei$", "ie"), (r"eh$", "e"), (r"eh$", "a"),
          (r"^Moh", "Muh"), (r"ossein", "ussein"), (r"v", "w"), (r"([aeiou])y", r"\1i"),
          (r"mm", "m"), (r"^Ja", "Ja'"), (r"aa", "a"), (r"ee", "i"), (r"^J", "Dj"),
          (r"ow$", "ou")]


def respell(rnd: random.Random, latin: str) -> str:
    """Another transliteration of a Latin-script name (Mahmoud -> Mahmud, Ghasemi ->
    Qasemi); the name itself if no rule applies to any of its words."""
    words = latin.split()
    order = list(range(len(words)))
    rnd.shuffle(order)
    for k in order:
        rules = _RULES[:]
        rnd.shuffle(rules)
        for pattern, repl in rules:
            changed = re.sub(pattern, repl, words[k], count=1)
            if changed != words[k] and len(changed) > 2:
                words[k] = changed
                return " ".join(words)
    return latin
