"""/bahasa: switch between Indonesian and English, remembered per user."""

from __future__ import annotations

import dataclasses

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.replies import Reply
from handlers import replies
from handlers.context import BotApplication, BotContext
from handlers.keyboards import language_picker
from handlers.start import show_menu
from models.user import set_language


async def ask_language(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, context.t("language.prompt"),
                                   reply_markup=language_picker(context))


async def language_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    language = query.data.split(":", 1)[1]
    profile = context.profile
    if profile is None:  # no user on the update: nothing to remember it for
        await query.answer()
        return
    if language == profile.language:
        await query.answer(context.t("language.unchanged"))
        return
    async with context.services.db.transaction() as session:
        await set_language(session, profile.telegram_id, language)
    context.user_data["profile"] = dataclasses.replace(profile, language=language)
    await query.answer()
    await replies.show(context, update.effective_chat.id, Reply(context.t("language.changed")),
                       replacing=replies.pressed_message(query))
    await show_menu(update, context)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler(["bahasa", "language"], ask_language, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=r"^lang:(id|en)$"))
