"""The question desk: turns a free-text question into the reply a user sees (answer, fallback, topic list).

Callback data used here: `t:<topic>` show a topic, `tp:<page>` a page of the topic list, `a:<action>` an action
(quote, enroll, sponsor, reminders, human, menu), `h:<ticket>` send a kept question to a person.
"""

from __future__ import annotations

import math
import re

from bot.core.i18n import Translator
from bot.core.money import find_rupiah
from bot.core.replies import Button, Reply, rows
from bot.questions.knowledge_base import UNKNOWN, KnowledgeBase, Topic
from bot.questions.matcher import FaqMatcher, Match
from bot.questions.normalise import raw_tokens

TOPICS_PER_PAGE = 8
SUGGESTIONS = 3
ACTION_LABELS = {"quote": "menu.quote", "enroll": "menu.enroll", "sponsor": "menu.sponsor",
                 "reminders": "menu.reminders", "human": "faq.ask_human", "menu": "menu.back",
                 "mydata": "mydata.button"}

_GREETINGS = frozenset("halo hallo helo hai hay hi hello hey assalamualaikum assalamu alaikum asalamualaikum "
                       "salam pagi siang sore malam selamat permisi min kak bang pak bu om mas mbak".split())
_THANKS = frozenset("terima kasih makasih makasi mksh trims trimakasih thanks thank you thx tq ok oke okay sip "
                    "mantap siap baik".split())


def small_talk(text: str) -> str | None:
    """'greeting' or 'thanks' when the message is nothing else; None otherwise."""
    tokens = raw_tokens(text)
    if not tokens or len(tokens) > 6:
        return None
    if all(t in _GREETINGS for t in tokens):
        return "greeting"
    if all(t in _THANKS or t in _GREETINGS for t in tokens) and any(t in _THANKS for t in tokens):
        return "thanks"
    return None


_MONEY_WORDS = frozenset("iuran iurannya gaji gajinya penghasilan pendapatan penghasilannya income salary "
                         "bayar berapa brp".split())
QUOTE_TOPICS = frozenset({"iuran", "diskon"})


def income_in_question(text: str, topic: str) -> int | None:
    """The income in a question about the contribution ("iuran kalau gaji 2 juta"), if there is one."""
    if topic not in QUOTE_TOPICS and not (topic == "unknown" and _MONEY_WORDS & set(raw_tokens(text))):
        return None
    amount = find_rupiah(text)
    return amount if amount is not None and amount > 0 else None


_TOPIC_ID = re.compile(r"^[a-z_]{2,24}$")


class QuestionDesk:
    def __init__(self, knowledge: KnowledgeBase, matcher: FaqMatcher, texts: Translator) -> None:
        self.knowledge = knowledge
        self.matcher = matcher
        self.texts = texts

    def classify(self, question: str) -> Match:
        return self.matcher.match(question)

    def topic(self, topic_id: str) -> Topic | None:
        return self.knowledge.topics.get(topic_id) if _TOPIC_ID.match(topic_id or "") else None

    def answer(self, topic: Topic, lang: str, *, ticket_id: int | None = None) -> Reply:
        buttons = [self._follow_up(item, lang, ticket_id) for item in topic.follow_ups]
        if topic.id == "manusia" and ticket_id is not None and not any(b.data.startswith("h:") for b in buttons):
            buttons.insert(0, Button(self.texts.t(lang, "faq.ask_human"), f"h:{ticket_id}"))
        buttons.append(Button(self.texts.t(lang, "menu.back"), "m:home"))
        return Reply(topic.text("answer", lang), rows(buttons, 2))

    def _follow_up(self, item: str, lang: str, ticket_id: int | None) -> Button:
        if item.startswith("action:"):
            action = item.split(":", 1)[1]
            if action == "human" and ticket_id is not None:
                return Button(self.texts.t(lang, "faq.ask_human"), f"h:{ticket_id}")
            return Button(self.texts.t(lang, ACTION_LABELS[action]), f"a:{action}")
        return Button(self.knowledge[item].text("short", lang), f"t:{item}")

    def not_understood(self, match: Match, lang: str, *, ticket_id: int | None) -> Reply:
        """The kind fallback: the closest topics, a person, the menu."""
        suggestions = [Button(self.knowledge[topic].text("short", lang), f"t:{topic}")
                       for topic, _ in match.candidates[:SUGGESTIONS] if topic in self.knowledge]
        extra = [Button(self.texts.t(lang, "faq.ask_human"), f"h:{ticket_id}" if ticket_id else "a:human"),
                 Button(self.texts.t(lang, "faq.browse"), "tp:0"), Button(self.texts.t(lang, "menu.back"), "m:home")]
        key = "faq.unknown" if suggestions else "faq.unknown_no_suggestions"
        return Reply(self.texts.t(lang, key), rows(suggestions, 1) + rows(extra, 2))

    def reply_to(self, match: Match, lang: str, *, ticket_id: int | None) -> Reply:
        if match.topic == UNKNOWN:
            return self.not_understood(match, lang, ticket_id=ticket_id)
        return self.answer(self.knowledge[match.topic], lang, ticket_id=ticket_id)

    def browse(self, page: int, lang: str) -> Reply:
        topics = self.knowledge.ordered()
        pages = max(1, math.ceil(len(topics) / TOPICS_PER_PAGE))
        page = min(max(page, 0), pages - 1)  # a forged or stale page number lands on a real page
        shown = topics[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
        buttons = rows([Button(t.text("short", lang), f"t:{t.id}") for t in shown], 2)
        navigation = []
        if page > 0:
            navigation.append(Button(self.texts.t(lang, "faq.previous"), f"tp:{page - 1}"))
        if page < pages - 1:
            navigation.append(Button(self.texts.t(lang, "faq.next"), f"tp:{page + 1}"))
        footer = (tuple(navigation),) if navigation else ()
        footer += ((Button(self.texts.t(lang, "menu.back"), "m:home"),),)
        text = self.texts.t(lang, "faq.browse_title", page=page + 1, pages=pages)
        return Reply(text, buttons + footer)
