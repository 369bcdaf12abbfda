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


@pytest.mark.parametrize(("message", "topics"), [
    ("brp iurannya sebulan, trus klo kecelakaan pas narik ditanggung gk", ("iuran", "jkk")),
    ("gmn cara daftar bpjs tk", ("daftar",)),
    ("resep soto banjar", ()),
])
def test_every_topic_asked_is_named_in_order(message: str, topics: tuple[str, ...]) -> None:
    assert topics_asked(default_matcher(), message).topics == topics
