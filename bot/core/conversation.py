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
from bot.core.replies import Reply

Values = dict[str, Any]


class ConversationFlow:
    """Subclasses name their state key and text section, and answer the five questions below."""

    name: ClassVar[str]  # the key models.flow keeps the conversation under
    texts_section: ClassVar[str]  # the catalog section of its texts: "<section>.<key>"
    next_step_rule: ClassVar[Callable[[Values], str | None]]  # the module's next_step(values)

    def __init__(self, texts: Translator) -> None:
        self.texts = texts

    def t(self, lang: str, key: str, **values: object) -> str:
        return self.texts.t(lang, f"{self.texts_section}.{key}", **values)

    def error(self, key: str, lang: str) -> str:
        """The text for an error key returned by accept_text or accept_choice."""
        return self.t(lang, f"error_{key}")

    def next_step(self, values: Values) -> str | None:
        """The step waiting for an answer; None when there is nothing left to ask."""
        return type(self).next_step_rule(values)

    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        """The question for `step`, with its buttons."""
        raise NotImplementedError

    def accept_text(self, values: Values, text: str, today: date) -> tuple[Values, str | None]:
        """Typed text as the answer to the current step: new values, or the old ones and an error key."""
        raise NotImplementedError

    def accept_choice(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        """A pressed button (`<prefix>:<kind>:<value>`); a button for another step than the current one is stale."""
        raise NotImplementedError

    def back(self, values: Values) -> Values:
        """The answers without the one before the current question."""
        raise NotImplementedError
