"""Every topic a message asks about, in the order asked: the message as a whole, and each question in it.

A message of one question is matched as it is. A message of several (bot/questions/splitting.py) has each asking
piece matched on its own; a piece's topic counts when the matcher is sure enough of it on so little text. When no
piece is recognised, the whole message still may be ("... jadi kaya apa ulun mambayar?").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.questions.knowledge_base import UNKNOWN
from bot.questions.matcher import FaqMatcher, Match
from bot.questions.splitting import split_questions

PIECE_THRESHOLD = 0.6  # a piece is short: ask for more confidence than the matcher's own threshold


@dataclass(frozen=True)
class Asked:
    topics: tuple[str, ...]  # every recognised topic, in the order asked; () when nothing is recognised
    whole: Match  # the message as one question: its candidates feed the "not understood" suggestions
    unanswered: tuple[str, ...] = ()  # asking pieces in which nothing was recognised

    @property
    def score(self) -> float:
        return self.whole.score


def topics_asked(matcher: FaqMatcher, text: str) -> Asked:
    whole = matcher.match(text)
    pieces = split_questions(text)
    if len(pieces) <= 1:
        return Asked((whole.topic,) if whole.topic != UNKNOWN else (), whole)
    asking = [piece for piece in pieces if piece.asks] or pieces
    topics: list[str] = []
    unanswered: list[str] = []
    for piece in asking:
        found = matcher.match(piece.text)
        if found.topic != UNKNOWN and found.score >= PIECE_THRESHOLD:
            if found.topic not in topics:
                topics.append(found.topic)
        else:
            unanswered.append(piece.text)
    if not topics and whole.topic != UNKNOWN:
        return Asked((whole.topic,), whole)
    return Asked(tuple(topics), whole, tuple(unanswered) if topics else ())
