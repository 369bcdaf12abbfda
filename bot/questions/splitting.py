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
_BREAKS = re.compile(r"[?!]+|\n+|(?<=\S)\.(?=\s|$)|;|,(?!\d)")
_JOINERS = re.compile(
    r"\s*\b(dan|terus|trus|trs|lalu|serta|sama|sm|juga|jg|and|also|plus|kemudian|habis itu|abis itu|"
    r"satu lagi|tapi|tp|atau|or|lawan)\b\s*", re.IGNORECASE)
# Words that make a piece a question (Indonesian, Banjar, English), or a final "kah"/"gk" as people write it.
_ASKING = re.compile(
    r"\b(?:berapa|brp|barapa|brapa|apa|apakah|bagaimana|gimana|gmn|gmana|kaya apa|kayapa|bisa|bisakah|bs|boleh|"
    r"kawa|dimana|dmn|dmana|di mana|mana|kemana|kmn|kmana|ke mana|kapan|bgmn|gmna|bilanya|siapa|kenapa|knp|perlu|"
    r"harus|hrs|dapat|dpt|dapet|cara|caranya|"
    r"ditanggung|tolong|tlg|mohon|please|pls|how|what|which|where|when|who|why|may|must|can|could|is|am|are|do|does|should|will|would)\b|kah\b|\?|"
    # "... ditanggung gk", "... kawa kada": a "not" at the end asks; inside a piece it states ("kada tentu").
    r"\b(?:gak|gk|ga|tidak|nggak|ngga|enggak|kada|kd|ndak|or not)\s*$", re.IGNORECASE)
# Words that also state: after "not", "if" or "that" they do ("gk bisa pake aplikasi", "tau kalau bisa klaim",
# "yg bisa"), and "apa2" is "anything". In a story, such a use does not make its piece a question.
_WEAK = re.compile(r"^(?:apa|bisa|bs|boleh|kawa|perlu|harus|hrs|dapat|dpt|dapet|mana|ditanggung|tolong|tlg|mohon)$", re.IGNORECASE)
_STATING_BEFORE = re.compile(r"\b(?:gk|gak|ga|tdk|tidak|nggak|ngga|enggak|kada|kd|blm|belum|balum|klo|kalo|kalau|"
                             r"kl|yg|yang|nang|asal|biar|supaya|agar)\s+$", re.IGNORECASE)
_BEFORE = 24  # characters before a question word that can hold the word that makes it state
_FORGOT = re.compile(r"\b(?:lupa|lupe|forgot)\b", re.IGNORECASE)  # "sy lupa bayarnya bulan apa" tells, it does not ask
_STATING_AFTER = re.compile(r"^(?:\s*2|\s*-\s*apa|\s+apa\b|\s*pun\b)", re.IGNORECASE)
_WHICH = re.compile(r"\b(?:yg|yang|nang)\s+$", re.IGNORECASE)  # "rumah sakit nang mana": which one, a question
MIN_WORDS = 2  # a piece shorter than this joins its neighbour
STORY_WORDS = 16  # a message longer than this tells a story around its questions
# "klo gk dpt, jht nya gmn": a condition cut off by a comma belongs to the question after it.
_CONDITION = re.compile(r"^(?:klo|kalo|kalau|kl|klau|jika|jikalau|apabila|misal|misalnya|amun|mun|if)\b",
                        re.IGNORECASE)
_COMMA = re.compile(r",(?!\d)")
_AUXILIARY = re.compile(r"^(?:is|am|are|do|does|can|could|should|will|would|may|must)$", re.IGNORECASE)
_EITHER_OR = re.compile(r"\b(?:atau|or)\b", re.IGNORECASE)
# "juga" is mostly "also" inside one clause ("nama di kartu jg salah ketik"): it joins two questions only when
# both sides ask ("iuran brp juga klo kecelakaan dpt apa").
_ALSO = re.compile(r"\s*\b(?:juga|jg|also)\b\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Piece:
    text: str
    asks: bool  # holds a question word or mark; story pieces do not
    sentence: int = 0  # which sentence of the message it is in
    alternative: bool = False  # it follows "atau"/"or": "bs lewat hp atau hrs ke kantor" is one question


def split_questions(text: str) -> list[Piece]:
    """The message's pieces in order. A message with one piece is one question."""
    pieces: list[Piece] = []
    story = len((text or "").split()) > STORY_WORDS
    number_of_sentence = -1
    for sentence, question_mark in _sentences(text or ""):
        # within one sentence, a one-word piece stays with its neighbour ("jkk dan jkm")
        joined: list[tuple[str, bool]] = []  # (text, follows an either-or word)
        cut = _JOINERS.split(sentence.strip(" ,"))  # parts, with the joining word between each two
        # ", atau hangus krn nunggak?" goes on with the sentence before it
        if not (len(cut) > 1 and not cut[0].strip(" ,") and _EITHER_OR.fullmatch(cut[1]) and pieces):
            number_of_sentence += 1
        for at in range(0, len(cut), 2):
            part = cut[at].strip(" ,")
            if not part:
                continue
            alternative = at > 0 and bool(_EITHER_OR.fullmatch(cut[at - 1]))
            also = at > 0 and bool(_ALSO.fullmatch(cut[at - 1]))
            if joined and also and not (_asks(joined[-1][0], False) and _asks(part, False)):
                joined[-1] = (f"{joined[-1][0]} {cut[at - 1].strip()} {part}", joined[-1][1])
            elif joined and (len(part.split()) < MIN_WORDS or len(joined[-1][0].split()) < MIN_WORDS):
                joined[-1] = (f"{joined[-1][0]} {part}", joined[-1][1])
            else:
                joined.append((part, alternative))
        # A "?" asks with the clause it closes, and with every clause of an either-or ("... atau ...?").
        marked = question_mark and (len(joined) == 1 or bool(_EITHER_OR.search(sentence)))
        pieces += [Piece(part, (question_mark and (marked or number == len(joined) - 1)) or _asks(part, story),
                         number_of_sentence, alternative)
                   for number, (part, alternative) in enumerate(joined)]
    return pieces


def _asks(piece: str, story: bool) -> bool:
    found = [hit for hit in _ASKING.finditer(piece)  # English asks verb first: "am i eligible", not "i am a driver"
             if hit.start() == 0 or not _AUXILIARY.match(hit.group())]
    if not story:
        return bool(found)
    forgot = _FORGOT.search(piece)
    # The words just before a hit decide; only the end of what comes before is read (a search anchored at its end
    # would try every position of it).
    return any(not _WEAK.match(hit.group())
               or (hit.group().lower() == "mana" and _WHICH.search(piece[max(0, hit.start() - _BEFORE) : hit.start()]))
               or not (_STATING_BEFORE.search(piece[max(0, hit.start() - _BEFORE) : hit.start()])
                       or (forgot is not None and forgot.start() < hit.start())
                       or _STATING_AFTER.match(piece[hit.end():]))
               for hit in found)


def _sentences(text: str) -> list[tuple[str, bool]]:
    """The text cut at every break, each part with whether a "?" closes it; a condition ("klo gk,") is kept with
    the clause after its comma."""
    cut: list[tuple[str, bool]] = []
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
            cut.append((part, bool(found and "?" in found.group())))
        position = found.end() if found else len(text)
    return cut
