"""A message with several questions: cut where people join them, the story told apart from the asking, and every
recognised topic named in the order asked."""

from __future__ import annotations

import pytest

from bot.questions.asked import topics_asked
from bot.questions.matcher import default_matcher
from bot.questions.splitting import split_questions


def test_questions_are_cut_where_people_join_them_and_short_pieces_stay_together() -> None:
    pieces = split_questions("iuran brp sebulan, trus klo meninggal keluarga dpt apa? jkk dan jkm itu apa")
    assert [p.text for p in pieces] == ["iuran brp sebulan", "klo meninggal keluarga dpt apa", "jkk jkm itu apa"]
    assert all(p.asks for p in pieces)
    assert [p.text for p in split_questions("Rp1,5 juta sebulan")] == ["Rp1,5 juta sebulan"]  # not a break


def test_the_story_is_not_a_question() -> None:
    pieces = split_questions("ulun bagawi jadi marbot di masjid, gajinya kada tentu. barapa iurannya?")
    assert [p.asks for p in pieces] == [False, False, True]


def test_a_question_mark_asks_with_the_clause_it_closes_and_both_halves_of_an_either_or() -> None:
    pieces = split_questions("sy tinggal di hulu sungai, kantor cabang jauh bgt. ada nomor telepon buat sy hubungi "
                             "atau layanan online biar gk usah datang?")
    assert [p.asks for p in pieces] == [False, False, True, True]
    pieces = split_questions("sy udh bayar kemarin lewat indomaret dan kartunya blm muncul di aplikasi?")
    assert [p.asks for p in pieces] == [False, True]


def test_in_a_story_a_word_that_states_does_not_ask() -> None:
    # "gk bisa" (cannot), "kalau bisa" (that one can), "apa2" (anything): the story, not a question.
    story = ("sy nelayan di kotabaru, gk bisa pake aplikasi. wkt itu sy gk tau kalau bisa klaim, keluarga tetangga "
             "gk dpt apa2. brp iuran sebulan")
    pieces = split_questions(story)
    assert [p.asks for p in pieces] == [False, False, False, False, True]
    assert split_questions("gk bisa bayar")[0].asks  # a short message: the same words ask
    # English asks verb first: "i am a fisherman" states, "am i eligible" asks.
    pieces = split_questions("i am a fisherman in tarakan and my boat is small. am i eligible for bpu")
    assert [p.asks for p in pieces] == [False, False, True]


def test_forgetting_tells_and_which_one_asks_in_a_story() -> None:
    story = ("sy buruh sawit di kotawaringin, dulu bayar iuran pas gajian. sy lupa terakhir bayar bulan apa. "
             "puskesmas yang mana yg nerima peserta bpjs tk?")
    assert [p.asks for p in split_questions(story)] == [False, False, False, True]


def test_the_halves_of_an_either_or_are_one_question_unless_the_second_clearly_asks_another() -> None:
    matcher = default_matcher()
    # "... atau hrs ke kantor": how to do what was asked, not a question about the offices
    message = "mau cairin jht krn udh gk kerja lagi di pabrik, prosesnya lewat aplikasi aja atau hrs ke kantor cabang?"
    assert topics_asked(matcher, message).questions == ("klaim_jht",)
    # the second half asks something else, unmistakably: both are answered
    message = "sy sering telat bayar iuran bpu, bisa autodebet di jmo? atau bot ini bisa ngingetin tiap bulan?"
    asked = topics_asked(matcher, message).questions
    assert len(asked) == 2 and asked[0] in ("jmo", "bayar") and asked[1] == "pengingat"


def test_also_joins_two_questions_only_when_both_sides_ask() -> None:
    assert [p.text for p in split_questions("iuran brp juga klo kecelakaan dpt apa")] == [
        "iuran brp", "klo kecelakaan dpt apa"]
    # "juga" inside one clause is "also": "the name on the card is also wrong" is one piece
    assert [p.text for p in split_questions("alamat sy salah, tgl lahir di kartu jg keliru")] == [
        "alamat sy salah", "tgl lahir di kartu jg keliru"]


def test_a_goodbye_closes_the_reply_even_after_a_question() -> None:
    asked = topics_asked(default_matcher(), "iuran bpu brp sebulan? nanti saya tanya lagi ya")
    assert asked.topics == ("iuran", "salam")


@pytest.mark.parametrize(("message", "topics"), [
    # "how do i claim" leans on nothing: after a question about hospitals it asks how to claim
    pytest.param(
        "my brother cut his hand at the workshop. which hospital treats work accidents and how do i claim?",
        ("rumah_sakit", "klaim_jkk"), id="a_short_question_that_names_its_topic_stands_on_its_own"),
    pytest.param(
        "tetangga sy jatuh dr perahu pas kerja di sungai, kecelakaan kerja. rs mana yg nerima, klaimnya ngurus kmn?",
        ("rumah_sakit", "klaim_jkk"), id="a_claim_that_leaves_its_programme_unsaid_is_for_the_one_named_before"),
    pytest.param(
        "tukang kebun sy kemarin jatuh dr pohon kelapa, tulang kakinya patah. klaimnya diurus ke mana?",
        ("klaim_jkk",), id="what_happened_names_the_programme_of_a_claim_that_leaves_it_out"),
    pytest.param(
        "sy ikut jht udh 12 thn, mau ambil sebagian buat renovasi rumah bisa gk",
        ("klaim_jht",), id="a_programme_only_stated_is_the_background_of_claiming_it"),
    # the sponsor answer states the cost per worker; the contribution table would say it again
    pytest.param(
        "gmn cara bayarin bpjs penjaga sekolah, trus sebulan brp",
        ("sponsor",), id="a_sponsors_how_much_is_answered_by_the_sponsor_topic"),
    pytest.param(
        "pemda bs bayarin iuran gk? klo gk, brp yg hrs sy bayar sendiri",
        ("pemda", "iuran"), id="someone_else_paying_for_the_writer_is_not_sponsoring"),
    pytest.param(
        "klo kecelakaan dpt apa, trus klaimnya ngurus dmn",
        ("jkk", "klaim_jkk"), id="what_one_gets_is_the_benefit_and_how_to_claim_is_the_claim"),
])
def test_follow_ups_claims_benefits_and_sponsors_are_read_as_meant(message: str, topics: tuple[str, ...]) -> None:
    assert topics_asked(default_matcher(), message).questions == topics


@pytest.mark.parametrize("message", [
    "tetangga sy janda tua jualan gorengan, sy mau daftarin dia ke bpjs tk dan sy yg bayar tiap bulan. lewat jmo "
    "bisa pake nik dia?",
    "we would like to pay for our night watchman, how do we register him?",
])
def test_registering_or_paying_for_someone_else_is_the_sponsor_question(message: str) -> None:
    assert topics_asked(default_matcher(), message).questions == ("sponsor",)


def test_holding_kis_the_question_is_first_how_the_two_bpjs_differ() -> None:
    asked = topics_asked(default_matcher(), "sy udh pny kis dr pemerintah, masih boleh ikut bpu jg gk?")
    assert asked.questions == ("bpjs_kesehatan", "bpu")
    # asking why, not whether one may: the difference alone
    asked = topics_asked(default_matcher(), "sy udh pny kis dr pemerintah, buat apa lg ikut bpjs tk, sama aja kan?")
    assert asked.questions == ("bpjs_kesehatan",)


def test_what_was_already_done_is_not_asked() -> None:
    asked = topics_asked(default_matcher(), "sdh daftar bpjs tk minggu lalu, kapan paling lambat bayar iuran pertama")
    assert asked.questions == ("jatuh_tempo",)


def test_a_short_question_is_read_with_the_sentence_before_it() -> None:
    # "sy bs ikut gk" alone looks like "may I stop/join"; after a sentence about the pension it asks about JP.
    message = ("sy punya warung kecil di samarinda. td dengar katanya pedagang skrg bs dpt jaminan pensiun bulanan "
               "sampai meninggal, sy bs ikut gk")
    assert topics_asked(default_matcher(), message).questions == ("jp",)


@pytest.mark.parametrize(("message", "topics"), [
    ("gaji sy kira2 1,5 jt, iurannya brp trus bayarnya bisa lewat dana?", ("iuran", "bayar")),
    ("kdg 700 rb kdg 1 jt, klo telat bayar ada denda gk, trus iurannya brp", ("tunggakan", "iuran")),
    ("penghasilan sekitar sejuta, brp iuran klo nambah jht", ("iuran",)),  # JHT is an option of the cost
])
def test_an_income_with_how_much_asks_the_cost_and_keeps_the_other_questions(message: str,
                                                                             topics: tuple[str, ...]) -> None:
    assert topics_asked(default_matcher(), message).questions == topics


@pytest.mark.parametrize(("message", "topics"), [
    ("brp iurannya sebulan, trus klo kecelakaan pas narik ditanggung gk", ("iuran", "jkk")),
    ("gmn cara daftar bpjs tk", ("daftar",)),
    ("resep soto banjar", ()),
])
def test_every_topic_asked_is_named_in_order(message: str, topics: tuple[str, ...]) -> None:
    assert topics_asked(default_matcher(), message).topics == topics


@pytest.mark.parametrize(("message", "topics"), [
    ("apa bedanya jkk sm jkm", ("jkk", "jkm")),  # one question about each programme compared
    ("jht itu apa sih trus bs dicairin kapan", ("jht", "klaim_jht")),  # the second part leaves "jht" unsaid
    ("assalamualaikum pian, kaya apa cara bedaftar bpjs", ("salam", "daftar")),
    ("iuran brp ya min, makasih 🙏", ("iuran", "terima_kasih")),
    ("sip udh jelas. dadah min", ("terima_kasih", "salam")),
])
def test_comparisons_unsaid_programmes_and_small_talk_are_read(message: str, topics: tuple[str, ...]) -> None:
    assert topics_asked(default_matcher(), message).topics == topics


def test_a_part_not_understood_is_kept_to_be_named() -> None:
    asked = topics_asked(default_matcher(), "cara daftar bpjs tk gmn, terus harga hp samsung brp")
    assert asked.questions == ("daftar",) and asked.unanswered == ("harga hp samsung brp",)


def test_in_a_long_story_only_the_asking_pieces_are_questions() -> None:
    story = ("ulun tukang ojek di barabai, sudah umpat bpjs bpu satahun, bayar tiap bulan lewat jmo. "
             "bini ulun bajualan wadai di rumah, kawa kah inya umpat jua?")
    asked = topics_asked(default_matcher(), story)
    assert "jmo" not in asked.topics and "bayar" not in asked.topics


def test_a_wall_of_questions_is_read_up_to_a_bound_and_the_rest_named() -> None:
    from bot.questions.asked import MAX_READ

    questions = [f"bayar iuran bpu bisa lewat atm bank nomor {n} gk" for n in range(1, MAX_READ + 4)]
    asked = topics_asked(default_matcher(), "? ".join(questions) + "?")
    assert "bayar" in asked.questions
    assert len(asked.unanswered) == 3 and asked.unanswered[-1] == questions[-1]


def test_realistic_messages_do_not_regress() -> None:
    """A floor under the realistic development set (benchmarks/faq_eval.py reports it in full)."""
    from pathlib import Path

    import yaml

    messages = yaml.safe_load((Path(__file__).parent / "data" / "faq_realistic.yaml").read_text(encoding="utf-8"))
    matcher = default_matcher()
    right = sum(list(topics_asked(matcher, m["q"]).topics) == list(m.get("topics") or [])
                for m in messages["messages"])
    assert right / len(messages["messages"]) >= 0.88
