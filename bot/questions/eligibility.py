"""Who may join as an informal worker (BPU): the asker's situation, recognised in a message, and a short note for it.

People rarely ask "what is BPU"; they ask "my father is 65 and still farms, can he join?", "I'm a housewife selling
cakes", "my boss pays me but never registered me". `eligibility_situation` recognises such a situation (and the age,
when one is given); `eligibility_note` is the short answer for it, read from eligibility.yaml beside this module, where
editors keep the texts and the source each rests on. Nothing here knows Telegram: the question desk shows the note
under the `bpu` or `syarat` answer.

Recognition is deliberately narrow. A situation needs both the situation itself ("ibu rumah tangga", "umur 65",
"digaji bos ... gk didaftarin") and a sign that the message asks about joining ("boleh ikut", "kawa umpat", "masuk
bpu", "can I join"), so a story that merely mentions an age or a job ("umur ulun 48, JHT diambil kapan") gets none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.questions.normalise import raw_tokens

NOTES_FILE = Path(__file__).with_name("eligibility.yaml")

# Situations, most specific first: when a message shows several, the first one is the one answered.
AGE_OLDER = "age_older"  # 50 or over, or "lansia", "sudah tua", "nenek ... masih jualan"
AGE_YOUNG = "age_young"  # under 18, or "di bawah umur", "remaja" with work
AGE_QUESTION = "age_question"  # "batas umur", "umur max bpu", with no age that raises a question of its own
HOMEMAKER = "homemaker"
STUDENT = "student"
WAGE_UNREGISTERED = "wage_unregistered"  # salaried, the employer never registered them
WAGE_SIDE_JOB = "wage_side_job"  # salaried and covered through the company, with a side job of their own
RETIRED = "retired"
MOSQUE_WORKER = "mosque_worker"  # marbot and the like, paid by a mosque, foundation or congregation
HAS_KIS = "has_kis"  # already has KIS / BPJS Kesehatan
KTP_OTHER_REGION = "ktp_other_region"
SITUATIONS = (WAGE_SIDE_JOB, WAGE_UNREGISTERED, RETIRED, MOSQUE_WORKER, HAS_KIS, KTP_OTHER_REGION, AGE_YOUNG,
              AGE_OLDER, STUDENT, HOMEMAKER, AGE_QUESTION)

OLDER_FROM = 50  # from this age a "may I still join" worry is likely; JHT pays out at 56 (domain file §1)
ADULT_FROM = 18
MIN_AGE, MAX_AGE = 10, 110  # a number outside is not someone's age ("2 tahun", "2026")
MAX_NOTE_LINES = 6


@dataclass(frozen=True)
class Situation:
    kind: str  # one of SITUATIONS
    age: int | None = None  # the age the message gives, if any


# Every pattern runs on " ".join(raw_tokens(text)): lower-case ASCII words, digits split from letters ("65thn" is
# "65 thn", "i'm" is "i m"), elongations cut, so each pattern only needs plain words and spaces.
def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


_NOT = (r"(?:tidak|tdk|gk|ga|gak|g|nggak|ngga|enggak|engga|kagak|belum|blm|blom|belom|kada|kd|ndak|never|not|"
        r"didn t|didnt|hasn t|hasnt|haven t|havent|doesn t|won t)")

# The message asks about joining, registering, being a member or belonging to BPU.
_JOIN = re.compile(_words(
    r"ikut\w*", r"umpat", r"baumpat", r"gabung", r"bergabung", r"join\w*", r"daftar\w*", r"didaftar\w*",
    r"mendaftar\w*", r"bedaftar", r"badaftar", r"bedaptar", r"badaptar", r"daptar", r"dftr", r"dftar", r"peserta",
    r"bpu", r"bukan penerima upah", r"pekerja mandiri",
    r"(?:masuk|termasuk|tergolong) (?:\w+ )?"
    r"(?:bpu|bukan|penerima|pekerja|peserta|kategori|golongan|informal|mandiri|pu)",
    r"register\w*", r"sign\w* up", r"enrol\w*", r"eligible", r"qualify", r"count as", r"counted as", r"apply"))
# ... and that it is a question of whether one may ("masih boleh", "kawa kah", "can I", a question mark).
_MAY = re.compile(_words(r"boleh", r"bisa", r"bs", r"bsa", r"kawa", r"kawakah", r"dapat", r"dpt", r"masih", r"msh",
                         r"can", r"could", r"may", r"allowed", r"eligible", r"still", r"apakah", r"kah",
                         r"termasuk", r"masuk", r"atau", r"or") + r"|\?")

# Ages: "umur 65", "usia ulun wayah ini 58", "65 thn", "I'm 60", "60 years old".
_AGE_AFTER_WORD = re.compile(
    r"\b(?:umur|umurnya|usia|usianya|berumur|berusia|aged|age)\s+(?:[a-z]+\s+){0,3}?(\d{1,3})\b(?!\s+(?:bulan|bln|"
    r"hari|minggu|juta|jt|ribu|rb|persen|months?|days?|weeks?))")
_AGE_BEFORE_YEARS = re.compile(r"\b(\d{1,3})\s+(?:tahun|thn|th|taun|thun|tahunan|years? old|yrs? old|yo|y o)\b")
# "5 tahun lalu", "10 tahun kerja": a time, not an age (unless "baru 15 thn kerja": only fifteen, and working).
_TIME_AFTER = re.compile(
    r"\s+(?:lalu|yang lalu|yg lalu|terakhir|ago|lagi|kerja|bekerja|bagawi|jadi|menjadi|ikut|iuran|bayar|membayar|"
    r"masa|sudah|udh|ke depan|kedepan|kemudian)\b")
_AGE_OF_SOMEONE = re.compile(_words(
    r"baru", r"masih", r"msh", r"hanyar", r"only", r"just", r"anak", r"adik", r"adek", r"ading", r"cucu", r"keponakan",
    r"saya", r"sy", r"sya", r"aku", r"ak", r"gw", r"ulun", r"dia", r"inya", r"sidin", r"umur", r"umurnya", r"usia",
    r"usianya", r"son", r"daughter") + r"\s*$")
# "selama 15 tahun", "setelah 10 tahun": a duration; "sudah 25 tahun bajualan" too, but "udh 67 thn" is an age.
_DURATION_BEFORE = re.compile(_words(
    r"selama", r"sejak", r"setelah", r"sesudah", r"minimal", r"min", r"dalam", r"tiap", r"per", r"for", r"over",
    r"hampir", r"lebih dari", r"kurang dari", r"lewat", r"after", r"every", r"kerja", r"bekerja", r"bagawi",
    r"begawi", r"jualan", r"berjualan", r"bajualan", r"ikut", r"umpat", r"jadi", r"menjadi", r"bayar", r"nabung",
    r"worked", r"working", r"paying") + r"\s*$")
_ALREADY_BEFORE = re.compile(_words(r"sudah", r"udh", r"udah", r"sdh", r"dah", r"telah", r"already") + r"\s*$")
AGE_NOT_DURATION_FROM = 40  # "sudah 45 tahun" is an age: nobody asks about 45 years of the same work
_AGE_ENGLISH = re.compile(
    r"\b(?:i m|im|i am|(?:he|she|son|daughter|brother|sister|father|mother|dad|mom|mum|grandma|grandpa|"
    r"grandmother|grandfather|husband|wife|uncle|aunt) (?:is|s)|turning|turned)\s+(\d{1,3})\b"
    r"(?!\s+(?:months?|days?|weeks?|years? (?:ago|late)|minutes?|bulan|hari|juta|ribu|rb|k|percent|x|times))")
_OLDER_WORDS = re.compile(_words(
    r"lansia", r"manula", r"usia lanjut", r"lanjut usia", r"sepuh", r"elderly", r"old (?:man|woman|lady|people)",
    r"too old", r"terlalu tua", r"ketuaan", r"(?:sudah|udah|udh|sdh|dah) (?:tua|tuha)", r"tua renta",
    r"nenek", r"kakek", r"nini", r"datu", r"grandma", r"grandpa", r"grandmother", r"grandfather",
    r"\d{2} (?:an|lebih|keatas|ke atas)", r"(?:over|above) \d{2}"))
_YOUNG_WORDS = re.compile(_words(
    r"di ?bawah umur", r"belum 17", r"blm 17", r"underage", r"under 18", r"minor", r"too young", r"terlalu muda",
    r"kemudaan", r"masih kecil", r"remaja", r"teenager", r"teen"))
_AGE_LIMIT = re.compile(
    _words(r"batas\w* (?:umur|usia)", r"(?:umur|usia) (?:maks\w*|max\w*|minimal|minimum|min|paling \w+|batas|"
           r"berapa|brp|brpa|brapa|barapa|segitu|segini)", r"(?:maks\w*|max\w*|minimal|minimum|min) (?:umur|usia)",
           r"age limit", r"maximum age", r"minimum age", r"min age", r"max age", r"how old", r"age requirement",
           r"too old", r"too young", r"terlalu tua", r"terlalu muda", r"ada batas umur", r"ketuaan", r"kemudaan"))
# With no age given, "remaja" or "di bawah umur" is an eligibility worry only if that young person works.
_WORKS = re.compile(_words(
    r"kerja", r"bekerja", r"kerjanya", r"bagawi", r"begawi", r"bantu\w*", r"jualan", r"berjualan", r"bajualan",
    r"dagang", r"berdagang", r"kuli", r"jaga", r"ngojek", r"ojek", r"part ?time", r"sambilan", r"nyambi", r"serabutan",
    r"buruh", r"works?", r"working", r"job", r"helps?", r"helping", r"sells?", r"selling", r"didaftar\w*",
    r"daftarin", r"daftarkan", r"diikutkan", r"ikutkan", r"register (?:him|her|my)"))

_HOMEMAKER = re.compile(_words(
    r"(?:ibu|emak|mak|mama|mamah|bunda|ibu ibu)(?: \d)? rumah tangga", r"irt", r"bini urang", r"urang rumahan",
    r"housewife", r"housewives", r"homemaker", r"stay at home (?:mom|mum|mother|wife)",
    r"(?:istri|bini|isteri|wife) \w+ (?:\w+ )?" + _NOT + r" (?:kerja|bekerja|bagawi|work|working)"))
_STUDENT = re.compile(_words(
    r"mahasiswa", r"mahasiswi", r"mhs", r"pelajar", r"siswa", r"siswi", r"anak (?:sma|smk|smp|sekolah|kuliah|kos)",
    r"masih (?:sekolah|kuliah|sma|smk|smp)", r"kuliah", r"student", r"students", r"college", r"university",
    r"high school", r"(?:kelas|semester|smt) \d+", r"sma", r"smk", r"smp"))
_STUDENT_WORKS = re.compile(_words(
    r"kerja", r"bekerja", r"bagawi", r"part ?time", r"paruh waktu", r"sambilan", r"nyambi", r"nyambil", r"freelance\w*",
    r"jualan", r"berjualan", r"bajualan", r"barista", r"ojek", r"ngojek", r"kurir", r"jaga", r"pelayan", r"kasir",
    r"works?", r"working", r"job", r"side hustle", r"waiter", r"waitress", r"cashier", r"ojol", r"driver", r"gojek",
    r"grab", r"maxim", r"ngojol", r"deliver\w*", r"antar\w*", r"ngantar\w*", r"tutor\w*", r"les", r"ngajar\w*",
    r"gig", r"nyari uang", r"cari uang"))

_WAGE = re.compile(_words(
    r"digaji", r"gaji\w*", r"gajian", r"diupah", r"upah\w*", r"bos", r"boss", r"bosnya", r"majikan", r"juragan",
    r"perusahaan", r"pt", r"pabrik", r"kantor", r"salary", r"salaried", r"wage", r"wages", r"employer", r"company",
    r"karyawan", r"pegawai", r"employee", r"pns", r"asn", r"pppk", r"honorer", r"pegawai negeri", r"civil servant",
    r"mandor"))
_NOT_REGISTERED = re.compile(
    r"\b" + _NOT + r"\s+(?:\w+\s+){0,3}?(?:di ?daftar\w*|daftarin|daftarkan|mendaftarkan\w*|mandaftar\w*|"
    r"di ?ikutkan|diikut\w*|ikutkan|ikutin|dimasuk\w*|didaptar\w*|didaptarakan|register\w*|enrol\w*|"
    r"sign\w* (?:me|us|him|her) up|"
    r"ditanggung|dibayarin|dibayarkan|bayarin|covered|cover me|pay for)\b")
_SIDE_JOB = re.compile(_words(
    r"sampingan", r"nyambi", r"nyambil", r"kerja tambahan", r"usaha tambahan", r"side ?job", r"side hustle",
    r"second job", r"moonlight\w*", r"pulang kerja", r"after work", r"malamnya", r"tiap malam", r"sore nya",
    r"sorenya", r"weekend", r"sabtu minggu"))
_COVERED_BY_EMPLOYER = re.compile(
    _words(r"perusahaan", r"kantor", r"pabrik", r"pt", r"bos", r"boss", r"majikan", r"employer", r"company",
           r"work(?:place)?") + r"\s+(?:\w+\s+){0,2}?" +
    _words(r"sudah", r"udh", r"udah", r"sdh", r"dah", r"already", r"telah") + r"\s+(?:\w+\s+){0,1}?" +
    _words(r"bayar\w*", r"daftar\w*", r"mendaftarkan", r"tanggung\w*", r"nanggung", r"ikutkan", r"ikutin",
           r"cover\w*", r"pays?", r"paid", r"register\w*", r"enrol\w*")
    + r"|" + _words(r"(?:sudah|udh|udah|sdh|dah|already) (?:ikut|ada|punya|terdaftar|registered|covered|dapat|dpt)"
                    r" (?:\w+ ){0,3}?(?:dari|dr|lewat|via|through|by|from) (?:\w+ )?(?:perusahaan|kantor|pabrik|pt|"
                    r"company|employer|work|bos|boss)")
    + r"|" + _words(r"(?:sudah|udh|udah|sdh|dah|already) (?:jadi|sebagai|sbg|as) (?:peserta )?(?:pu|penerima upah)"))
# Covered through the company and asking about BPU as well ("bisa ikut bpu jg", "daftar bpu sendiri juga").
_BPU_TOO = re.compile(_words(
    r"(?:bpu|mandiri|bukan penerima upah) (?:\w+ )?(?:juga|jg|jga|lagi|lg|pula|jua|too|also|as well|sendiri)",
    r"(?:juga|jg|jga|also|too) (?:\w+ )?(?:ikut|daftar|join|as) (?:\w+ )?(?:bpu|mandiri)", r"dobel", r"double",
    r"rangkap", r"dua kali", r"twice", r"both"))
_RETIRED = re.compile(_words(
    r"pensiunan", r"purnawirawan", r"purna tugas", r"retired", r"retiree", r"pensioner",
    r"mantan (?:pns|asn|tni|polri|polisi|tentara|guru pns|pegawai negeri)",
    r"(?:sudah|udh|udah|sdh|dah|baru|telah) pensiun(?: dari \w+)?"))
_MOSQUE_WORKER = re.compile(_words(
    r"marbot", r"marbut", r"kaum masjid", r"kaum langgar", r"penjaga (?:masjid|musholla|mushola|langgar|surau)",
    r"muadzin", r"muazin", r"bilal", r"garin",
    r"imam (?:masjid|langgar|musholla)", r"guru ngaji", r"mosque (?:caretaker|keeper|worker|cleaner)"))
_PAID_BY_COMMUNITY = re.compile(_words(
    r"yayasan", r"honor\w*", r"digaji", r"gaji\w*", r"insentif", r"amplop", r"jamaah", r"jemaah", r"upah\w*",
    r"dibayar\w*", r"bisyaroh", r"foundation", r"paid", r"salary", r"fee", r"takmir", r"dkm", r"pengurus"))
# The asker pays for someone else (a sponsor, a mosque board, zakat): a sponsor question, not their own situation.
_PAYS_FOR_OTHERS = re.compile(
    _words(r"sponsor\w*", r"donatur", r"donasi", r"donor", r"zakat", r"infak", r"infaq", r"sedekah", r"sadakah",
           r"(?:buat|untuk|utk|gasan) (?:bayar|membayar|mambayar) (?:bpjs|iuran)") + r"|" +
    _words(r"(?:saya|sy|aku|ak|gw|kami|ulun|mau|pengen|pgn|ingin|handak|bisa|bs|boleh|kawa|want to|i ll|i will|"
           r"i d like to|i want to|can i)") + r"\s+(?:\w+\s+){0,2}?" +
    _words(r"bayarin", r"bayarkan", r"membayarkan", r"mambayarakan", r"bayari", r"membayari", r"pay for",
           r"cover (?:them|him|her|my|our)"))
# Narrower, for reading a question as a sponsor's: the writer pays ("sy yg bayar", "mau bayarin bpjs marbot",
# "can i pay her bpjs"), not the local government ("pemda bs bayarin iuran gk?") nor a wallet ("gopay bs buat bayar").
_WRITER_PAYS_FOR_OTHERS = re.compile(
    _words(r"sponsor\w*", r"donatur", r"zakat", r"infak", r"infaq", r"sedekah", r"sadakah") + r"|" +
    r"(?:^|[,.?!]\s*|" + _words(r"saya", r"sy", r"aku", r"kami", r"ulun", r"i", r"we") + r"\s+)"
    r"(?:(?:mau|pengen|pgn|ingin|handak|bisa|bs|boleh|kawa|want to|would like to|can|could)\s+)?"
    + _words(r"bayarin", r"bayarkan", r"membayarkan", r"mambayarakan", r"bayari", r"membayari", r"mambayari",
             r"pay for(?!\s+(?:bpjs|it|this|that|the|iuran|contributions?|my own|myself)\b)",
             r"cover (?:them|him|her|my|our)", r"pay (?:her|his|their)") + r"|" +
    _words(r"(?:saya|sy|aku|kami|ulun) (?:yg|yang|nang) (?:bayar|bayarin|mambayar|membayar)"))
# "kawan ulun nang pensiunan": the situation belongs to someone the asker only mentions.
_SOMEONE_ELSE = re.compile(_words(r"kawan", r"teman", r"temen", r"tmn", r"tetangga", r"tatangga", r"friend",
                                  r"neighbou?r", r"kayak", r"kaya", r"seperti", r"like") + r"(?:\s+\w+){0,2}\s*$")
_RETIREE_WORKS = re.compile(_words(
    r"buka\w*", r"membuka", r"warung", r"toko", r"usaha", r"jualan", r"berjualan", r"bajualan", r"dagang", r"berdagang",
    r"bertani", r"tani", r"berkebun", r"kebun", r"ngojek", r"ojek", r"kerja", r"bekerja", r"bagawi", r"opened", r"open",
    r"runs?", r"running", r"stall", r"shop", r"business", r"farm\w*", r"sells?", r"selling", r"works?", r"working"))
_ABOUT_A_BENEFIT = re.compile(_words(
    r"cair\w*", r"dicair\w*", r"mencair\w*", r"mancair\w*", r"diambil", r"ambil", r"ngambil", r"klaim\w*",
    r"withdraw\w*", r"pensiun", r"jp", r"jht", r"beasiswa", r"scholarship\w*", r"santunan", r"ahli waris", r"heirs?",
    r"meninggal", r"wafat", r"maninggal", r"died", r"death", r"passed away"))
_STRONG_JOIN = re.compile(_words(
    r"(?:masih|msh|still) (?:\w+ ){0,2}?(?:ikut|umpat|daftar|bedaftar|badaftar|jadi peserta|jd peserta|join|sign up|"
    r"register|masuk bpu)", r"(?:baru|hanyar|just) (?:mau|handak|want to) (?:ikut|umpat|daftar|join)"))
_KIS = re.compile(_words(
    r"kis", r"kartu indonesia sehat", r"bpjs kesehatan", r"bpjs kes", r"bpjskes", r"jkn", r"jkn kis", r"pbi",
    r"health card", r"health insurance"))
_KIS_HELD = re.compile(_words(
    r"punya", r"pny", r"baisi", r"ada", r"sudah", r"udh", r"udah", r"sdh", r"aktif", r"dapat", r"dpt", r"dapet",
    r"gratis", r"have", r"has", r"got", r"already", r"pegang", r"memiliki", r"terdaftar", r"dobel", r"double",
    r"peserta", r"member", r"pakai", r"pake", r"ditanggung"))
_KIS_JOIN = re.compile(_words(
    r"ikut bpu", r"umpat bpu", r"daftar bpu", r"bpu", r"ikut bpjs ketenagakerjaan", r"ikut bpjstk", r"ikut bpjs tk",
    r"ikut (?:juga|jg|lagi|lg)", r"dobel", r"double", r"rangkap", r"dua duanya", r"both",
    r"(?:perlu|masih perlu|boleh|bisa|kawa) (?:\w+ )?(?:ikut|umpat|daftar)", r"join\w*", r"sign up", r"register",
    r"(?:ikut|umpat|daftar) (?:\w+ ){0,2}?(?:ketenagakerjaan|bpjstk|bpjs tk|naker|jamsostek)",
    r"(?:ngapain|buat apa|untuk apa|gasan apa|why) (?:\w+ ){0,3}?(?:ikut|umpat|daftar|join|need)",
    r"(?:sama aja|sama saja|sama haja|same thing|the same)"))
_PROVINCES = (r"aceh|sumut|sumbar|riau|kepri|jambi|sumsel|bengkulu|lampung|babel|bangka|banten|jakarta|dki|jabar|"
              r"jateng|jatim|diy|jogja|jogya|yogya|jawa|bali|ntb|ntt|lombok|kalbar|kalteng|kalsel|kaltim|kaltara|"
              r"kalimantan|sulut|sulteng|sulsel|sultra|sulbar|gorontalo|sulawesi|makassar|maluku|papua|madura|"
              r"sumatra|sumatera|medan|surabaya|bandung|semarang|nusa tenggara")
_KTP_OTHER = re.compile(
    r"\b(?:ktp|e ktp|ektp|kartu tanda penduduk|id card|identity card)\s+(?:\w+\s+){0,3}?(?:(?:luar|lain|beda|berbeda|"
    r"asal|another|other|different|outside|kampung|daerah asal|domisili lain)\b|(?:" + _PROVINCES +
    r")\b)"
    r"|\b(?:beda|lain|luar|berbeda|another|different|other)\s+(?:provinsi|propinsi|prov|daerah|kota|kabupaten|"
    r"pulau|province|region|city)\b(?=.*\b(?:ktp|domisili|nik|id card)\b)"
    r"|\b(?:ktp|domisili|nik)\b(?=.*\b(?:beda|lain|luar|berbeda|another|different|other)\s+(?:provinsi|propinsi|prov|"
    r"daerah|kota|kabupaten|pulau|province|region|city)\b)")


def _age(text: str) -> int | None:
    for pattern in (_AGE_AFTER_WORD, _AGE_ENGLISH, _AGE_BEFORE_YEARS):
        for found in pattern.finditer(text):
            age = int(found.group(1))
            before = text[max(0, found.start() - 20): found.start()]
            if pattern is _AGE_BEFORE_YEARS and (
                    _DURATION_BEFORE.search(before)
                    or (_ALREADY_BEFORE.search(before) and age < AGE_NOT_DURATION_FROM)
                    or (_TIME_AFTER.match(text, found.end()) and not _AGE_OF_SOMEONE.search(before))):
                continue
            if MIN_AGE <= age <= MAX_AGE:
                return age
    return None


def _age_situation(text: str, asks_to_join: bool) -> Situation | None:
    age = _age(text)
    # "dicairin umur brp", "meninggal di umur 60", a child's scholarship: about a benefit, not about joining, unless
    # joining is asked plainly ("baru mau ikut", "masih boleh daftar").
    about_a_benefit = bool(_ABOUT_A_BENEFIT.search(text)) and not _STRONG_JOIN.search(text)
    limit_asked = bool(_AGE_LIMIT.search(text) and _JOIN.search(text)) and not about_a_benefit
    if about_a_benefit or not (asks_to_join or limit_asked):
        return None
    if age is not None and age < ADULT_FROM:
        return Situation(AGE_YOUNG, age)
    if age is not None and age >= OLDER_FROM:
        return Situation(AGE_OLDER, age)
    if age is None and _YOUNG_WORDS.search(text) and (_WORKS.search(text) or limit_asked):
        return Situation(AGE_YOUNG)
    if age is None and _OLDER_WORDS.search(text) and _MAY.search(text):
        return Situation(AGE_OLDER)
    if limit_asked:
        return Situation(AGE_QUESTION, age)
    return None


def _own(pattern: re.Pattern[str], text: str) -> bool:
    """The pattern matches where it describes the asker (or whom they ask for), not a friend or neighbour."""
    # Only the few words before each match can say whose it is: the search reads those, not all the text before.
    return any(not _SOMEONE_ELSE.search(text[max(0, found.start() - 80) : found.start()])
               for found in pattern.finditer(text))


def _situations(words: str, asks_to_join: bool) -> list[str]:
    found: list[str] = []
    wage = bool(_WAGE.search(words))
    if asks_to_join and ((_SIDE_JOB.search(words) and wage) or (_COVERED_BY_EMPLOYER.search(words)
                                                                  and _BPU_TOO.search(words))):
        found.append(WAGE_SIDE_JOB)
    if asks_to_join and wage and _NOT_REGISTERED.search(words):
        found.append(WAGE_UNREGISTERED)
    if asks_to_join and _own(_RETIRED, words) and _RETIREE_WORKS.search(words):
        found.append(RETIRED)
    if asks_to_join and _MOSQUE_WORKER.search(words) and _PAID_BY_COMMUNITY.search(words):
        found.append(MOSQUE_WORKER)
    if _KIS.search(words) and _KIS_HELD.search(words) and _KIS_JOIN.search(words):
        found.append(HAS_KIS)
    if (asks_to_join or _MAY.search(words)) and _KTP_OTHER.search(words):
        found.append(KTP_OTHER_REGION)
    by_age = _age_situation(words, asks_to_join)
    if by_age is not None:
        found.append(by_age.kind)
    if asks_to_join and _own(_STUDENT, words) and _STUDENT_WORKS.search(words):
        found.append(STUDENT)
    if asks_to_join and _own(_HOMEMAKER, words):
        found.append(HOMEMAKER)
    return found


def pays_for_others(text: str) -> bool:
    """The writer pays (or means to pay) someone else's contributions: a sponsor, whatever else they ask."""
    return bool(_WRITER_PAYS_FOR_OTHERS.search((text or "").lower()))


def eligibility_situation(text: str) -> Situation | None:
    """The asker's situation when the message asks whether someone in it may join as BPU; None otherwise.

    Pure and cheap (a few regular expressions over the normalised words); safe on any input, 5,000 characters of
    emoji included.
    """
    text = text or ""
    words = " ".join(raw_tokens(text))
    if not words or _PAYS_FOR_OTHERS.search(words):
        return None
    asks_to_join = bool(_JOIN.search(words) and (_MAY.search(words) or "?" in text))
    found = _situations(words, asks_to_join)
    if not found:
        return None
    return Situation(min(found, key=SITUATIONS.index), _age(words))


@dataclass(frozen=True)
class EligibilityNote:
    text: dict[str, str]  # language -> Telegram HTML
    source: str


class EligibilityNotesError(ValueError):
    pass


def load_notes(path: Path = NOTES_FILE) -> dict[str, EligibilityNote]:
    """The notes of eligibility.yaml, checked: every situation has a note in both languages and a source."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    entries = data.get("situations") or {}
    notes: dict[str, EligibilityNote] = {}
    for kind in SITUATIONS:
        entry = entries.get(kind)
        if not isinstance(entry, dict):
            raise EligibilityNotesError(f"{path.name}: no note for situation '{kind}'")
        note = entry.get("note") or {}
        if not isinstance(note, dict) or not note.get("id") or not note.get("en"):
            raise EligibilityNotesError(f"{path.name}: '{kind}' needs a note in both 'id' and 'en'")
        if not entry.get("source"):
            raise EligibilityNotesError(f"{path.name}: '{kind}' has no source")
        text = {lang: str(note[lang]).strip() for lang in ("id", "en")}
        for lang, value in text.items():
            if value.count("\n") >= MAX_NOTE_LINES:
                raise EligibilityNotesError(f"{path.name}: '{kind}'.{lang} is longer than {MAX_NOTE_LINES} lines")
        notes[kind] = EligibilityNote(text, str(entry["source"]))
    unknown = set(entries) - set(SITUATIONS)
    if unknown:
        raise EligibilityNotesError(f"{path.name}: unknown situations {sorted(unknown)}")
    return notes


@lru_cache(maxsize=1)
def _default_notes() -> dict[str, EligibilityNote]:
    return load_notes()


def eligibility_note(situation: Situation | str, lang: str) -> str:
    """The note for a situation (or its kind) in the user's language (Indonesian for any other), Telegram HTML."""
    kind = situation if isinstance(situation, str) else situation.kind
    note = _default_notes()[kind]
    return note.text.get(lang) or note.text["id"]
