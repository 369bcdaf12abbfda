"""The reply to a message: every question answered under its title, parts not understood named, small talk
answered in kind."""

from __future__ import annotations

from bot.core.i18n import default_translator, plain
from bot.questions.desk import QuestionDesk
from bot.questions.knowledge_base import default_knowledge
from bot.questions.matcher import default_matcher


def _desk() -> QuestionDesk:
    return QuestionDesk(default_knowledge(), default_matcher(), default_translator())


def _datas(reply) -> list[str]:  # noqa: ANN001
    return [button.data for row in reply.buttons for button in row]


def test_two_questions_get_both_answers_in_order_with_one_set_of_buttons() -> None:
    desk = _desk()
    reply = desk.reply_to_message(desk.read("brp iurannya sebulan, trus klo kecelakaan kerja ditanggung gk?"),
                                  "id", ticket_id=None)
    knowledge = default_knowledge()
    iuran, jkk = knowledge["iuran"].text("title", "id"), knowledge["jkk"].text("title", "id")
    assert iuran in reply.text and jkk in reply.text and reply.text.index(iuran) < reply.text.index(jkk)
    datas = _datas(reply)
    assert len(datas) == len(set(datas))  # follow-ups of both, each once
    assert "t:iuran" not in datas and "t:jkk" not in datas  # nothing already answered is offered again
    assert datas[-1] == "m:home"


def test_a_part_not_understood_is_named_with_the_person_button() -> None:
    desk = _desk()
    reply = desk.reply_to_message(desk.read("cara daftar bpjs tk gmn, terus harga hp samsung brp"), "id",
                                  ticket_id=7)
    assert "belum bisa saya jawab" in reply.text and "harga hp samsung brp" in reply.text
    assert "h:7" in _datas(reply)


def test_salam_is_answered_with_waalaikumsalam_then_the_answer() -> None:
    desk = _desk()
    reply = desk.reply_to_message(desk.read("assalamualaikum pian, kaya apa cara bedaftar bpjs"), "id",
                                  ticket_id=None)
    assert reply.text.startswith("Waalaikumsalam") and "Halo" not in reply.text
    assert default_knowledge()["daftar"].text("answer", "id")[:40] in reply.text


def test_small_talk_alone_is_answered_in_kind() -> None:
    desk = _desk()
    assert desk.small_talk_only(desk.read("makasih ya kak"), "id").startswith("Sama-sama")
    assert "Waalaikumsalam" in desk.small_talk_only(desk.read("assalamualaikum"), "id")
    goodbye = desk.small_talk_only(desk.read("ok makasih, dadah min"), "en")
    assert "welcome" in goodbye and "Goodbye" in goodbye and "anything else" not in goodbye.lower()


def test_a_message_too_long_for_one_reply_keeps_the_other_answers_as_buttons() -> None:
    desk = _desk()
    message = ("brp iurannya? trus jkk itu apa? jkm dpt apa? jht itu apa? syarat daftar apa aja? "
               "bayarnya dmn? klaim jht gmn?")
    reply = desk.reply_to_message(desk.read(message), "id", ticket_id=None)
    assert len(plain(reply.text)) <= 4096
    assert len(desk.read(message).questions) >= 5


def test_who_may_join_is_answered_for_the_askers_own_situation() -> None:
    desk = _desk()
    asked = desk.read("abah sy umur 65 masih bertani, masih boleh ikut bpjs ketenagakerjaan gk?")
    assert asked.questions == ("bpu",)
    reply = desk.reply_to_message(asked, "id", ticket_id=None)
    assert "batas umur" in reply.text and "175" in reply.text  # the facts are silent on age: said, with 175
    assert reply.text.count("batas umur") == 1


def test_a_greeting_with_a_question_not_understood_does_not_hide_the_question() -> None:
    desk = _desk()
    asked = desk.read("selamat pagi kak, resep soto banjar yang enak apa ya?")
    reply = desk.reply_to_message(asked, "id", ticket_id=3)
    assert reply.text.startswith("Halo") and "belum paham" in reply.text and "h:3" in _datas(reply)
