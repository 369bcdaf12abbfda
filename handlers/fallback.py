"""What happens to everything no other handler took: unknown commands, stickers, stale buttons.

Registered last, so features added later take precedence.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from handlers.context import BotApplication, BotContext

# The bot's own callback data is printable ASCII. Anything else is forged, and must not reach the patterns: their
# `$` also matches before a final newline, so "m:home\n" would pass for "m:home" and break the handler.
_FORGED_DATA = re.compile(r"[^\x20-\x7e]")


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unknown_command"))


async def unsupported_message(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unsupported_message"))


async def stale_button(update: Update, context: BotContext) -> None:
    # Unknown, forged or outdated callback data: say so, change nothing.
    await update.callback_query.answer(context.t("fallback.stale_button"), show_alert=False)


def register_guard(app: BotApplication) -> None:
    """Registered before every other handler: forged callback data gets the stale-button answer."""
    app.add_handler(CallbackQueryHandler(stale_button, pattern=lambda data: isinstance(data, str) and bool(
        _FORGED_DATA.search(data))))


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED & ~filters.TEXT, unsupported_message))
    app.add_handler(CallbackQueryHandler(stale_button))
