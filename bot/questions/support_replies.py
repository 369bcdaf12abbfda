"""How an answer from the support team reaches the user who asked (handlers/support.py delivers it)."""

from __future__ import annotations

from bot.core.i18n import Translator, escape
from bot.core.replies import MAX_MESSAGE_LENGTH, shown_length


def team_reply_messages(texts: Translator, lang: str, reply: str) -> list[str]:
    """The team's `reply` under our header, as one message; or, when the team used Telegram's full 4,096
    characters and the header would push it over, the header alone and then their text, escaped."""
    whole = texts.t(lang, "faq.support_reply", text=reply)
    if shown_length(whole) <= MAX_MESSAGE_LENGTH:
        return [whole]
    return [texts.t(lang, "faq.support_reply", text=""), escape(reply)]
