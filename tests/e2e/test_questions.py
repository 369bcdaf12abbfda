"""Asking questions in free text, browsing topics, the fallback and the handoff to a person."""

from __future__ import annotations

import pytest

from bot.devtools.telegram_standin import ChatMessage
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot

pytestmark = pytest.mark.e2e


def test_a_free_text_question_gets_the_answer_and_follow_up_buttons(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("brp iuran bpjs tk sebulan min")
    answer = user.reply()
    assert "16.800" in answer.text
    labels = answer.button_labels
    assert any("Hitung iuran" in label for label in labels) and any("Menu utama" in label for label in labels)
    # A follow-up button opens that topic.
    topic_buttons = [b for b in answer.buttons if b["callback_data"].startswith("t:")]
    user.press(topic_buttons[0]["text"])
    assert user.reply().text != answer.text


def test_questions_are_answered_in_the_users_language(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/bahasa")
    user.reply()
    user.press("English")
    user.replies()
    user.send("how much is the monthly contribution")
    answer = user.reply()
    assert "16,800" in answer.text and "Main menu" in " ".join(answer.button_labels)


def test_greetings_are_answered_kindly_without_a_fallback(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("halo min")
    reply = user.reply()
    assert "Halo!" in reply.text and "Tanya program" in " ".join(reply.button_labels)


def test_salam_and_thanks_in_their_everyday_forms_are_answered_in_kind(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("Assalamualaikum pian")
    reply = user.reply()
    assert reply.text.startswith("Waalaikumsalam") and "Tanya program" in " ".join(reply.button_labels)
    user.send("makasih ya infonya kak")
    assert user.reply().text.startswith("Sama-sama")


def test_two_questions_in_one_message_get_both_answers_in_one_reply(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("assalamualaikum, brp iurannya sebulan, trus klo kecelakaan kerja ditanggung gk?")
    reply = user.reply()
    assert reply.text.startswith("Waalaikumsalam")
    assert "16.800" in reply.text and "Jaminan Kecelakaan Kerja" in reply.text
    datas = [b["callback_data"] for b in reply.buttons]
    assert len(datas) == len(set(datas)) and "t:iuran" not in datas


def test_a_part_the_bot_cannot_answer_is_named_and_can_go_to_a_person(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("cara daftar bpjs tk gmn, terus harga hp samsung brp")
    reply = user.reply()
    assert "Cara mendaftar" in reply.text
    assert "belum bisa saya jawab" in reply.text and "harga hp samsung brp" in reply.text
    user.press("Tanya petugas")
    assert "diteruskan" in user.reply().text


def test_an_english_question_is_answered_in_english_with_an_offer_to_switch(running_bot: RunningBot,
                                                                            user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)  # a new user: Indonesian by default
    user.send("hello, how much is the monthly contribution?")
    reply = user.reply()
    assert reply.text.startswith("Hello!") and "16,800" in reply.text and "per bulan" not in reply.text
    assert "Main menu" in " ".join(reply.button_labels)
    user.press("Use English from now on")
    user.replies()
    user.send("brp iuran sebulan")  # the stored choice is English now; an Indonesian question still gets Indonesian
    assert "16.800" in user.reply().text


def test_browsing_topics_pages_back_and_forth_and_opens_one(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/tanya")
    first = user.reply()
    assert "halaman 1 dari" in first.text
    user.press("Berikutnya")
    second = user.reply()
    assert second.message_id == first.message_id and "halaman 2 dari" in second.text  # edited in place
    user.press("Sebelumnya")
    assert "halaman 1 dari" in user.reply().text
    user.press_data("tp:999")  # a forged page number lands on the last page, not an error
    assert "halaman" in user.reply().text
    user.press_data("t:tidak_ada")
    assert "tidak berlaku" in user.events()[-1].text


def test_the_menu_item_opens_the_topic_list(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/start")
    user.replies()
    user.press("Tanya program")
    assert "Pilih topik" in user.reply().text


def test_an_unknown_question_offers_close_topics_a_person_and_the_menu(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("resep soto banjar yang enak")
    reply = user.reply()
    assert "belum paham" in reply.text
    labels = " ".join(reply.button_labels)
    assert "Tanya petugas" in labels and "Menu utama" in labels and "Daftar topik" in labels


def _support_messages(running_bot: RunningBot) -> list[ChatMessage]:
    box = running_bot.sandbox
    return box.run(lambda: [m for (chat, _), m in sorted(box.sandbox.messages.items())
                            if chat == SUPPORT_CHAT_ID and m.from_bot])


def test_handoff_passes_the_question_once_and_the_teams_reply_comes_back(running_bot: RunningBot,
                                                                         user_id: int) -> None:
    box = running_bot.sandbox
    user = box.user(user_id, first_name="Nama Rahasia")
    user.send("saya mau komplain ke petugas, klaim saya ditolak padahal sudah bayar 6 bulan")
    user.reply()
    before = len(_support_messages(running_bot))
    fallback = user.last_message_with_buttons()
    user.press("Tanya petugas", fallback)
    assert "sudah diteruskan" in user.reply().text
    user.press("Tanya petugas", fallback)  # pressed twice: told, not sent again
    assert "sudah diteruskan" in user.events()[-1].text

    forwarded = _support_messages(running_bot)[before:]
    assert len(forwarded) == 1
    assert "klaim saya ditolak padahal sudah bayar" in forwarded[0].text
    assert "Nama Rahasia" not in forwarded[0].text and str(user_id) not in forwarded[0].text

    box.call(box.sandbox.reply_to(ADMIN_ID, SUPPORT_CHAT_ID, forwarded[0].message_id,
                                  "Silakan bawa kartu & KTP ke kantor cabang <besok>"))
    reply = user.reply()
    assert "Balasan petugas" in reply.text and "kartu & KTP ke kantor cabang <besok>" in reply.text
    assert any("terkirim" in (m.text or "") for m in _support_messages(running_bot)[before:])


def test_asking_for_a_person_from_a_button_waits_for_the_message(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("saya mau bicara dengan petugas")
    answer = user.reply()
    assert "Tanya petugas" in " ".join(answer.button_labels)
    user.send("/tanya")
    user.reply()
    user.press_data("a:human")
    assert "tulis pesan" in user.reply().text.lower()
    before = len(_support_messages(running_bot))
    user.send("nomor kpj saya hilang bagaimana")
    assert "sudah diteruskan" in user.reply().text
    assert "nomor kpj saya hilang" in _support_messages(running_bot)[before].text


def test_someone_elses_handoff_button_changes_nothing(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    owner, intruder = running_bot.sandbox.user(new_user_id()), running_bot.sandbox.user(new_user_id())
    owner.send("resep soto banjar yang enak")
    data = next(b["callback_data"] for b in owner.reply().buttons if b["callback_data"].startswith("h:"))
    before = len(_support_messages(running_bot))
    intruder.send("/start")
    intruder.replies()
    intruder.press_data(data)
    assert "tidak berlaku" in intruder.events()[-1].text
    assert len(_support_messages(running_bot)) == before
