"""One message, several questions: "iuran brp, trus klo kecelakaan ditanggung gk?" is two.

People write one message with a story and then one or more questions, joined by commas, question marks, line
breaks or words such as "dan", "terus", "sama", "juga", "and". The message is cut there; pieces too short to be a
question on their own stay with their neighbour ("jkk dan jkm" is one piece), and pieces that ask nothing (the story
part: "ulun bagawi di pasar") are told apart from those that ask, so the story does not become a topic of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends, line breaks, semicolons and commas (not inside a number such as "1,5").
_BREAKS = re.compile(r"[?!]+|\n+|(?<=[^\d\s])\.(?=\s|$)|;|,(?!\d)")
_JOINERS = re.compile(
    r"\s*\b(?:dan|terus|trus|trs|lalu|serta|sama|sm|juga|jg|and|also|plus|kemudian|habis itu|abis itu|"
    r"satu lagi|tapi|tp|atau|or|lawan)\b\s*", re.IGNORECASE)
# Words that make a piece a question (Indonesian, Banjar, English), or a final "kah"/"gk" as people write it.
_ASKING = re.compile(
    r"\b(?:berapa|brp|barapa|brapa|apa|apakah|bagaimana|gimana|gmn|gmana|kaya apa|kayapa|bisa|bisakah|bs|boleh|"
    r"kawa|dimana|dmn|di mana|mana|kapan|bilanya|siapa|kenapa|knp|perlu|harus|hrs|dapat|dpt|dapet|cara|caranya|"
    r"ditanggung|how|what|which|where|when|who|can|could|is|are|do|does|should|will|would)\b|kah\b|\?|"
    # "... ditanggung gk", "... kawa kada": a "not" at the end asks; inside a piece it states ("kada tentu").
    r"\b(?:gak|gk|ga|tidak|nggak|ngga|enggak|kada|kd|ndak|or not)\s*$", re.IGNORECASE)
MIN_WORDS = 2  # a piece shorter than this joins its neighbour
# "klo gk dpt, jht nya gmn": a condition cut off by a comma belongs to the question after it.
_CONDITION = re.compile(r"^(?:klo|kalo|kalau|kl|klau|jika|jikalau|apabila|misal|misalnya|amun|mun|if)\b",
                        re.IGNORECASE)
_COMMA = re.compile(r",(?!\d)")


@dataclass(frozen=True)
class Piece:
    text: str
    asks: bool  # holds a question word or mark; story pieces do not


def split_questions(text: str) -> list[Piece]:
    """The message's pieces in order. A message with one piece is one question."""
    pieces: list[str] = []
    for sentence in _sentences(text or ""):
        joined: list[str] = []  # within one sentence, a one-word piece stays with its neighbour ("jkk dan jkm")
        for part in filter(None, (part.strip(" ,") for part in _JOINERS.split(sentence.strip(" ,")))):
            if joined and (len(part.split()) < MIN_WORDS or len(joined[-1].split()) < MIN_WORDS):
                joined[-1] = f"{joined[-1]} {part}"
            else:
                joined.append(part)
        pieces += joined
    return [Piece(piece, bool(_ASKING.search(piece))) for piece in pieces]


def _sentences(text: str) -> list[str]:
    """The text cut at every break, with a condition ("klo gk,") kept with the clause after its comma."""
    cut: list[str] = []
    position = 0
    carried = ""
    for found in list(_BREAKS.finditer(text)) + [None]:
        end = found.start() if found else len(text)
        part = carried + text[position:end]
        carried = ""
        if found and _COMMA.fullmatch(found.group()) and _CONDITION.match(part.strip(" ,")) \
                and len(part.split()) <= 4 and not _ASKING.search(part):
            carried = part.rstrip() + ", "
        else:
            cut.append(part)
        position = found.end() if found else len(text)
    return cut
