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
    ],
    AGE_YOUNG: [
        "adik sy baru 15 thn kerja jd kuli angkut, bisa ikut bpu gk",
        "ading ulun umur 14 bagawi di warung, kawa kah umpat bpjs tk",
        "anak sy 17 tahun bantu jualan es, boleh daftar bpjstk?",
        "my son is 16 and works at the market, can he be registered for bpjs ketenagakerjaan?",
        "apakah anak dibawah umur yg sudah kerja boleh ikut bpjs ketenagakerjaan",
    ],
    AGE_QUESTION: [
        "ada batas umur gk utk ikut bpu",
        "umur maksimal peserta bpjs tk mandiri brp",
        "is there an age limit to join bpjs ketenagakerjaan as bpu?",
        "umur minimal daftar bpu berapa",
        "batas usia gasan umpat bpjs ketenagakerjaan barapa",
    ],
    HOMEMAKER: [
        "sy irt tp terima pesanan catering kecil2an, bisa ikut bpu gk",
        "ibu rumah tangga yg bikin keripik buat dijual boleh jd peserta bpjs tk?",
        "ulun bini urang haja, jualan pentol di muka rumah, kawa kah umpat bpjs",
        "I'm a housewife who sells snacks online, can I join BPJS Ketenagakerjaan?",
        "istri sy tidak bekerja di luar, cuma buka jahitan di rumah, bisa didaftarkan bpu?",
    ],
    STUDENT: [
        "sy masih kuliah sambil jadi driver ojol, bisa ikut bpjs tk sbg bpu?",
        "pelajar smk yg nyambi jadi tukang cuci motor boleh daftar bpu?",
        "mahasiswi yg jualan online dari kos bisa jd peserta bpjs ketenagakerjaan gk",
        "I'm a university student working part time at a cafe, can I join bpjs ketenagakerjaan?",
        "ulun mahasiswa, bagawi sambilan jadi kurir, kawa kah umpat bpu",
    ],
    WAGE_UNREGISTERED: [
        "sy karyawan toko hp, gaji bulanan dari bos, tp blm didaftarkan bpjs tk sm bos. bs daftar sendiri gk?",
        "bos sy gk mau daftarin karyawan ke bpjs, sy boleh ikut bpu aja kah",
        "ulun digaji juragan sawit tiap bulan tapi kada didaftarakan bpjs, kawa kah ulun badaftar surang",
        "my employer pays me a monthly salary but never registered me for bpjs, can i join as bpu myself?",
        "kerja di pabrik es, digaji tiap minggu, perusahaan blm ikutkan sy bpjs tk, sy bs daftar mandiri?",
    ],
    WAGE_SIDE_JOB: [
        "sy pegawai kantor, bpjs tk udh ditanggung kantor, tp sore nya sy jualan online. bisa ikut bpu jg?",
        "sy karyawan pabrik dan udh ikut bpjs tk dari perusahaan. mau daftar bpu juga buat kerja sampingan, bisa?",
        "I'm already covered by my company's BPJS, but I drive ojek on weekends. Can I also join as BPU?",
        "perusahaan sdh daftarkan sy bpjs ketenagakerjaan, boleh gk sy ikut bpu jg buat usaha sendiri",
        "ulun pegawai pt, bpjs sudah dibayar perusahaan, malamnya ulun ngojek, kawa kah umpat bpu jua",
    ],
    RETIRED: [
        "sy pensiunan guru, skrg buka warung kopi, bs ikut bpjs tk bpu gk?",
        "bapak sy purnawirawan tni, skrg bertani, boleh didaftarin bpu?",
        "ulun pensiunan pns, wayah ini bajualan di pasar, kawa kah umpat bpjs ketenagakerjaan",
        "I'm a retired civil servant running a small shop, can I join as an informal worker?",
        "udh pensiun dari bumn, skrg usaha laundry, masih bisa ikut bpu?",
    ],
    MOSQUE_WORKER: [
        "sy kaum masjid, dpt insentif dr takmir tiap bulan, sy termasuk bpu gk?",
        "marbot langgar yang digaji jamaah bisa ikut bpjs tk mandiri kah",
        "ulun marbot, dibayar yayasan tiap bulan, kawa kah umpat bpu atau yayasan nang mandaftarakan",
        "I'm a mosque caretaker paid monthly by the foundation, can I register as BPU?",
        "muadzin yg dapat honor dr dkm masuk bpu atau penerima upah?",
    ],
    HAS_KIS: [
        "sy udh punya kis dari pemerintah, msh bisa ikut bpu gk?",
        "kartu indonesia sehat ulun gratis matan pemerintah, kawa kah umpat bpjs ketenagakerjaan jua?",
        "I already have a free government health card (KIS), can I still join BPU?",
        "sdh terdaftar pbi bpjs kesehatan, kalau daftar bpu jg jadi dobel gk?",
        "bpjs kesehatan sy aktif, ngapain daftar bpjstk lg?",
    ],
    KTP_OTHER_REGION: [
        "ktp sy masih ktp sulawesi, kerja di samarinda, bisa daftar bpu pakai ktp itu?",
        "sy perantau, ktp luar kalimantan, boleh ikut bpjs tk di balikpapan?",
        "ulun ktp kalsel tapi bagawi di kaltim, kawa kah badaftar bpu di sini",
        "my id card is from another province, can I still register as bpu here?",
        "domisili sy beda provinsi dgn ktp, daftar bpu hrs di daerah ktp kah?",
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
