"""Helpers several features share: telling another user something, telling the team's chat, the double-press
window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from telegram.error import Forbidden, TelegramError

from bot.core.logs import user_ref
from bot.core.replies import Reply
from handlers import replies
from handlers.context import BotContext
from models.user import get_user, set_blocked

log = logging.getLogger(__name__)

# A confirm button pressed again this soon after it went through is a double press: the user is told it already
# happened (with its number) rather than that the button expired.
DOUBLE_PRESS_WINDOW = timedelta(minutes=30)


async def notify_user(context: BotContext, user_id: int, key: str, **values: object) -> bool:
    """A message to another user in their own language; a user who blocked the bot is marked, not retried.
    A value may be a function of the language (an amount or a date written the recipient's way)."""
    def compose(lang: str) -> Reply:
        shown = {name: value(lang) if callable(value) else value for name, value in values.items()}
        return Reply(context.services.texts.t(lang, key, **shown), ())
    return await notify_user_with(context, user_id, compose)


async def notify_user_with(context: BotContext, user_id: int, compose: Callable[[str], Reply]) -> bool:
    """notify_user for a message with buttons: `compose` writes it in the recipient's language."""
    async with context.services.db.session() as session:
        user = await get_user(session, user_id)
    lang = user.language if user else context.services.settings.default_language
    try:
        await replies.send(context, user_id, compose(lang))
        return True
    except Forbidden:
        async with context.services.db.transaction() as session:
            await set_blocked(session, user_id, True)
    except TelegramError as error:
        log.warning("could not notify %s: %s", user_ref(user_id), type(error).__name__)
    return False


async def tell_support_chat(context: BotContext, reply: Reply, what: str) -> None:
    """A note for the branch team's chat (never personal data); a failure is logged, the user's step goes on."""
    chat = context.services.settings.support_chat_id
    if chat is None:
        return
    try:
        await replies.send(context, chat, reply)
    except TelegramError as error:
        log.warning("could not tell the support chat about %s: %s", what, type(error).__name__)
