"""Every topic a message asks about, in the order asked: the message as a whole, and each question in it.

A message of one question is matched as it is. A message of several (bot/questions/splitting.py) has each asking
piece matched on its own; a piece's topic counts when the matcher is sure enough of it on so little text. When no
piece is recognised, the whole message still may be ("... jadi kaya apa ulun mambayar?"). Greetings and thanks
around the questions (bot/questions/small_talk.py) are topics of their own and are taken off before matching.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from bot.questions.eligibility import HAS_KIS, Situation, eligibility_situation, pays_for_others
from bot.questions.knowledge_base import UNKNOWN
from bot.questions.matcher import FaqMatcher, Match
from bot.questions.normalise import normalise
from bot.questions.small_talk import GREETING, ISLAMIC_GREETING, SALAM, TOPIC_OF, read_small_talk
from bot.questions.splitting import Piece, split_questions

PIECE_THRESHOLD = 0.6  # a piece is short: ask for more confidence than the matcher's own threshold
STORY_THRESHOLD = 0.97  # a piece that asks nothing ("mau daftar bpjs") counts only when it is unmistakable

SHORT_MESSAGE = 16  # words
WHOLE_TAIL = 400  # characters of a message matched as one question
MAX_QUESTIONS = 6  # matched in one message; more are named as not answered
# Asking pieces read in one message (real messages ask at most three or four things; a pasted wall of questions
# asking one thing many times must not cost more than this): later ones are named as not answered.
MAX_READ = 8
FOLLOW_UP_WORDS = 2  # a question with this few words of its own may lean on the sentence before it...
SURE_ALONE = 0.95  # ...unless it is this sure of its topic on its own, and surer than with the sentence

# An income said in the message ("kadang 700rb kadang 1 jt", "sajuta labih"): its "berapa" asks for the quote.
_AMOUNT = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:jt|juta|jutaan|jtan|jta|rb|ribu|rban|ribuan|k|an)\b|\b(?:sejuta|sajuta|"
                     r"sejutaan|sajutaan|satu juta|million)\b|\b\d{1,3}(?:\.\d{3})+\b|\b\d{6,}\b", re.IGNORECASE)
HOW_MUCH = frozenset({"berapa", "totalnya", "total"})
INCOME_TOPICS = ("iuran", "diskon")  # what a message stating an income and asking "how much" may be about

# A piece that tells what was already done states, it does not ask.
_REPORTED = re.compile(r"^\s*(?:udh|udah|sudah|sdh|dah|td|tadi|kemarin|kmrn|barusan|already|i have|i've|i already)\b",
                       re.IGNORECASE)
HOW = frozenset({"bagaimana", "cara", "caranya", "how"})
SPONSOR_COVERS = frozenset({"daftar", "bayar", "jmo", "iuran"})  # asked by someone paying for another worker
_ASKS_BENEFIT = re.compile(r"\b(?:dapat|dpt|dapet|dapatnya|dapetnya|dpat|olih|beroleh)\s+(?:apa|apaan|brp|berapa|barapa)\b"
                           r"|\bmanfaat\w*|\bwhat (?:do|does|will|would) (?:i|we|he|she|they|my \w+) get\b",
                           re.IGNORECASE)
_ASKS_CLAIMING = re.compile(r"\b(?:klaim\w*|claim\w*|cair\w*|dicair\w*|urus\w*|ngurus\w*|diurus\w*|ajukan|"
                            r"mengajukan|proses\w*|syarat\w*|dokumen|berkas|barkas)\b", re.IGNORECASE)
# Asking leave: "boleh ikut bpu jg?" (not "ngapain ikut", which asks why).
_MAY_I = re.compile(r"\b(?:boleh|bisa|bs|bsa|kawa|kawakah|can|could|may|allowed|eligible|masih|msh)\b", re.IGNORECASE)
# Topics that the words of a "may I join?" question look like but that it does not ask.
ELIGIBILITY_MIX = frozenset({"cek_status", "berhenti", "jkm", "jatuh_tempo"})

# Programmes a later piece may leave unnamed: "jht itu apa, trus bs dicairin kapan" asks about JHT twice.
PROGRAMMES = {"jht": "jht", "jkk": "jkk", "jkm": "jkm", "jp": "jp", "jkp": "jkp", "kecelakaan": "jkk",
              "meninggal": "jkm", "kematian": "jkm", "pensiun": "jp", "phk": "jkp",
              # what happened tells the programme too: "kmrn sy kepleset, tangan retak. ngurus klaimnya kmn?"
              **dict.fromkeys("celaka kepleset terpeleset jatuh luka terluka patah retak ditabrak tabrakan cedera "
                              "keserempet".split(), "jkk")}
# How a programme named earlier is put before a question that leaves it out: in the words people use for it, which
# the matcher knows best ("kecelakaan ngurus klaimnya kmn"), for what happened ("kepleset") as for the acronym.
_SAID_AS = {"jkk": "jkk kecelakaan", "jkm": "jkm kematian", "jp": "jp pensiun", "jkp": "jkp phk", "jht": "jht"}


def _said_as(word: str) -> str:
    return _SAID_AS.get(word) or (word if PROGRAMMES[word] != "jkk" else "kecelakaan")


PROGRAMME_TOPICS = frozenset(PROGRAMMES.values()) | {f"klaim_{p}" for p in PROGRAMMES.values()}
# Where, by what and whether one must do a thing: "bs diurus lewat hp atau hrs ke kantor" asks how to do what was
# asked before it. A question made only of these words leans on the sentence before it, however sure it looks alone.
DOING_WORDS = frozenset("kantor cabang online telepon aplikasi app website web lewat via langsung datang urus urusnya "
                        "proses office phone".split())
MUST_WORDS = frozenset("harus wajib musti mesti must".split())  # "hrs ke kantor": channel words and a must only
# "apa bedanya jkk sm jkm", "jht vs jp": one question about each programme named.
_COMPARING = frozenset("beda bedanya perbedaan bedain difference vs versus banding bandingkan".split())


GREETINGS = (ISLAMIC_GREETING, GREETING)  # open a reply; a goodbye closes it


@dataclass(frozen=True)
class Asked:
    topics: tuple[str, ...]  # every recognised topic (small talk included), in the order asked; () when none
    match_whole: Callable[[], Match] = field(repr=False, compare=False)
    unanswered: tuple[str, ...] = ()  # asking pieces in which nothing was recognised
    small_talk: tuple[str, ...] = ()  # kinds of small talk (bot/questions/small_talk.py), in order
    eligibility: Situation | None = None  # "ulun umur 65, kawa kah umpat?": who may join, for this asker

    @cached_property
    def whole(self) -> Match:
        """The message without its small talk, as one question: its candidates feed the suggestions. Matched only
        when needed, since a long message costs more as one question than piece by piece."""
        return self.match_whole()

    @property
    def score(self) -> float:
        return self.whole.score

    @property
    def questions(self) -> tuple[str, ...]:
        """The topics that are questions (not small talk)."""
        return tuple(topic for topic in self.topics if topic not in TOPIC_OF.values())


def _without_small_talk(pieces: list[Piece]) -> tuple[list[Piece], list[str], list[str]]:
    """The pieces left once greetings and thanks are taken off, and the topics and kinds of those taken off."""
    left: list[Piece] = []
    topics: list[str] = []
    kinds: list[str] = []
    for piece in pieces:
        talk = read_small_talk(piece.text)
        for kind in talk.kinds:
            kinds.append(kind)
            if TOPIC_OF[kind] not in topics:
                topics.append(TOPIC_OF[kind])
        if talk.rest:
            left.append(piece if not talk.kinds else dataclasses.replace(piece, text=talk.rest))
    return left, topics, kinds


def topics_asked(matcher: FaqMatcher, text: str) -> Asked:
    pieces, small_topics, kinds = _without_small_talk(split_questions(text))
    question = " ".join(piece.text for piece in pieces) if kinds else text
    question = question[-WHOLE_TAIL:]  # a story asks at its end; a bound on the work, too
    matched: list[Match] = []

    def whole() -> Match:
        if not matched:
            matched.append(matcher.match(question))
        return matched[0]

    if not pieces:
        return Asked(tuple(small_topics), whole, (), tuple(kinds))
    found_topics: list[str] = []
    unanswered: list[str] = []
    income_said: set[str] = set()  # topics read in a piece that states an amount ("income sy sekitar 2 jtan")
    if len(pieces) == 1:
        compared = _compared(normalise(pieces[0].text))
        if compared:
            found_topics += compared
        elif whole().topic != UNKNOWN:
            found_topics.append(whole().topic)
    else:
        asking_pieces = [piece for piece in pieces if piece.asks] or ([] if kinds else pieces)
        asking = {id(piece) for piece in asking_pieces}  # by identity: comparing pieces field by field is slow
        short = len(text.split()) <= SHORT_MESSAGE  # in a story, a piece that asks nothing is the story
        named: list[str] = []  # programme words named so far, for the pieces that leave them out
        previous: Piece | None = None  # the last piece with words of its own: the sentence a short question leans on
        answered_sentences: set[int] = set()  # sentences in which a question was recognised
        asked_topics: set[str] = set()  # recognised in a piece that asks (not only in one that states)
        read = 0  # asking pieces read so far
        for piece in pieces:
            if id(piece) in asking and (len(found_topics) + len(unanswered) >= MAX_QUESTIONS or read >= MAX_READ):
                unanswered.append(piece.text)  # named, not matched: bounds the work on a very long message
                continue
            read += id(piece) in asking
            words = normalise(piece.text)
            compared = _compared(words)
            if compared and id(piece) in asking:
                found_topics += [topic for topic in compared if topic not in found_topics]
                named += [w for w in words if w in PROGRAMMES]
                answered_sentences.add(piece.sentence)
                continue
            if id(piece) not in asking and (not short or _REPORTED.match(piece.text)):
                # the story of a long message, or what was already done ("udh daftar kemarin, ..."): only its
                # programmes matter
                named += [w for w in words if w in PROGRAMMES]
                previous = piece
                continue
            own_words = matcher.query_stems(piece.text)
            if found_topics and not own_words:
                continue  # "bujur kah", "itu gmn maksudnya": no word of its own, it points back to what was asked
            read_as = piece.text[-WHOLE_TAIL:]
            found = matcher.match_topic(read_as)
            topical = [w for w in own_words if w not in DOING_WORDS]
            if id(piece) in asking and previous is not None and not any(w in PROGRAMMES for w in words) and (
                    not [w for w in topical if w not in MUST_WORDS]
                    or (len(topical) <= FOLLOW_UP_WORDS
                        and not (found.score >= PIECE_THRESHOLD and matcher.names_keyword(topical, found.topic)))):
                # "bawa apa aja", "sy bs ikut gk", "hrs ke kantor": a short question is read with the sentence before
                # it (one that names its programme, "klo kecelakaan dpt apa", or its topic, "how does she claim",
                # stands alone)
                in_context = matcher.match_topic(f"{previous.text[-WHOLE_TAIL:]} {piece.text}")
                if in_context.topic != UNKNOWN and in_context.score >= PIECE_THRESHOLD and (
                        found.score < SURE_ALONE or in_context.score > found.score):
                    found, read_as = in_context, f"{previous.text[-WHOLE_TAIL:]} {piece.text}"
            # "klaimnya ngurus kmn" after "kecelakaan": a question that leaves its programme unsaid is about the one
            # named before it
            if id(piece) in asking and named and not any(w in PROGRAMMES for w in words) and (
                    found.topic == UNKNOWN or found.score < PIECE_THRESHOLD or (
                        found.topic in PROGRAMME_TOPICS
                        and found.topic.removeprefix("klaim_") not in {PROGRAMMES[w] for w in named})):
                found = matcher.match_topic(" ".join(dict.fromkeys(map(_said_as, named))) + " " + read_as)
            if found.topic.startswith("klaim_") and _ASKS_BENEFIT.search(piece.text) \
                    and not _ASKS_CLAIMING.search(piece.text) and found.topic.removeprefix("klaim_") in matcher.topic_ids:
                # "klo kecelakaan dpt apa": what one gets is the programme's benefit, not how to claim it
                found = dataclasses.replace(found, topic=found.topic.removeprefix("klaim_"))
            named += [w for w in words if w in PROGRAMMES]
            if topical:
                previous = piece
            if piece.alternative and piece.sentence in answered_sentences and found.score < SURE_ALONE:
                continue  # "bs lewat hp aja atau hrs ke kantor": the other half of a question already recognised
            threshold = PIECE_THRESHOLD if id(piece) in asking else STORY_THRESHOLD if short else 2.0
            if found.topic != UNKNOWN and found.score >= threshold:
                answered_sentences.add(piece.sentence)
                if id(piece) in asking:
                    asked_topics.add(found.topic)
                if found.topic not in found_topics:
                    found_topics.append(found.topic)
                    if _AMOUNT.search(piece.text):
                        income_said.add(found.topic)
            elif id(piece) in asking:
                unanswered.append(piece.text)
        # "jht sy udh 10 thn, mau ambil 10 persen bs?": a programme only stated is the background of a question
        # about claiming it
        found_topics = [t for t in found_topics if t in asked_topics or f"klaim_{t}" not in asked_topics]
        if not found_topics and (not kinds or asking) and whole().topic != UNKNOWN:
            found_topics, unanswered = [whole().topic], []
    if _asks_what_an_income_costs(pieces):
        # The piece that states the income asks nothing of its own, and a programme named beside the cost is one of
        # its options ("klo nambah jht brp"); other questions stay ("..., bayarnya bs lwt gopay?"), in order.
        kept = [t for t in found_topics if t in INCOME_TOPICS or (
            len(pieces) > 1 and t not in income_said and t not in PROGRAMME_TOPICS)]
        found_topics = kept if "iuran" in kept else ["iuran"] + kept
        unanswered = []
    if pays_for_others(text) and (found_topics or any(piece.asks for piece in pieces)):
        # Paying for someone else, registering them, paying and the cost are the sponsor's questions: its answer
        # gives the cost per worker and how (SERTAKAN in JMO, e-wallet, bank).
        found_topics = list(dict.fromkeys("sponsor" if t in SPONSOR_COVERS else t for t in found_topics)) \
            or ["sponsor"]
        unanswered = [] if found_topics == ["sponsor"] else unanswered
    if "sponsor" in found_topics and "iuran" in found_topics:
        found_topics.remove("iuran")  # a sponsor's "brp sebulan": the sponsor answer states the cost per worker
    situation = eligibility_situation(text)
    if situation is not None:  # "may I join?" is the BPU question, whatever the words matched
        asks_how = any(HOW & set(normalise(piece.text)) for piece in pieces if piece.asks)  # "boleh daftar gk" asks may I; "daftarnya gmn" asks how
        # Holding KIS, the question is first how the two BPJS differ ("sy punya kis, boleh ikut bpu jg?"), and only
        # that when joining is not asked for ("ngapain ikut lg, bukannya sama aja?").
        first = ["bpu"] if situation.kind != HAS_KIS else ["bpjs_kesehatan", "bpu"] if _MAY_I.search(text) \
            else ["bpjs_kesehatan"]
        found_topics = first + [t for t in found_topics if t not in ELIGIBILITY_MIX and t not in first
                                and (t != "daftar" or asks_how) and t != "bpu"]
        unanswered = []
    if not found_topics:  # nothing recognised: the whole message is "not understood", except a greeting's story
        unanswered = [piece.text for piece in pieces if piece.asks] if kinds else []
    topics = _in_order(small_topics, kinds, found_topics)
    return Asked(topics, whole, tuple(unanswered), tuple(kinds), situation)


def _in_order(small_topics: list[str], kinds: list[str], questions: list[str]) -> tuple[str, ...]:
    """Greetings first, then the questions, then thanks and goodbyes: the order people write them in."""
    opening = [SALAM] if kinds and kinds[0] in GREETINGS else []
    closing = [t for t in small_topics if t not in opening]
    return tuple(opening + questions + closing)


def _compared(words: list[str]) -> list[str]:
    """The programmes a comparing question names, in order ("apa bedanya jkk sm jkm" -> jkk, jkm)."""
    if not _COMPARING & set(words):
        return []
    named = list(dict.fromkeys(PROGRAMMES[w] for w in words if w in PROGRAMMES))
    return named if len(named) >= 2 else []


def _asks_what_an_income_costs(pieces: list[Piece]) -> bool:
    """An amount is said and a piece asks "how much": the question is what that income costs."""
    return any(_AMOUNT.search(piece.text) for piece in pieces) and any(
        piece.asks and HOW_MUCH & set(normalise(piece.text)) for piece in pieces)
