"""The last line: log what failed (no personal data) and tell the user, in their language."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.core.logs import user_ref
from handlers.context import BotContext
from models.user import set_blocked

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if error is None:
        return
    chat = update.effective_chat if isinstance(update, Update) else None
    user = update.effective_user if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else "-"

    if isinstance(error, BadRequest) and "message is not modified" in error.message.lower():
        return  # a button pressed twice: the message already shows what it should
    if isinstance(error, Forbidden):
        if chat is not None and chat.type == "private":
            async with context.services.db.transaction() as session:
                await set_blocked(session, chat.id, True)
        log.info("user %s cannot be reached (blocked the bot)", user_ref(user.id if user else None))
        return
    if isinstance(error, (TimedOut, RetryAfter)) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    ):
        log.warning("Telegram request failed for update %s: %s", update_id, type(error).__name__)
    else:
        # Frames only: an exception's message can quote what the user typed.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("handler failed on update %s (user %s): %s\n%s", update_id,
                  user_ref(user.id if user else None), type(error).__name__, frames.rstrip())

    await _apologise(update, context)


async def _apologise(update: object, context: BotContext) -> None:
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        try:  # the handler may have answered it already; a second answer is refused, which is fine
            await update.callback_query.answer()
        except TelegramError:
            pass
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    try:
        await context.bot.send_message(chat.id, context.t("errors.generic"))
    except Exception as error:  # noqa: BLE001 - never let the apology itself raise
        log.warning("could not tell the user about an error: %s", type(error).__name__)
