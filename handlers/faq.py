"""Questions in free text, the topic list (/tanya) and follow-up buttons (passing a question to a person:
handlers/support.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.identity import looks_like_personal_number
from bot.core.language_detect import detect_language
from bot.core.replies import Button, Reply
from bot.questions.desk import income_in_question
from handlers import charts, quote, replies
from handlers.context import BotApplication, BotContext
from handlers.keyboards import main_menu, menu_buttons
from handlers.menu import MAX_TEXT_LENGTH
from handlers.start import menu_item, show_menu
from handlers.support import ask_for_human_message, pass_to_person
from models import support
from models.flow import current_flow


async def browse(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await replies.send(context, update.effective_chat.id, context.services.desk.browse(0, context.lang))


async def browse_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    page = int(query.data.split(":", 1)[1])
    reply = context.services.desk.browse(page, context.lang)
    await replies.show(context, update.effective_chat.id, reply, replacing=replies.pressed_message(query))


async def show_topic(update: Update, context: BotContext) -> None:
    query = update.callback_query
    topic = context.services.desk.topic(query.data.split(":", 1)[1])
    if topic is None:
        await query.answer(context.t("fallback.stale_button"))
        return
    await query.answer()
    await replies.send(context, update.effective_chat.id, context.services.desk.answer(topic, context.lang))
    await charts.after_topic_answer(context, update.effective_chat.id, topic.id)


async def follow_up_action(update: Update, context: BotContext) -> None:
    action = update.callback_query.data.split(":", 1)[1]
    if action == "human":
        await ask_for_human_message(update, context)
    elif action == "menu":
        await update.callback_query.answer()
        await show_menu(update, context)
    else:
        await menu_item(update, context, action)


async def question(update: Update, context: BotContext) -> None:
    """Free text outside any flow is a question."""
    message = update.effective_message
    text = message.text or ""
    if len(text) > MAX_TEXT_LENGTH:
        await message.reply_text(context.t("fallback.too_long", limit=MAX_TEXT_LENGTH))
        return
    user_id = update.effective_user.id
    db = context.services.db
    async with db.session() as session:  # one read for both: an open flow, or a person waiting for this text
        state = await current_flow(session, user_id)
        maybe_waiting = not context.flows.takes_text(state) and await support.awaiting_text(session, user_id)
    if await context.flows.route_text(update, context, state):
        return
    if looks_like_personal_number(text):  # e.g. a NIK typed after an enrollment expired: never kept or forwarded
        await message.reply_text(context.t("faq.personal_number"), reply_markup=main_menu(context))
        return
    waiting = None
    if maybe_waiting:
        async with db.transaction() as session:
            waiting = await support.take_awaiting(session, user_id, text)
    if waiting is not None:  # they pressed "ask a person" and this is their message
        await pass_to_person(update, context, waiting.id, text)
        return
    desk = context.services.desk
    asked = desk.read(text)
    lang = detect_language(text) or context.lang  # an English question gets English, whatever the setting
    offer = switch_language_offer(context, lang)
    if asked.small_talk and not asked.questions and not asked.unanswered:  # "assalamualaikum", "makasih ya"
        await replies.send(context, update.effective_chat.id,
                           Reply(desk.small_talk_only(asked, lang), offer + menu_buttons(context, lang)))
        return
    income = income_in_question(text, asked, lang)
    if income is not None:  # "iuran kalau gaji 2 juta berapa": straight into the quote, amount filled in
        await quote.start_quote(update, context, reading=income)
        return
    ticket_id = None
    if not asked.questions or asked.unanswered or "manusia" in asked.questions:
        # Keep what they asked, so "ask a person" can pass it on without retyping.
        async with db.transaction() as session:
            ticket_id = (await support.create_ticket(session, user_id, text, lang)).id
    reply = desk.reply_to_message(asked, lang, ticket_id=ticket_id)
    await replies.send(context, update.effective_chat.id, Reply(reply.text, offer + reply.buttons))
    for topic in asked.questions:
        await charts.after_topic_answer(context, update.effective_chat.id, topic)


def switch_language_offer(context: BotContext, lang: str) -> tuple[tuple[Button, ...], ...]:
    """A button to keep the language the user just wrote in, when it is not the one they chose."""
    if lang == context.lang:
        return ()
    return ((Button(context.services.texts.t(lang, "language.keep_this_one"), f"lang:{lang}"),),)


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(["tanya", "topik"], browse, filters=private))
    app.add_handler(CallbackQueryHandler(browse_page, pattern=r"^tp:\d{1,3}$"))
    app.add_handler(CallbackQueryHandler(show_topic, pattern=r"^t:[a-z_]{1,30}$"))
    app.add_handler(CallbackQueryHandler(follow_up_action, pattern=r"^a:(quote|enroll|sponsor|reminders|human|menu|mydata)$"))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED,
                                   question))
