"""What happens to everything no other handler took: unknown commands, stickers, stale buttons.

Registered last, so features added later take precedence.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from handlers.context import BotApplication, BotContext


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unknown_command"))


async def unsupported_message(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.unsupported_message"))


async def stale_button(update: Update, context: BotContext) -> None:
    # Unknown, forged or outdated callback data: say so, change nothing.
    await update.callback_query.answer(context.t("fallback.stale_button"), show_alert=False)


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED & ~filters.TEXT, unsupported_message))
    app.add_handler(CallbackQueryHandler(stale_button))
