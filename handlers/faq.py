"""Questions in free text, the topic list (/tanya), follow-up buttons and the handoff to a person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.i18n import escape
from bot.core.identity import looks_like_personal_number
from bot.core.language_detect import detect_language
from bot.core.logs import user_ref
from bot.core.replies import Button, Reply
from bot.questions.desk import income_in_question
from bot.questions.support_replies import team_reply_messages
from handlers import charts, quote, replies
from handlers.context import BotApplication, BotContext
from handlers.keyboards import main_menu, menu_buttons
from handlers.menu import MAX_TEXT_LENGTH
from handlers.start import menu_item, show_menu
from models import support
from models.flow import current_flow

log = logging.getLogger(__name__)


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
        await _forward_to_support(update, context, waiting.id, text)
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


async def ask_for_human_message(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    if context.services.settings.support_chat_id is None:
        await context.bot.send_message(update.effective_chat.id, context.t("faq.human_unavailable"))
        return
    async with context.services.db.transaction() as session:
        await support.create_ticket(session, update.effective_user.id, "", context.lang, status=support.AWAITING_TEXT)
    await context.bot.send_message(update.effective_chat.id, context.t("faq.human_prompt"))


async def send_kept_question(update: Update, context: BotContext) -> None:
    """`h:<ticket>`: pass the question the user already typed to a person, once."""
    query = update.callback_query
    ticket_id = int(query.data.split(":", 1)[1])
    user_id = update.effective_user.id
    if context.services.settings.support_chat_id is None:
        await query.answer()
        await context.bot.send_message(update.effective_chat.id, context.t("faq.human_unavailable"))
        return
    async with context.services.db.transaction() as session:
        ticket = await support.claim_for_sending(session, ticket_id, user_id)
        status = None if ticket else await support.ticket_status(session, ticket_id, user_id)
    if ticket is None:
        already = status in (support.SENDING, support.SENT, support.ANSWERED)
        await query.answer(context.t("faq.human_already_sent" if already else "fallback.stale_button"))
        return
    await query.answer()
    await _forward_to_support(update, context, ticket.id, ticket.question)


async def _forward_to_support(update: Update, context: BotContext, ticket_id: int, text: str) -> None:
    settings = context.services.settings
    chat_id = update.effective_chat.id
    if settings.support_chat_id is None:
        await context.bot.send_message(chat_id, context.t("faq.human_unavailable"))
        return
    header = context.services.texts.t("id", "faq.support_header", ticket=ticket_id,
                                      user=user_ref(update.effective_user.id), language=context.lang)
    footer = context.services.texts.t("id", "faq.support_footer")
    body = escape(text)
    try:
        sent = await context.bot.send_message(settings.support_chat_id, f"{header}\n\n{body}\n\n<i>{footer}</i>")
    except TelegramError as error:
        log.warning("could not pass ticket %s to the support chat: %s", ticket_id, type(error).__name__)
        async with context.services.db.transaction() as session:
            await support.release(session, ticket_id)
        await context.bot.send_message(chat_id, context.t("faq.human_failed"))
        return
    async with context.services.db.transaction() as session:
        await support.mark_sent(session, ticket_id, sent.chat.id, sent.message_id)
    await context.bot.send_message(chat_id, context.t("faq.human_sent"))


async def support_reply(update: Update, context: BotContext) -> None:
    """A reply in the support chat to a forwarded question goes back to the user who asked."""
    message = update.effective_message
    replied = message.reply_to_message
    async with context.services.db.transaction() as session:
        ticket = await support.find_by_support_message(session, message.chat.id, replied.message_id)
    if ticket is None:
        return  # ordinary conversation in the team's chat
    texts = context.services.texts
    if not message.text:
        await message.reply_text(texts.t("id", "faq.support_text_only"))
        return
    try:
        for text in team_reply_messages(texts, ticket.language, message.text):
            await context.bot.send_message(ticket.user_id, text)
    except Forbidden:
        await message.reply_text(texts.t("id", "faq.support_undelivered"))
        return
    async with context.services.db.transaction() as session:
        await support.mark_answered(session, ticket.id)
    await message.reply_text(texts.t("id", "faq.support_delivered"))


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(["tanya", "topik"], browse, filters=private))
    app.add_handler(CallbackQueryHandler(browse_page, pattern=r"^tp:\d{1,3}$"))
    app.add_handler(CallbackQueryHandler(show_topic, pattern=r"^t:[a-z_]{1,30}$"))
    app.add_handler(CallbackQueryHandler(follow_up_action, pattern=r"^a:(quote|enroll|sponsor|reminders|human|menu|mydata)$"))
    # Ids are 32-bit integers in the database: a longer forged number must not reach a query (PostgreSQL refuses it).
    app.add_handler(CallbackQueryHandler(send_kept_question, pattern=r"^h:\d{1,9}$"))
    support_chat = app.bot_data["services"].settings.support_chat_id
    if support_chat is not None:
        app.add_handler(MessageHandler(filters.Chat(support_chat) & filters.REPLY & ~filters.UpdateType.EDITED,
                                       support_reply))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED,
                                   question))
