"""Who may join as BPU: the asker's situation is recognised, and the note for it is short, honest and sourced."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from bot.devtools.telegram_standin import parse_html
from bot.questions.eligibility import (
    AGE_OLDER,
    AGE_QUESTION,
    AGE_YOUNG,
    HAS_KIS,
    HOMEMAKER,
    KTP_OTHER_REGION,
    MOSQUE_WORKER,
    RETIRED,
    SITUATIONS,
    STUDENT,
    WAGE_SIDE_JOB,
    WAGE_UNREGISTERED,
    EligibilityNotesError,
    Situation,
    eligibility_note,
    eligibility_situation,
    load_notes,
)
from bot.questions.knowledge_base import load_knowledge
from tests.support.domain import figures_not_in_domain

# Written for this test; none is taken from the development or evaluation sets.
PHRASINGS = {
    AGE_OLDER: [
        "bapak sy udh 67 thn tp msh narik becak, bs didaftarin bpjs tk gk",
        "umur sy 70, msh kuat jualan ikan, boleh ikut bpu?",
        "ayah ulun umurnya 63 tahun, masih bagawi di kebun karet, kawa kah didaftarakan",
        "mama sy 59 thn jualan nasi kuning, msh bisa jd peserta bpjs ketenagakerjaan?",
        "umur ulun sudah 72, masih kawa umpat bpjs kah",
        "I'm 61 and still fishing every day, can I still join as an informal worker?",
        "my father is 66 years old and sells vegetables, is he eligible for BPU?",
        "I'm 60, can I still join?",
        "kakek sy masih nyadap karet tiap pagi, apa lansia boleh ikut bpu",
        'mbah sy umur 75 msh ke sawah tiap hari, boleh ikut bpjs tk?',
        'usia 52 thn baru mau daftar bpu telat gk?',
        'ayah ulun 68 tahun masih jadi nelayan, kawa kah umpat bpjs',
        'can my 70 year old grandmother still sign up as bpu',
        'org tua umur 64 bs didaftarin bpjs ketenagakerjaan gak',
        'apakah lansia yang masih berdagang bisa ikut bpjs tk?',
        'sy sdh 57 thn apa msh diterima jd peserta bpu',
        'umur sy 50an, msh bisa daftar bpjstk mandiri?',
    ],
    AGE_YOUNG: [
        "adik sy baru 15 thn kerja jd kuli angkut, bisa ikut bpu gk",
        "ading ulun umur 14 bagawi di warung, kawa kah umpat bpjs tk",
        "anak sy 17 tahun bantu jualan es, boleh daftar bpjstk?",
        "my son is 16 and works at the market, can he be registered for bpjs ketenagakerjaan?",
        "apakah anak dibawah umur yg sudah kerja boleh ikut bpjs ketenagakerjaan",
        'anak ulun 13 tahun bagawi di pasar, kawa didaftarakan bpjs kah',
        'umur 16 bisa daftar bpu gk',
        'sy 17 thn kerja di bengkel, bs ikut bpjs tk?',
        'can a 15 year old who works at a shop join bpjs ketenagakerjaan?',
    ],
    AGE_QUESTION: [
        "ada batas umur gk utk ikut bpu",
        "umur maksimal peserta bpjs tk mandiri brp",
        "is there an age limit to join bpjs ketenagakerjaan as bpu?",
        "umur minimal daftar bpu berapa",
        "batas usia gasan umpat bpjs ketenagakerjaan barapa",
        'bpu ada batasan umur gk',
        'usia brp boleh jd peserta bpjs ketenagakerjaan',
        'berapa umur maksimal ikut bpu',
        'what is the maximum age to join bpu',
    ],
    HOMEMAKER: [
        "sy irt tp terima pesanan catering kecil2an, bisa ikut bpu gk",
        "ibu rumah tangga yg bikin keripik buat dijual boleh jd peserta bpjs tk?",
        "ulun bini urang haja, jualan pentol di muka rumah, kawa kah umpat bpjs",
        "I'm a housewife who sells snacks online, can I join BPJS Ketenagakerjaan?",
        "istri sy tidak bekerja di luar, cuma buka jahitan di rumah, bisa didaftarkan bpu?",
        'emak2 rumah tangga yg jualan gorengan bs daftar bpu?',
        'sy ibu rumah tangga, boleh jadi peserta bpjs tk?',
        'a housewife who bakes cakes, can she register?',
        'istri ulun kada bagawi di luar, jualan wadai di rumah, kawa kah umpat bpu',
    ],
    STUDENT: [
        "sy masih kuliah sambil jadi driver ojol, bisa ikut bpjs tk sbg bpu?",
        "pelajar smk yg nyambi jadi tukang cuci motor boleh daftar bpu?",
        "mahasiswi yg jualan online dari kos bisa jd peserta bpjs ketenagakerjaan gk",
        "I'm a university student working part time at a cafe, can I join bpjs ketenagakerjaan?",
        "ulun mahasiswa, bagawi sambilan jadi kurir, kawa kah umpat bpu",
        'anak sy masih sma tp kerja part time di minimarket, bs ikut bpjs tk?',
        'mahasiswa yg freelance desain grafis masuk bpu gk?',
        "i'm a student doing deliveries after class, can i join bpu?",
        'sy kuliah sambil jualan kopi keliling, boleh daftar bpu',
    ],
    WAGE_UNREGISTERED: [
        "sy karyawan toko hp, gaji bulanan dari bos, tp blm didaftarkan bpjs tk sm bos. bs daftar sendiri gk?",
        "bos sy gk mau daftarin karyawan ke bpjs, sy boleh ikut bpu aja kah",
        "ulun digaji juragan sawit tiap bulan tapi kada didaftarakan bpjs, kawa kah ulun badaftar surang",
        "my employer pays me a monthly salary but never registered me for bpjs, can i join as bpu myself?",
        "kerja di pabrik es, digaji tiap minggu, perusahaan blm ikutkan sy bpjs tk, sy bs daftar mandiri?",
        'sy buruh bangunan digaji mandor harian, mandor gk daftarin bpjs, sy bs ikut bpu?',
        'pt tempat sy kerja belum mendaftarkan karyawannya ke bpjs tk, sy boleh daftar sendiri?',
        'my boss has not registered me with bpjs, can i sign up myself as bpu?',
        'gaji dari toko tapi toko kada mandaftarakan, kawa kah ulun umpat bpu',
    ],
    WAGE_SIDE_JOB: [
        "sy pegawai kantor, bpjs tk udh ditanggung kantor, tp sore nya sy jualan online. bisa ikut bpu jg?",
        "sy karyawan pabrik dan udh ikut bpjs tk dari perusahaan. mau daftar bpu juga buat kerja sampingan, bisa?",
        "I'm already covered by my company's BPJS, but I drive ojek on weekends. Can I also join as BPU?",
        "perusahaan sdh daftarkan sy bpjs ketenagakerjaan, boleh gk sy ikut bpu jg buat usaha sendiri",
        "ulun pegawai pt, bpjs sudah dibayar perusahaan, malamnya ulun ngojek, kawa kah umpat bpu jua",
        'sy pns, tp sampingan jualan online, bisa ikut bpu?',
        'sudah jadi peserta pu dari kantor, boleh daftar bpu juga?',
        'karyawan yg nyambi ojol bisa ikut bpu gk?',
        'i work at a bank and have bpjs from my employer, can i also join bpu for my side job?',
    ],
    RETIRED: [
        "sy pensiunan guru, skrg buka warung kopi, bs ikut bpjs tk bpu gk?",
        "bapak sy purnawirawan tni, skrg bertani, boleh didaftarin bpu?",
        "ulun pensiunan pns, wayah ini bajualan di pasar, kawa kah umpat bpjs ketenagakerjaan",
        "I'm a retired civil servant running a small shop, can I join as an informal worker?",
        "udh pensiun dari bumn, skrg usaha laundry, masih bisa ikut bpu?",
        'pensiunan tentara yg skrg berkebun sawit boleh daftar bpu?',
        'bapak saya pensiunan pegawai swasta, skrg buka bengkel, bisa ikut bpjstk?',
        'my dad is retired and runs a food stall, can he join as bpu?',
    ],
    MOSQUE_WORKER: [
        "sy kaum masjid, dpt insentif dr takmir tiap bulan, sy termasuk bpu gk?",
        "marbot langgar yang digaji jamaah bisa ikut bpjs tk mandiri kah",
        "ulun marbot, dibayar yayasan tiap bulan, kawa kah umpat bpu atau yayasan nang mandaftarakan",
        "I'm a mosque caretaker paid monthly by the foundation, can I register as BPU?",
        "muadzin yg dapat honor dr dkm masuk bpu atau penerima upah?",
        'marbot musholla dapat bisyaroh tiap bulan bisa jadi peserta bpjs tk?',
        'guru ngaji dibayar jamaah boleh ikut bpu?',
        'penjaga masjid yg honornya dari yayasan masuk pu atau bpu',
    ],
    HAS_KIS: [
        "sy udh punya kis dari pemerintah, msh bisa ikut bpu gk?",
        "kartu indonesia sehat ulun gratis matan pemerintah, kawa kah umpat bpjs ketenagakerjaan jua?",
        "I already have a free government health card (KIS), can I still join BPU?",
        "sdh terdaftar pbi bpjs kesehatan, kalau daftar bpu jg jadi dobel gk?",
        "bpjs kesehatan sy aktif, ngapain daftar bpjstk lg?",
        'sy peserta kis pbi, boleh gk ikut bpjs ketenagakerjaan jg?',
        'udh ada bpjs kesehatan gratis dr pemda, msh perlu daftar bpu?',
        'i have kis already, do i need to join bpu too?',
        'baisi kis haja, kawa kah umpat bpu',
    ],
    KTP_OTHER_REGION: [
        "ktp sy masih ktp sulawesi, kerja di samarinda, bisa daftar bpu pakai ktp itu?",
        "sy perantau, ktp luar kalimantan, boleh ikut bpjs tk di balikpapan?",
        "ulun ktp kalsel tapi bagawi di kaltim, kawa kah badaftar bpu di sini",
        "my id card is from another province, can I still register as bpu here?",
        "domisili sy beda provinsi dgn ktp, daftar bpu hrs di daerah ktp kah?",
        'ktp sy dari ntt tp kerja di kalbar, bisa daftar bpjstk?',
        'ktp beda kota dgn tempat kerja bs daftar bpu gk',
        'ulun ktp jawa, bagawi di banjarmasin, kawa kah bedaftar',
        'can i register with a ktp from another city?',
    ],
}

# Questions people ask every day that say nothing about who may join.
ORDINARY = [
    "iuran bpu sebulan brp",
    "jht bisa dicairin umur brp",
    "cara daftar bpjs tk lewat jmo gmn",
    "ayah sy umur 60 meninggal kemarin, dia peserta bpu, klaim jkm gmn",
    "sy mau bayarin bpjs tk marbot masjid dekat rumah, caranya?",
    "umur pensiun jp skrg brp",
    "sdh 20 tahun jualan di pasar, iuran bpu brp",
    "bpjs kesehatan sy nunggak gmn bayarnya",
    "ktp sy hilang, gmn ganti data di jmo",
    "kecelakaan pas ngojek ditanggung gk",
    "anak sy umur 10, bisa dapat beasiswa gk klo sy meninggal",
    "what is the discount for informal workers this year",
    "ulun sudah 12 tahun bajualan, barapa iurannya sabulan",
    'sy udh 10 tahun ikut bpu, jht bisa dicairkan sebagian gk',
    'anak sy umur 8 thn, kalau sy meninggal dia dapat beasiswa brp, sy peserta bpu',
    'umur 56 jht bisa diambil semua?',
    'ayah ulun umur 70 maninggal, inya umpat bpu, kaya apa klaimnya',
    'sy karyawan pabrik, kena phk, dapat jkp gk?',
    'gaji sy 3 juta, iuran bpu brp',
    'perusahaan sy telat bayar iuran bpjs tk, kena denda gk',
    'bpjs kesehatan sy mati, gmn aktifin lagi',
    'ktp sy hilang bisa daftar pakai kk?',
    'nik sy tidak cocok dengan dukcapil pas daftar',
    'sy pensiunan, jaminan pensiun sy kapan cair',
    'sy mahasiswa lagi riset, brp jumlah peserta bpu di kalimantan',
    'mau daftar bpu lewat jmo, langkahnya gmn',
    'sy ibu rumah tangga, mau bayarin bpjs tk tukang kebun sy, caranya gmn',
    'istri sy mau daftar bpu, perlu email gk',
    'marbot masjid kami mau kami daftarkan bpu, brp iurannya',
    'i am 2 months late paying, is my membership still active?',
    'sy sudah 20 tahun jualan, iuran minimal brp',
    'diskon 50 persen untuk ojol sampai kapan',
    'umur pensiun sekarang 59 ya?',
    'bapak sy 60 tahun kecelakaan kerja, klaim jkk gmn',
    'tahun 2026 iuran bpu brp',
    'kerja 5 tahun di kebun sawit, boleh ikut bpu?',
    "sy ibu rumah tangga, kartu jmo sy gk bisa masuk",
    "sy mahasiswa kerja part time, masuk angin trs, bisa klaim?",
    "ktp sy dari dukcapil blm jadi, bs daftar pake kk?",
    "halo",
    "",
]

ROOT = Path(__file__).resolve().parents[2]
REALISTIC = yaml.safe_load((Path(__file__).parent / "data" / "faq_realistic.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in PHRASINGS.items() for t in texts])
def test_the_askers_situation_is_recognised(kind: str, text: str) -> None:
    situation = eligibility_situation(text)
    assert situation is not None and situation.kind == kind, f"{text!r} -> {situation}"


def test_every_situation_has_phrasings_of_its_own() -> None:
    assert set(PHRASINGS) == set(SITUATIONS)
    assert all(len(texts) >= 5 for texts in PHRASINGS.values())


@pytest.mark.parametrize(("text", "age"), [
    ("abah sy umur 65 masih bahuma, bisa ikut bpu?", 65),
    ("usia ulun wayah ini 58, kawa kah umpat bpu", 58),
    ("sy 62 thn msh jualan, boleh daftar bpu?", 62),
    ("I'm 60, can I still join?", 60),
    ("my mother is 57 years old, can she join bpu?", 57),
    ("sdh 25 tahun jualan, umur sy 53, boleh ikut bpu?", 53),
])
def test_the_age_given_is_read(text: str, age: int) -> None:
    situation = eligibility_situation(text)
    assert situation is not None and situation.age == age


def test_an_age_that_raises_no_question_claims_no_situation() -> None:
    assert eligibility_situation("umur sy 35, jualan sayur, boleh ikut bpu?") is None
    assert eligibility_situation("umur sy 35, jualan sayur, umur maksimal ikut bpu brp?") == Situation(AGE_QUESTION, 35)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_claim_no_situation(text: str) -> None:
    assert eligibility_situation(text) is None


def test_almost_no_other_realistic_message_claims_a_situation() -> None:
    others = [m["q"] for m in REALISTIC["messages"] if m.get("kind") != "eligibility"]
    claimed = [(q, eligibility_situation(q)) for q in others if eligibility_situation(q) is not None]
    assert len(others) > 200
    assert len(claimed) < 0.03 * len(others), claimed


def test_most_realistic_eligibility_messages_are_recognised() -> None:
    asked = [m["q"] for m in REALISTIC["messages"] if m.get("kind") == "eligibility"]
    missed = [q for q in asked if eligibility_situation(q) is None]
    assert asked and len(missed) <= 0.2 * len(asked), missed


@pytest.mark.parametrize("text", ["x" * 5000, "🙏😀🔥" * 300, "umur " * 1000, "ktp " * 1200 + "luar", "\n\n\t", "???"])
def test_any_input_is_answered_quickly_and_safely(text: str) -> None:
    start = time.perf_counter()
    eligibility_situation(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("kind", SITUATIONS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_note_renders_in_telegram_and_is_short(kind: str, lang: str) -> None:
    note = eligibility_note(Situation(kind), lang)
    assert set(re.findall(r"</?([a-z]+)", note)) <= {"b", "i"}
    text = parse_html(note)  # raises like Telegram on broken markup
    assert 0 < len(text) <= 600
    assert text.count("\n") <= 5, f"{kind}.{lang} is longer than 6 lines"


@pytest.mark.parametrize("kind", SITUATIONS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_figure_in_a_note_comes_from_the_domain_sources(kind: str, lang: str) -> None:
    assert figures_not_in_domain(parse_html(eligibility_note(kind, lang))) == []


def test_notes_come_in_the_users_language() -> None:
    for kind in SITUATIONS:
        assert eligibility_note(kind, "id") != eligibility_note(kind, "en")
        assert eligibility_note(kind, "fr") == eligibility_note(kind, "id")


@pytest.mark.parametrize("kind", [AGE_OLDER, AGE_YOUNG, AGE_QUESTION])
def test_age_notes_say_the_sources_state_no_limit_and_where_to_ask(kind: str) -> None:
    assert "tidak menyebut" in eligibility_note(kind, "id")
    assert "no age limit" in eligibility_note(kind, "en") or "no minimum age" in eligibility_note(kind, "en")
    for lang in ("id", "en"):
        assert "175" in eligibility_note(kind, lang)


def test_a_salaried_worker_learns_the_employer_pays_and_a_kis_holder_that_it_is_another_programme() -> None:
    assert "pemberi kerja membayar" in eligibility_note(WAGE_UNREGISTERED, "id")
    assert "employer pays" in eligibility_note(WAGE_UNREGISTERED, "en")
    assert "BPJS Kesehatan" in eligibility_note(HAS_KIS, "id") and "lain" in eligibility_note(HAS_KIS, "id")


def test_every_note_names_its_source() -> None:
    for kind, note in load_notes().items():
        assert "shared/domain" in note.source or "seed article" in note.source, kind


def test_a_notes_file_missing_a_situation_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "bot" / "questions" / "eligibility.yaml").read_text(encoding="utf-8"))
    del data["situations"][HOMEMAKER]
    broken = tmp_path / "eligibility.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(EligibilityNotesError, match=HOMEMAKER):
        load_notes(broken)


def test_the_bpu_answer_names_who_may_join_with_examples() -> None:
    answer = load_knowledge()["bpu"].answer
    for word in ("bekerja sendiri", "ojek", "pedagang", "petani", "nelayan", "Penerima Upah"):
        assert word in answer["id"]
    for word in ("for themselves", "ojek", "traders", "farmers", "fishers", "wage earner"):
        assert word in answer["en"]
