"""Greetings, salam, thanks, "ok siap" and goodbyes around a question are read and taken off it."""

from __future__ import annotations

import pytest

from bot.questions.small_talk import read_small_talk


@pytest.mark.parametrize(("message", "kinds"), [
    ("assalamualaikum min", ("islamic_greeting",)),
    ("Assalamu'alaikum wr wb", ("islamic_greeting",)),
    ("halo kak", ("greeting",)),
    ("selamat malam, maaf ganggu", ("greeting", "greeting")),
    ("good morning", ("greeting",)),
    ("makasih ya infonya", ("thanks",)),
    ("mksh bnyk kak, sangat membantu", ("thanks",)),
    ("tengkyu min", ("thanks",)),
    ("ok siap", ("ok", "ok")),
    ("dadah", ("goodbye",)),
    ("thank you so much", ("thanks",)),
])
def test_small_talk_alone_leaves_nothing_to_answer(message: str, kinds: tuple[str, ...]) -> None:
    talk = read_small_talk(message)
    assert talk.kinds == kinds and talk.rest == ""


def test_the_question_between_greeting_and_thanks_is_kept_as_typed() -> None:
    talk = read_small_talk("Assalamualaikum pian, iuran 1,5 jt barapa? makasih 🙏")
    assert talk.kinds == ("islamic_greeting", "thanks") and talk.rest == "iuran 1,5 jt barapa"
    assert talk.topics == ("salam", "terima_kasih")


@pytest.mark.parametrize("message", ["malam ini bisa bayar?", "bayar iuran td sore bisa gk", "gimana caranya ok",
                                     "penjelasannya kurang jelas", "iuran brp", "sy ngojek tiap malam"])
def test_a_time_of_day_or_an_ok_inside_a_question_is_not_small_talk(message: str) -> None:
    talk = read_small_talk(message)
    assert talk.kinds == () and talk.rest == message
