"""What every multi-step conversation (quote, enrollment, pledge, payment) offers its Telegram adapter.

A flow is pure: it turns the answers so far (`Values`, a plain dict the adapter keeps in models.flow) and what the
user typed or pressed into new answers or an error key, and says what to ask next. The one adapter that drives all
four (cancel, back, edit, confirm, a button pressed twice) is handlers/conversation.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from bot.core.i18n import Translator
from bot.core.replies import Button, Reply, rows

Values = dict[str, Any]


class ConversationFlow:
    """A subclass names its state key, text section, callback prefix and next-step rule in its class line
    (`class QuoteFlow(ConversationFlow, name="quote", texts="quote", prefix="q", steps=next_step)`), and answers the
    questions below. `choice_steps` says which step each kind of button answers: a button pressed for another step
    (an old message) is stale and changes nothing."""

    name: ClassVar[str]  # the key models.flow keeps the conversation under
    texts_section: ClassVar[str]  # the catalog section of its texts: "<section>.<key>"
    prefix: ClassVar[str]  # its callback data: "<prefix>:<kind>[:<value>]"
    next_step_rule: ClassVar[Callable[[Values], str | None]]  # the module's next_step(values)
    choice_steps: ClassVar[dict[str, str]] = {}  # button kind -> the step it answers

    def __init_subclass__(cls, *, name: str, texts: str, prefix: str, steps: Callable[[Values], str | None],
                          **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.name, cls.texts_section, cls.prefix, cls.next_step_rule = name, texts, prefix, staticmethod(steps)

    def __init__(self, texts: Translator) -> None:
        self.texts = texts

    def t(self, lang: str, key: str, **values: object) -> str:
        return self.texts.t(lang, f"{self.texts_section}.{key}", **values)

    def error(self, key: str, lang: str) -> str:
        """The text for an error key returned by accept_text or accept_choice."""
        return self.t(lang, f"error_{key}")

    def problem(self, key: str, values: Values, typed: str, lang: str) -> Reply:
        """The reply to typed text refused with `key`: its text, and buttons where the flow can offer the likely
        answers ("did you mean" a place). The values are the unchanged ones; `typed` is what was refused."""
        return Reply(self.error(key, lang), ())

    def navigation(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        """The back and cancel buttons under a question."""
        return rows([Button(self.t(lang, "back"), f"{self.prefix}:back"),
                     Button(self.t(lang, "cancel"), f"{self.prefix}:cancel")], 2)

    def next_step(self, values: Values) -> str | None:
        """The step waiting for an answer; None when there is nothing left to ask."""
        return self.next_step_rule(values)

    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        """The question for `step`, with its buttons."""
        raise NotImplementedError

    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        """Typed text as the answer to the current step: new values, or the old ones and an error key. `lang` is
        the user's language, which decides how some amounts read ("2m" is two million in English only)."""
        raise NotImplementedError

    def accept_choice(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        """A pressed button (`<prefix>:<kind>:<value>`): new values, or the old ones and an error key."""
        if self.choice_steps and self.choice_steps.get(kind) != self.next_step(values):
            return values, "stale"
        return self.choose(values, kind, value, today)

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        """A button for the current step (accept_choice checked that it is)."""
        raise NotImplementedError

    def back(self, values: Values) -> Values:
        """The answers without the one before the current question."""
        raise NotImplementedError
