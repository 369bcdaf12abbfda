"""Normalising what people type: case, emojis, elongations, slang, abbreviations, Banjar, some English.

The output is a list of plain lower-case tokens in standard Indonesian where we know the mapping, so that
"gmn cara bedaftar bpjstk" and "bagaimana cara mendaftar bpjs ketenagakerjaan" look alike to the matcher.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Phrases first (longest match wins), then single tokens. Values may be several words or empty (dropped).
PHRASES: dict[str, str] = {
    "kaya apa": "bagaimana",
    "kayapa": "bagaimana",
    "bpjs tk": "bpjs ketenagakerjaan",
    "bpjs naker": "bpjs ketenagakerjaan",
    "bp jamsostek": "bpjs ketenagakerjaan",
    "bpjs kes": "bpjs kesehatan",
    "bpjs kesehatan": "bpjs kesehatan",
    "jamsostek mobile": "jmo",
    "jaminan hari tua": "jht",
    "jaminan pensiun": "jp pensiun",
    "jaminan kematian": "jkm",
    "jaminan kecelakaan kerja": "jkk",
    "jaminan kehilangan pekerjaan": "jkp",
    "jatuh tempo": "jatuhtempo",
    "rumah sakit": "rumahsakit",
    "call center": "kontak",
    "contact center": "kontak",
    "customer service": "kontak",
    "pemerintah daerah": "pemda",
    "dana desa": "danadesa",
    "kartu peserta": "kartu",
    "old age": "jht",
    "death benefit": "jkm meninggal",
    "work accident": "jkk kecelakaan",
    "job loss": "jkp",
    "lose my job": "jkp phk",
    "laid off": "phk",
    "informal worker": "pekerja informal",
    "informal workers": "pekerja informal",
    "how much": "berapa",
    "due date": "jatuhtempo",
    "sign up": "daftar",
    "talk to": "bicara",
    "real person": "manusia",
    "my data": "data saya",
    "self employed": "bpu", "self-employed": "bpu", "lose their job": "jkp phk", "lost my job": "jkp phk",
    "lose your job": "jkp phk", "lost their job": "jkp phk", "pay less": "diskon", "missed payments": "tunggak",
    "missed a payment": "tunggak", "what i owe": "tunggakan", "in arrears": "tunggak",
    # "is it true?", "what does it mean?": a piece that only points back to the question before it.
    "bujur kah": "", "bujurkah": "", "benar kah": "", "benarkah": "", "betul gk": "", "bener gk": "",
    "itu gmn maksudnya": "", "maksudnya gmn": "", "maksudnya gimana": "", "gimana maksudnya": "",
    "kaya apa urusannya": "", "gimana tuh": "", "gmn tuh": "",
    # "I want to ask" opens a question; it is not the wish to talk to a person (the `manusia` topic).
    "mau tanya": "", "mau nanya": "", "mo tanya": "", "mo nanya": "", "numpang tanya": "", "numpang nanya": "",
    "ingin bertanya": "", "mau bertanya": "", "boleh tanya": "", "handak batakun": "", "ulun batakun": "saya",
    "mau tanya dong": "", "izin bertanya": "", "ijin tanya": "", "sy mau tanya": "saya", "saya mau tanya": "saya",
    # A shop that sells groceries is a trade, not the "sembako" aid programme (which is another programme's name).
    "warung sembako": "warung", "toko sembako": "toko", "jualan sembako": "jualan", "jual sembako": "jualan",
    "pedagang sembako": "pedagang", "dagang sembako": "dagang", "bajualan sembako": "bajualan",
}

TOKENS: dict[str, str] = {
    # The bot's own commands, as people write them in a question ("hapusdata itu ngapus ... jg kah")
    "hapusdata": "hapus data", "datasaya": "data saya", "ngapus": "hapus", "ngehapus": "hapus",
    "nelpon": "telepon", "nelfon": "telepon", "tlpn": "telepon",
    "kdg": "kadang", "plg": "paling", "nmr": "nomor", "sblm": "sebelum", "pd": "pada", "tmn": "teman",
    "td": "tadi", "gmnn": "bagaimana", "wan": "dengan", "isuknya": "besoknya",
    "lwt": "lewat", "lwat": "lewat", "ngurus": "urus", "ngurusnya": "urusnya", "ngurusin": "urus",
    # Indonesian chat abbreviations
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "tuk": "untuk", "buat": "untuk",
    "gmn": "bagaimana", "gmna": "bagaimana", "gimana": "bagaimana", "bgmn": "bagaimana", "bgmna": "bagaimana",
    "gmana": "bagaimana", "gmanaa": "bagaimana", "gemana": "bagaimana",
    "brp": "berapa", "brapa": "berapa", "brpa": "berapa", "berapaan": "berapa", "brapaan": "berapa",
    "bs": "bisa", "bsa": "bisa", "bisakah": "bisa",
    "gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "tdk": "tidak", "tak": "tidak", "kagak": "tidak", "g": "tidak",
    "sy": "saya", "sya": "saya", "aku": "saya", "ak": "saya", "gw": "saya", "gue": "saya",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "klau": "kalau", "jika": "kalau", "apabila": "kalau",
    "dpt": "dapat", "dapet": "dapat", "dpat": "dapat",
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah",
    "blm": "belum", "blum": "belum", "belom": "belum",
    "bln": "bulan", "bulanan": "bulan", "perbulan": "bulan", "sebulan": "bulan",
    "thn": "tahun", "th": "tahun", "pertahun": "tahun", "setahun": "tahun",
    "org": "orang", "krn": "karena", "karna": "karena", "tp": "tapi", "tpi": "tapi",
    "jg": "juga", "jga": "juga", "lg": "lagi", "lgi": "lagi", "sm": "sama", "ama": "sama",
    "trs": "terus", "trus": "terus", "skrg": "sekarang", "skrang": "sekarang", "skg": "sekarang",
    "bnyk": "banyak", "byk": "banyak", "hrs": "harus", "msh": "masih", "masi": "masih",
    "pake": "pakai", "pk": "pakai", "mo": "mau", "pengen": "mau", "pgn": "mau", "ingin": "mau",
    "kmn": "kemana", "dmn": "dimana", "dimn": "dimana", "mana": "dimana",
    "knp": "kenapa", "gpp": "tidak apa", "ap": "apa", "apaan": "apa",
    "jt": "juta", "jta": "juta", "jtan": "juta", "rb": "ribu", "rbu": "ribu", "ribuan": "ribu",
    "hp": "telepon", "nohp": "telepon", "wa": "telepon",
    "tlp": "telepon", "telp": "telepon", "telpon": "telepon", "nomer": "nomor", "no": "nomor",
    "ktp": "ktp", "nik": "nik", "kk": "kk",
    "daptar": "daftar", "dftr": "daftar", "dftar": "daftar", "registrasi": "daftar", "regis": "daftar",
    "ikut": "ikut", "ikutan": "ikut", "gabung": "ikut", "join": "ikut",
    "bayarnya": "bayar", "byr": "bayar", "bayar2": "bayar",
    "klaimnya": "klaim", "kalim": "klaim", "klem": "klaim", "cair": "klaim",
    "cairin": "klaim", "dicairin": "klaim", "cairkan": "klaim", "nyairin": "klaim", "pencairan": "klaim", "dicairkan": "klaim", "mencairkan": "klaim",
    "iuran": "iuran", "iurannya": "iuran", "premi": "iuran", "preminya": "iuran",
    "bpjstk": "bpjs ketenagakerjaan", "bpjsketenagakerjaan": "bpjs ketenagakerjaan", "naker": "ketenagakerjaan",
    "jamsostek": "bpjs ketenagakerjaan", "bpjskes": "bpjs kesehatan", "jkn": "bpjs kesehatan",
    "kis": "bpjs kesehatan",
    "ojol": "ojek", "gojek": "ojek", "grab": "ojek", "maxim": "ojek", "kurir": "kurir",
    "wafat": "meninggal", "mati": "meninggal", "tewas": "meninggal", "almarhum": "meninggal",
    "almarhumah": "meninggal", "mninggal": "meninggal", "meniggal": "meninggal",
    "diskonnya": "diskon", "potongan": "diskon", "promo": "diskon", "keringanan": "diskon", "murah": "diskon",
    "telat": "telat", "terlambat": "telat", "nunggak": "tunggak", "menunggak": "tunggak",
    "admin": "petugas", "operator": "petugas", "cs": "petugas", "orangnya": "orang",
    "rs": "rumahsakit", "klinik": "rumahsakit", "puskesmas": "rumahsakit", "rsud": "rumahsakit",
    "apk": "aplikasi", "app": "aplikasi", "apps": "aplikasi", "aplikasinya": "aplikasi",
    "pemkab": "pemda", "pemkot": "pemda", "pemprov": "pemda", "apbd": "pemda", "apbdes": "danadesa",
    # Banjar
    "ulun": "saya", "aku2": "saya", "pian": "anda", "ikam": "anda", "kada": "tidak", "kadada": "tidak ada",
    "handak": "mau", "hendak": "mau", "kawa": "bisa", "kawakah": "bisa", "bedaftar": "daftar",
    "bedaptar": "daftar", "mendaptar": "daftar", "duit": "uang", "gawian": "pekerjaan", "begawi": "kerja",
    "bagawi": "kerja", "umpat": "ikut", "baumpat": "ikut", "mun": "kalau", "amun": "kalau", "lawan": "dengan",
    "haja": "saja", "bubuhan": "orang", "abah": "ayah", "uma": "ibu",
    "bapandir": "bicara", "pandir": "bicara", "bahari": "dulu", "wayah": "sekarang", "wayahini": "sekarang",
    "baapa": "bagaimana", "barapa": "berapa", "pang": "", "kah": "", "lah": "", "am": "", "ja": "",
    "ngini": "begini", "nang": "yang", "di": "di", "ke": "ke", "sidin": "dia", "urang": "orang",
    "matan": "dari", "meulah": "membuat", "mambayar": "bayar", "bebayar": "bayar", "mambayarnya": "bayar",
    "laki": "suami", "bini": "istri", "garing": "sakit", "bahuma": "tani", "bepahuma": "tani",
    "sabulan": "bulan", "sabulannya": "bulan", "sakalian": "sekaligus", "sekalian": "sekaligus",
    "talu": "tiga", "wahini": "sekarang", "bujur": "benar", "inya": "dia", "acil": "bibi", "parak": "dekat",
    "baisi": "punya", "ampun": "punya", "isuk": "besok", "maunduh": "unduh", "mengunduh": "unduh",
    "install": "unduh", "instal": "unduh", "tulak": "pergi", "gasan": "untuk",
    "tahambat": "telat", "baampih": "berhenti", "bahenti": "berhenti", "napa": "apa", "kenapakah": "kenapa",
    "batambah": "tambah", "mambayarakan": "bayar", "mancairakan": "klaim", "mambatalakan": "batal",
    "basadakah": "sedekah", "bersedekah": "sedekah", "sadakah": "sedekah", "badaftar": "daftar",
    "badaptar": "daftar", "ading": "adik",
    "mancek": "cek", "macek": "cek", "tadaftar": "terdaftar", "balum": "belum", "tagal": "tapi",
    "dangar": "dengar", "surang": "sendiri", "hanyar": "baru", "dapa": "dapat", "kaina": "nanti",
    # English to Indonesian, so English questions meet the Indonesian phrasings
    "register": "daftar", "registration": "daftar", "enroll": "daftar", "enrol": "daftar", "apply": "daftar",
    "pay": "bayar", "paying": "bayar", "payment": "bayar", "payments": "bayar", "paid": "bayar",
    "contribution": "iuran", "contributions": "iuran", "fee": "iuran", "fees": "iuran", "premium": "iuran",
    "cost": "biaya", "costs": "biaya", "price": "harga", "monthly": "bulan", "month": "bulan", "months": "bulan",
    "discount": "diskon", "discounts": "diskon", "cheaper": "diskon", "claim": "klaim", "claims": "klaim",
    "withdraw": "klaim", "accident": "kecelakaan", "accidents": "kecelakaan", "injured": "cedera",
    "injury": "cedera", "hurt": "cedera", "death": "meninggal", "die": "meninggal", "dies": "meninggal",
    "died": "meninggal", "dead": "meninggal", "pension": "pensiun", "retirement": "pensiun",
    "hospital": "rumahsakit", "hospitals": "rumahsakit", "clinic": "rumahsakit", "scholarship": "beasiswa",
    "scholarships": "beasiswa", "children": "anak", "child": "anak", "kids": "anak",
    "reminder": "pengingat", "reminders": "pengingat", "remind": "pengingat", "late": "telat",
    "deadline": "jatuhtempo", "requirements": "syarat", "requirement": "syarat", "documents": "syarat",
    "document": "syarat", "need": "perlu", "needed": "perlu", "status": "status", "active": "aktif",
    "card": "kartu", "delete": "hapus", "privacy": "privasi", "safe": "aman", "data": "data",
    "human": "manusia", "person": "manusia", "agent": "petugas", "complain": "komplain",
    "complaint": "komplain", "stop": "berhenti", "quit": "berhenti",
    "sponsor": "sponsor", "neighbour": "tetangga", "neighbor": "tetangga", "donate": "sedekah",
    "charity": "sedekah", "workers": "pekerja", "worker": "pekerja", "job": "kerja", "work": "kerja",
    "working": "kerja", "covered": "tanggung", "cover": "tanggung", "benefit": "manfaat",
    "benefits": "manfaat", "statistics": "statistik", "coverage": "cakupan", "protected": "terlindungi",
    "change": "ubah", "update": "ubah", "phone": "telepon", "number": "nomor", "heir": "ahli waris",
    "heirs": "ahli waris", "call": "telepon", "office": "kantor", "branch": "cabang",
    "government": "pemerintah", "village": "desa", "health": "kesehatan", "insurance": "asuransi",
    "savings": "tabungan", "old": "tua", "register?": "daftar", "who": "siapa", "eligible": "boleh",
    "can": "bisa", "where": "dimana", "when": "kapan", "much": "berapa", "fisherman": "nelayan",
    "fishermen": "nelayan", "farmer": "petani", "farmers": "petani", "driver": "sopir", "drivers": "sopir",
    "guard": "penjaga", "cleaner": "kebersihan", "resign": "berhenti kerja", "resigned": "berhenti kerja",
    "fired": "phk", "balance": "saldo", "password": "sandi", "login": "masuk", "download": "unduh",
    "address": "alamat", "free": "gratis", "open": "buka", "hours": "jam", "saturday": "sabtu",
    "owe": "tunggak", "owed": "tunggak", "missed": "telat", "courier": "kurir", "couriers": "kurir",
    "housekeeper": "pembantu", "maid": "pembantu", "nanny": "pembantu", "freelance": "lepas",
    "freelancer": "lepas", "hotline": "kontak",
    "cancel": "batal", "cancelled": "batal", "membership": "kepesertaan", "member": "peserta",
    "pensiun": "pensiun", "pensium": "pensiun", "batalin": "batal", "dibatalkan": "batal",
    "membatalkan": "batal", "pembatalan": "batal",
}

# Words that carry no topic: dropped after normalisation.
STOPWORDS: frozenset[str] = frozenset(
    "yang di ke dari itu ini dan atau saya anda kamu dia kita kami nya sih dong ya deh nih kok loh tuh "
    "tolong mohon min mimin kak kakak bang abang pak bapak bu ibu mas mbak om tante gan sis admin2 "
    "apa ada adakah bagaimana cara caranya gimana mau bisa boleh tidak sudah belum akan lagi juga aja saja "
    "doang kok yaa sj dulu nanti tadi kemarin sih "
    "untuk dengan sama pada dalam oleh karena kalau tapi terus jadi kan pun lah kah "
    "the a an is are am to of i my me we you your it do does did what how in on for and or be this that "
    "please with can could would should there any".split()
)

_ELONGATION = re.compile(r"([a-z])\1{2,}")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGIT = re.compile(r"\d")
_DIGIT_ALPHA = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_MAX_PHRASE = max(len(p.split()) for p in PHRASES)
_PHRASE_STARTS = frozenset(p.split()[0] for p in PHRASES)  # a phrase is looked for only where one may begin


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def raw_tokens(text: str) -> list[str]:
    """Lower-case ASCII word tokens: emojis and punctuation gone, digits split from letters, elongations cut."""
    text = text.lower()
    if not text.isascii():  # most messages are plain ASCII: folding is for "é", "ﬁ", full-width letters
        text = _ascii_fold(text)
    text = _NON_WORD.sub(" ", text)
    if _DIGIT.search(text):  # "65thn", "2jt": most text has no digit, and this split is the slow one
        text = _DIGIT_ALPHA.sub(" ", text)
    return _ELONGATION.sub(r"\1", text).split()  # letters only repeat inside a word here: one pass for all


@lru_cache(maxsize=20_000)
def word_tokens(word: str) -> tuple[str, ...]:
    """`raw_tokens` of one word ("65thn" -> 65, thn), cached: the words of messages repeat."""
    return tuple(raw_tokens(word))


@lru_cache(maxsize=20_000)
def _map_token(token: str) -> tuple[str, ...]:
    mapped = TOKENS.get(token)
    if mapped is None and len(token) > 3 and token.endswith("s"):
        # an English plural or third person of a word we map ("injuries", "pays", "claims")
        mapped = TOKENS.get(token[:-3] + "y") if token.endswith("ies") else None
        mapped = mapped or TOKENS.get(token[:-1]) or (TOKENS.get(token[:-2]) if token.endswith("es") else None)
    if mapped is None:
        # Reduplication ("anak2", "kerja-kerja") was split into digits/duplicates above; "-nya" suffixes on
        # known words ("iurannya") are mapped by the stemmer later.
        return (token,)
    return tuple(mapped.split())


def normalise(text: str) -> list[str]:
    """Standardised tokens (stopwords kept; see `content_tokens`)."""
    return list(_normalised(text))


@lru_cache(maxsize=4096)
def _normalised(text: str) -> tuple[str, ...]:
    # A message's pieces are read more than once (split, small talk, matching): each is worked out once.
    tokens = raw_tokens(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        longest = min(_MAX_PHRASE, len(tokens) - i) if tokens[i] in _PHRASE_STARTS else 1
        for size in range(longest, 1, -1):
            phrase = " ".join(tokens[i : i + size])
            if phrase in PHRASES:
                out.extend(PHRASES[phrase].split())
                i += size
                break
        else:
            out.extend(_map_token(tokens[i]))
            i += 1
    return tuple(t for t in out if t)


def content_tokens(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and not t.isdigit()]
