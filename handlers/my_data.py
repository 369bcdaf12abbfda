"""/datasaya shows what the bot keeps about the user (masked); /hapusdata erases it after a confirmation."""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.logs import user_ref
from bot.core.replies import Reply
from bot.privacy.my_data import deletion_question, describe
from handlers import replies
from handlers.context import BotApplication, BotContext
from handlers.users import forget_profile
from models import personal_data, pledge_workers

log = logging.getLogger(__name__)


async def show_my_data(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    async with context.services.db.session() as session:
        data = await personal_data.gather(session, update.effective_user.id, context.today())
    view = describe(data, context.services.cipher, context.services.texts, context.lang)
    await replies.send(context, update.effective_chat.id, view.reply)
    if view.complete_listing is not None:
        await context.bot.send_document(update.effective_chat.id,
                                        InputFile(view.complete_listing.encode(), filename=context.t("mydata.file_name")),
                                        caption=context.t("mydata.file_caption"))


async def ask_to_delete(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await replies.send(context, update.effective_chat.id, deletion_question(context.services.texts, context.lang))


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    action = query.data.split(":", 1)[1]
    message = replies.pressed_message(query)
    if action == "show":
        await show_my_data(update, context)
    elif action == "del":
        await ask_to_delete(update, context)
    elif action == "unshare":
        async with context.services.db.transaction() as session:
            stopped = await pledge_workers.stop_sharing(session, update.effective_user.id)
        await query.answer()
        text = context.t("mydata.unshared" if stopped else "mydata.not_sharing")
        if message is not None:
            await replies.edit(message, Reply(text, ()))
    elif action == "keep":
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("mydata.kept"), ()))
    elif action == "delok":
        lang = context.lang  # read before the user's row is gone
        async with context.services.db.transaction() as session:
            counts = await personal_data.erase(session, update.effective_user.id)
        forget_profile(context)
        log.info("%s erased their data", user_ref(update.effective_user.id))
        await query.answer()
        text = context.services.texts.t(lang, "mydata.deleted", applications=counts["applications"],
                                        pledges=counts["pledges"], tickets=counts["tickets"])
        if message is not None:
            await replies.edit(message, Reply(text, ()))
        else:
            await context.bot.send_message(update.effective_chat.id, text)


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(["datasaya", "mydata"], show_my_data, filters=private))
    app.add_handler(CommandHandler(["hapusdata", "deletemydata"], ask_to_delete, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^my:(show|del|delok|keep|unshare)$"))
