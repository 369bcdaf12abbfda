"""The question desk: turns a free-text question into the reply a user sees (answer, fallback, topic list).

Callback data used here: `t:<topic>` show a topic, `tp:<page>` a page of the topic list, `a:<action>` an action
(quote, enroll, sponsor, reminders, human, menu), `h:<ticket>` send a kept question to a person.
"""

from __future__ import annotations

import math
import re

from bot.core.i18n import Translator, escape
from bot.core.money import IncomeReading, find_income
from bot.core.replies import MAX_MESSAGE_LENGTH, Button, Reply, rows, shown_length
from bot.questions.asked import Asked, topics_asked
from bot.questions.eligibility import eligibility_note
from bot.questions.knowledge_base import KnowledgeBase, Topic
from bot.questions.matcher import FaqMatcher, Match
from bot.questions.normalise import raw_tokens
from bot.questions.small_talk import GOODBYE, GREETING, ISLAMIC_GREETING

TOPICS_PER_PAGE = 8
SUGGESTIONS = 3
ELIGIBILITY_TOPICS = ("bpu", "syarat")  # answers under which the asker's own situation is answered
MAX_FOLLOW_UPS = 6  # buttons under an answer to several questions
MAX_PART_SHOWN = 120  # characters of an unanswered part quoted back
ACTION_LABELS = {"quote": "menu.quote", "enroll": "menu.enroll", "sponsor": "menu.sponsor",
                 "reminders": "menu.reminders", "human": "faq.ask_human", "menu": "menu.back",
                 "mydata": "mydata.button"}

_MONEY_WORDS = frozenset("iuran iurannya gaji gajinya penghasilan pendapatan penghasilannya income salary "
                         "bayar berapa brp".split())
QUOTE_TOPICS = frozenset({"iuran", "diskon"})


def income_in_question(text: str, asked: Asked, lang: str) -> IncomeReading | None:
    """The income in a question about the contribution alone ("iuran kalau gaji 2 juta", "gaji kadang 700rb
    kadang 1jt brp iurannya"), read as the quote reads it; None when there is none."""
    questions = set(asked.questions)
    if not (questions and questions <= QUOTE_TOPICS) and not (
            not questions and not asked.small_talk and _MONEY_WORDS & set(raw_tokens(text))):
        return None
    reading = find_income(text, lang)
    return reading if reading is not None and reading.amount > 0 else None


_TOPIC_ID = re.compile(r"^[a-z_]{2,24}$")


class QuestionDesk:
    def __init__(self, knowledge: KnowledgeBase, matcher: FaqMatcher, texts: Translator) -> None:
        self.knowledge = knowledge
        self.matcher = matcher
        self.texts = texts

    def classify(self, question: str) -> Match:
        return self.matcher.match(question)

    def read(self, message: str) -> Asked:
        """Every topic the message asks about, small talk included, in the order asked."""
        return topics_asked(self.matcher, message)

    def topic(self, topic_id: str) -> Topic | None:
        return self.knowledge.topics.get(topic_id) if _TOPIC_ID.match(topic_id or "") else None

    def answer(self, topic: Topic, lang: str, *, ticket_id: int | None = None, note: str = "") -> Reply:
        buttons = [self._follow_up(item, lang, ticket_id) for item in topic.follow_ups]
        if topic.id == "manusia" and ticket_id is not None and not any(b.data.startswith("h:") for b in buttons):
            buttons.insert(0, Button(self.texts.t(lang, "faq.ask_human"), f"h:{ticket_id}"))
        buttons.append(Button(self.texts.t(lang, "menu.back"), "m:home"))
        return Reply("\n\n".join(filter(None, (topic.text("answer", lang), note))), rows(buttons, 2))

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

    def small_talk_lines(self, asked: Asked, lang: str) -> list[str]:
        """One line per kind of small talk, once each: "Waalaikumsalam" answers a salam, and stands for "Halo"."""
        kinds = list(dict.fromkeys(asked.small_talk))
        if ISLAMIC_GREETING in kinds and GREETING in kinds:
            kinds.remove(GREETING)
        if GOODBYE in kinds:  # "makasih, dadah": thanks first, the goodbye closes
            kinds.remove(GOODBYE)
            kinds.append(GOODBYE)
        return [self.texts.t(lang, f"faq.small_talk.{kind}") for kind in kinds]

    def small_talk_only(self, asked: Asked, lang: str) -> str:
        """The reply to a message that is only small talk (the main menu goes under it)."""
        lines = self.small_talk_lines(asked, lang)
        kinds = set(asked.small_talk)
        if kinds <= {ISLAMIC_GREETING, GREETING}:
            lines.append(self.texts.t(lang, "faq.small_talk.ask_away"))
        elif GOODBYE not in kinds:
            lines.append(self.texts.t(lang, "faq.small_talk.anything_else"))
        return "\n".join(lines)

    def reply_to_message(self, asked: Asked, lang: str, *, ticket_id: int | None) -> Reply:
        """The answer to every recognised question of a message, in the order asked, each under its title; the
        parts not understood named honestly with the person button; the greeting or thanks answered first."""
        opening = self.small_talk_lines(asked, lang)
        questions = [self.knowledge[topic] for topic in asked.questions if topic in self.knowledge]
        if not questions:
            reply = self.not_understood(asked.whole, lang, ticket_id=ticket_id)
            return Reply("\n\n".join(opening + [reply.text]), reply.buttons)
        notes = self._eligibility_notes(asked, lang)
        if len(questions) == 1 and not asked.unanswered:
            reply = self.answer(questions[0], lang, ticket_id=ticket_id, note=notes.get(questions[0].id, ""))
            return Reply("\n\n".join(opening + [reply.text]), reply.buttons)
        return self._several_answers(opening, questions, asked.unanswered, lang, ticket_id, notes)

    @staticmethod
    def _eligibility_notes(asked: Asked, lang: str) -> dict[str, str]:
        """The note for this asker's situation (age, homemaker, student...), once, under the first answer about
        who may join."""
        if asked.eligibility is None:
            return {}
        for topic in asked.questions:
            if topic in ELIGIBILITY_TOPICS:
                return {topic: eligibility_note(asked.eligibility, lang)}
        return {}

    def _several_answers(self, opening: list[str], questions: list[Topic], unanswered: tuple[str, ...],
                         lang: str, ticket_id: int | None, notes: dict[str, str]) -> Reply:
        answered = {topic.id for topic in questions}
        closing = []
        if unanswered:
            parts = [escape(_shortened(part)) for part in unanswered]
            closing.append(self.texts.t(lang, "faq.unanswered_part", part=parts[0]) if len(parts) == 1 else
                           self.texts.t(lang, "faq.unanswered_parts", parts="\n".join(f"• <i>{p}</i>" for p in parts)))
        sections: list[str] = []
        left_out: list[Topic] = []
        for topic in questions:  # every answer that fits in one message; the rest become buttons
            section = f"<b>{escape(topic.text('title', lang))}</b>\n{topic.text('answer', lang)}"
            if topic.id in notes:
                section += "\n\n" + notes[topic.id]
            text = "\n\n".join(opening + sections + [section] + closing + [self.texts.t(lang, "faq.more_answers")])
            if left_out or shown_length(text) > MAX_MESSAGE_LENGTH:
                left_out.append(topic)
            else:
                sections.append(section)
        if left_out:
            closing.append(self.texts.t(lang, "faq.more_answers"))
        buttons: list[Button] = []
        if unanswered:
            buttons.append(Button(self.texts.t(lang, "faq.ask_human"), f"h:{ticket_id}" if ticket_id else "a:human"))
        buttons += [Button(topic.text("short", lang), f"t:{topic.id}") for topic in left_out]
        for topic in questions:
            for item in topic.follow_ups:
                if item in answered or (item == "action:human" and unanswered):
                    continue
                button = self._follow_up(item, lang, ticket_id)
                if button.data not in {b.data for b in buttons}:
                    buttons.append(button)
        buttons = buttons[: max(MAX_FOLLOW_UPS, len(left_out) + bool(unanswered))]
        buttons.append(Button(self.texts.t(lang, "menu.back"), "m:home"))
        return Reply("\n\n".join(opening + sections + closing), rows(buttons, 2))

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


def _shortened(part: str) -> str:
    part = " ".join(part.split())
    return part if len(part) <= MAX_PART_SHOWN else part[: MAX_PART_SHOWN - 1].rstrip() + "…"
