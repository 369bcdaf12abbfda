"""Small talk around (or instead of) a question: greetings, salam, thanks, "ok siap", goodbyes.

People open with "assalamualaikum pian," or "selamat siang kak," and close with "makasih ya" or "dadah min". Such
words at the start or the end of a piece of a message are read here and taken off, so the matcher sees only the
question; a piece made of nothing else is small talk alone. Two topics name them, as `faq classify` prints them:
`salam` (greetings and goodbyes) and `terima_kasih` (thanks and acknowledgements). The kind says which reply fits
("Waalaikumsalam" only answers a salam).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.questions.normalise import word_tokens

SALAM = "salam"
THANKS = "terima_kasih"
SMALL_TALK_TOPICS = frozenset({SALAM, THANKS})

# Kinds of small talk, each answered in its own way; TOPIC_OF says which topic a kind belongs to.
ISLAMIC_GREETING = "islamic_greeting"  # "assalamualaikum": answered "Waalaikumsalam"
GREETING = "greeting"
GOODBYE = "goodbye"
THANKING = "thanks"
ACKNOWLEDGING = "ok"
TOPIC_OF = {ISLAMIC_GREETING: SALAM, GREETING: SALAM, GOODBYE: SALAM, THANKING: THANKS, ACKNOWLEDGING: THANKS}


def _phrases(kind: str, text: str) -> dict[tuple[str, ...], str]:
    return {tuple(phrase.split()): kind for phrase in text.split(",")}


PHRASES: dict[tuple[str, ...], str] = {
    **_phrases(ISLAMIC_GREETING, "assalamualaikum,asalamualaikum,assalamuallaikum,assalamu alaikum,asalamu alaikum,"
               "assalamualaikom,assalamu alaikom,assalamualaikum warahmatullahi wabarakatuh,askum,ass wr wb,"
               "assalamualaikum wr wb,asw,ass,salamualaikum,samlekom,waalaikumsalam,walaikumsalam,wa alaikum salam,"
               "waalaikum salam,wassalamualaikum,wassalam,wslm"),
    **_phrases(GREETING, "halo,hallo,helo,hello,hai,hay,hi,hey,hei,permisi,punten,selamat pagi,selamat siang,"
               "selamat sore,selamat malam,slmt pagi,slmt siang,slmt sore,slmt malam,pagi,siang,sore,malam,"
               "good morning,good afternoon,good evening,morning,salam kenal,salam,maaf ganggu,maaf mengganggu,"
               "mohon maaf ganggu"),
    **_phrases(GOODBYE, "dadah,dah,bye,bye bye,byebye,sampai jumpa,sampai ketemu,see you,see ya,good bye,goodbye,"
               "good night,selamat tinggal,pamit,pamit dulu,nanti tanya lagi,nanti tanya lg,nanti saya tanya lagi,"
               "nanti sy tanya lagi,nanti saya tanya lg,nanti sy tanya lg,lain kali tanya lagi,kapan2 tanya lagi,"
               "talk later,talk to you later,see you later"),
    **_phrases(THANKING, "terima kasih,terimakasih,trima kasih,trimakasih,makasih,makasi,maacih,mksh,mks,mkasih,"
               "trims,tks,thx,thanks,thank you,thankyou,thank u,ty,tq,tengkyu,tenkyu,suwun,matur nuwun,"
               "matur suwun,nuhun,hatur nuhun,terima kasih banyak,makasih banyak,alhamdulillah,syukron"),
    **_phrases(ACKNOWLEDGING, "ok,oke,okay,okey,okeh,okk,okok,sip,siip,siap,mantap,mantab,mantul,baik,baiklah,"
               "paham,jelas,noted,got it,understood,cool,great,alright,all right,nice"),
}
_LONGEST = max(len(phrase) for phrase in PHRASES)
_FIRST_WORDS = frozenset(phrase[0] for phrase in PHRASES)  # small talk can open a piece only with one of these
_LAST_WORDS = frozenset(phrase[-1] for phrase in PHRASES)  # ... and close it only with one of these or a filler

# Words that ride along with small talk and mean nothing on their own ("makasih banyak ya min", "siap paham kak").
FILLERS = frozenset(
    "min mimin admin kak ka kakak bang bg pak bu bapak ibu om mas mbak mba dek acil pian sanak bot ya yah yaa iya "
    "lah la deh dong nah nih ni sih aja ja banyak bnyk byk bener sangat sgt membantu infonya info informasinya "
    "jawabannya penjelasannya udh sudah sdh udah jelas ok so much very you all semua everyone again for the help "
    "kawan tuh juga jg lagi lg pang wr wb warahmatullahi wabarakatuh semuanya sekali".split())


EDGE_WORDS = 12  # words read at each end of a piece
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # "assalamu'alaikum" is one word


@dataclass(frozen=True)
class SmallTalk:
    kinds: tuple[str, ...]  # the small talk found, in order
    rest: str  # the piece without it: the question, or "" when the piece was small talk only

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(TOPIC_OF[kind] for kind in self.kinds))


def _phrase_at(tokens: list[str], at: int) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, len(tokens) - at), 0, -1):
        kind = PHRASES.get(tuple(tokens[at : at + size]))
        if kind is not None:
            return kind, size
    return None


def _phrase_ending_at(tokens: list[str], end: int) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, end), 0, -1):
        kind = PHRASES.get(tuple(tokens[end - size : end]))
        if kind is not None:
            return kind, size
    return None


# Words that are small talk alone ("malam", "dah") but, closing a question, belong to it ("bayar td malam").
AMBIGUOUS = frozenset({("pagi",), ("siang",), ("sore",), ("malam",), ("morning",), ("dah",), ("salam",)})


def _closing(tokens: list[str], start: int, *, ambiguous: bool) -> tuple[int, list[str]]:
    end, closing = len(tokens), []
    while end > start:
        found = _phrase_ending_at(tokens, end)
        if found is not None and (ambiguous or tuple(tokens[end - found[1] : end]) not in AMBIGUOUS):
            closing.insert(0, found[0])
            end -= found[1]
        elif found is None and tokens[end - 1] in FILLERS:
            end -= 1
        else:
            break
    return end, closing


def read_small_talk(text: str) -> SmallTalk:
    """The small talk at the start and the end of one piece of a message, and what is left between."""
    found = list(_WORD.finditer(text))
    if found:  # most pieces are questions with no small talk at either end: said at once
        first, last = word_tokens(found[0].group()), word_tokens(found[-1].group())
        if first and last and first[0] not in _FIRST_WORDS and last[-1] not in _LAST_WORDS \
                and last[-1] not in FILLERS:
            return SmallTalk((), text.strip())
    # Small talk sits at the ends: only the words there are read; the middle of a long message stays as it is.
    ends = set(range(EDGE_WORDS)) | set(range(len(found) - EDGE_WORDS, len(found)))
    words = [(match.start(), match.end(), token) for number, match in enumerate(found)
             for token in (word_tokens(match.group()) if number in ends else ("",))]
    tokens = [token for _, _, token in words]
    start, opening = 0, []
    while start < len(tokens):
        found = _phrase_at(tokens, start)
        if found is not None:
            opening.append(found[0])
            start += found[1]
        elif opening and tokens[start] in FILLERS:
            start += 1
        else:
            break
    end, closing = _closing(tokens, start, ambiguous=True)
    if end > start:  # a question is left: "td sore", "tiap malam", "udh dah" end it, they do not greet
        end, closing = _closing(tokens, start, ambiguous=False)
    if not closing and end < len(tokens):  # fillers at the end of a question stay part of it
        end = len(tokens)
    # One ambiguous word alone inside a question is not small talk: "pagi" in "bayar pagi bisa?".
    kinds = tuple(opening + closing)
    if not kinds:
        return SmallTalk((), text.strip())
    rest = text[words[start][0] : words[end - 1][1]] if start < end else ""
    if rest and not opening and all(kind == ACKNOWLEDGING for kind in closing) and len(tokens) - end <= 1:
        return SmallTalk((), text.strip())  # "... jelas" / "... baik" closing a question is part of it
    if rest and set(kinds) == {GREETING} and tokens[start - 1] in {"pagi", "siang", "sore", "malam"} and start == 1:
        return SmallTalk((), text.strip())  # "malam ini bisa bayar?": a time of day, not a greeting
    return SmallTalk(kinds, rest)
