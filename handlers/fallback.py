"""What happens to everything no other handler took: unknown commands, stickers, stale buttons.

Registered last, so features added later take precedence.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from handlers.context import BotApplication, BotContext

# The bot's own callback data is printable ASCII. Anything else is forged, and must not reach the patterns: their
# `$` also matches before a final newline, so "m:home\n" would pass for "m:home" and break the handler.
_FORGED_DATA = re.compile(r"[^\x20-\x7e]")
# Buttons about the presser's own data or their own flows (my data, enrollment, sponsor pledges, reminders,
# payments, ...). They belong in the private chat; pressed in a group (forwarded or forged) they do nothing there.
_PERSONAL_BUTTON = re.compile(r"^(my|e|q|s|y|j|r|rp|fl|h):|^a:mydata$")


class _PersonalButtonOutsidePrivateChat(CallbackQueryHandler):
    def check_update(self, update: object) -> bool | object | None:
        if not isinstance(update, Update) or update.effective_chat is None:
            return None
        if update.effective_chat.type == ChatType.PRIVATE:
            return None
        return super().check_update(update)


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unknown_command"))


async def unsupported_message(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unsupported_message"))


async def stale_button(update: Update, context: BotContext) -> None:
    # Unknown, forged or outdated callback data: say so, change nothing.
    await update.callback_query.answer(context.t("fallback.stale_button"), show_alert=False)


async def private_only(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.t("fallback.private_only"), show_alert=True)


async def edited_message(update: Update, context: BotContext) -> None:
    # An edit is not a new answer: running it would repeat a command or silently change a step already taken.
    if update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
        await update.effective_message.reply_text(context.t("fallback.edited"))


def register_guard(app: BotApplication) -> None:
    """Registered before every other handler: forged callback data gets the stale-button answer, a personal
    button outside the private chat is refused, and an edited message is never taken as new input."""
    app.add_handler(CallbackQueryHandler(stale_button, pattern=lambda data: isinstance(data, str) and bool(
        _FORGED_DATA.search(data))))
    app.add_handler(_PersonalButtonOutsidePrivateChat(private_only, pattern=_PERSONAL_BUTTON))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited_message))


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED & ~filters.TEXT, unsupported_message))
    app.add_handler(CallbackQueryHandler(stale_button))
