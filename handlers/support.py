"""Passing a question to a person, and the person's answer.

With SUPPORT_CHAT_ID the question is forwarded to the team's chat and a reply there goes back to the user. Without
it the question is kept in the admins' inbox: every admin is told in their private chat, and /tiket lists, opens,
answers and closes tickets; an answer reaches the user in their chat with the bot. Admin-only; audited.

    /tiket                       open tickets, newest first
    /tiket 12                    one ticket, with "Balas" and "Tutup" buttons
    /tiket 12 balas <text>       answer the user
    /tiket 12 tutup              close it: no further answer

Callback data: `h:<ticket>` (a user passes their kept question on); `tk:open|reply|close|cancel:<ticket>` and
`tk:page:<n>` (admins).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.i18n import escape
from bot.core.logs import user_ref
from bot.questions.support_inbox import (
    PAGE_SIZE,
    answered_notice,
    inbox_page,
    new_ticket_notice,
    page_of,
    parse_command,
    reply_prompt,
    ticket_view,
)
from bot.questions.support_replies import team_reply_messages
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.context import BotApplication, BotContext
from models import support
from models.flow import FlowState, claim_flow, save_flow
from models.user import get_user

log = logging.getLogger(__name__)
FLOW = "support_answer"  # an admin pressed "Balas": their next message is the answer to the ticket


async def ask_for_human_message(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    async with context.services.db.transaction() as session:
        await support.create_ticket(session, update.effective_user.id, "", context.lang, status=support.AWAITING_TEXT)
    await context.bot.send_message(update.effective_chat.id, context.t("faq.human_prompt"))


async def send_kept_question(update: Update, context: BotContext) -> None:
    """`h:<ticket>`: pass the question the user already typed to a person, once."""
    query = update.callback_query
    ticket_id = int(query.data.split(":", 1)[1])
    user_id = update.effective_user.id
    async with context.services.db.transaction() as session:
        ticket = await support.claim_for_sending(session, ticket_id, user_id)
        status = None if ticket else await support.ticket_status(session, ticket_id, user_id)
    if ticket is None:
        already = status in (support.SENDING, *support.PASSED_ON)
        await query.answer(context.t("faq.human_already_sent" if already else "fallback.stale_button"))
        return
    await query.answer()
    await pass_to_person(update, context, ticket.id, ticket.question)


async def pass_to_person(update: Update, context: BotContext, ticket_id: int, text: str) -> None:
    """Pass the user's claimed ticket (status SENDING) with their question `text` to a person: to the support chat
    when there is one, otherwise into the admins' inbox. The user is told which."""
    settings = context.services.settings
    if settings.support_chat_id is None:
        await _keep_for_admins(update, context, ticket_id)
        return
    chat_id = update.effective_chat.id
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


async def _keep_for_admins(update: Update, context: BotContext, ticket_id: int) -> None:
    async with context.services.db.transaction() as session:
        kept = await support.mark_kept(session, ticket_id)
        ticket = await support.passed_on(session, ticket_id) if kept else None
    if ticket is None:  # gone meanwhile (the user erased their data): nothing was passed on
        await context.bot.send_message(update.effective_chat.id, context.t("fallback.stale_button"))
        return
    await context.bot.send_message(update.effective_chat.id, context.t("support_inbox.kept", ticket=ticket_id))
    await _tell_admins(context, ticket)


async def _tell_admins(context: BotContext, ticket: support.SupportTicket) -> None:
    """Each admin, in their private chat and language; one who cannot be reached does not stop the others."""
    told = 0
    for admin_id in sorted(context.services.settings.admin_ids):
        lang = await _language_of(context, admin_id)
        notice = new_ticket_notice(ticket, user_ref(ticket.user_id), context.services.texts, lang)
        try:
            await replies.send(context, admin_id, notice)
            told += 1
        except TelegramError as error:
            log.warning("could not tell admin %s about ticket %s: %s", user_ref(admin_id), ticket.id,
                        type(error).__name__)
    if not told:
        log.warning("ticket %s is kept in the inbox but no admin was told (set ADMIN_IDS; admins see it with /tiket)",
                    ticket.id)


async def _language_of(context: BotContext, user_id: int) -> str:
    async with context.services.db.session() as session:
        user = await get_user(session, user_id)
    return user.language if user is not None else context.services.settings.default_language


async def support_reply(update: Update, context: BotContext) -> None:
    """A reply in the support chat to a forwarded question goes back to the user who asked."""
    message = update.effective_message
    replied = message.reply_to_message
    async with context.services.db.transaction() as session:
        ticket = await support.find_by_support_message(session, message.chat.id, replied.message_id)
    if ticket is None:
        return  # ordinary conversation in the team's chat
    texts = context.services.texts
    if ticket.status == support.CLOSED:
        await message.reply_text(texts.t("id", "support_inbox.closed_no_answer", ticket=ticket.id))
        return
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


# The admins' inbox (/tiket).

@admin_only("/tiket", private="support_inbox.private_only")
async def tickets_command(update: Update, context: BotContext) -> None:
    words = (update.effective_message.text or "").split(maxsplit=1)
    command = parse_command(words[1] if len(words) > 1 else "")
    if command.action == "list":
        await _show_page(update, context, 0, replacing=None)
    elif command.action == "open":
        await _show_ticket(update, context, command.ticket_id)
    elif command.action == "reply":
        await _answer(update, context, command.ticket_id, command.text)
    elif command.action == "close":
        await _close(update, context, command.ticket_id)
    elif command.action == "unknown":
        await update.effective_message.reply_text(context.t("support_inbox.not_found"))
    elif command.action == "no_text":
        await update.effective_message.reply_text(context.t("support_inbox.no_text", ticket=command.ticket_id))
    else:
        await update.effective_message.reply_text(context.t("support_inbox.usage"))


@admin_only("tk", private="support_inbox.private_only")
async def ticket_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, action, number = query.data.split(":")
    if action == "page":
        await query.answer()
        await _show_page(update, context, int(number), replacing=replies.pressed_message(query))
        return
    ticket_id = int(number)
    admin_id = update.effective_user.id
    if action == "cancel":
        async with context.services.db.transaction() as session:
            cancelled = await claim_flow(session, admin_id, FLOW)
        await query.answer(context.t("support_inbox.reply_cancelled" if cancelled else "fallback.stale_button"))
        return
    if action == "close":
        await _close(update, context, ticket_id)
        return
    async with context.services.db.session() as session:
        ticket = await support.passed_on(session, ticket_id)
    if ticket is None:
        await query.answer(context.t("support_inbox.not_found"), show_alert=True)
        return
    if action == "open":
        await query.answer()
        await _show_ticket(update, context, ticket_id)
        return
    if ticket.status == support.CLOSED:  # "reply"
        await query.answer(context.t("support_inbox.closed_no_answer", ticket=ticket_id), show_alert=True)
        return
    await query.answer()
    async with context.services.db.transaction() as session:
        await save_flow(session, admin_id, FLOW, "text", {"id": ticket_id})
    await replies.send(context, update.effective_chat.id, reply_prompt(ticket_id, context.services.texts, context.lang))


@admin_only("support_answer text")
async def on_reply_text(update: Update, context: BotContext, state: FlowState) -> None:
    """The answer an admin types after pressing "Balas" (called by handlers.flows)."""
    async with context.services.db.transaction() as session:
        taken = await claim_flow(session, update.effective_user.id, FLOW)
    if not taken:  # the same message twice at once: the first one answered
        return
    await _answer(update, context, int(state.values["id"]), update.effective_message.text or "")


async def _show_page(update: Update, context: BotContext, wanted: int, *, replacing: Message | None) -> None:
    async with context.services.db.session() as session:
        total = await support.count_open(session)
        page = page_of(total, wanted)
        tickets = await support.open_tickets(session, page.offset, PAGE_SIZE) if total else []
    reply = inbox_page(tickets, page, total, context.services.texts, context.lang,
                       context.timezone)
    await replies.show(context, update.effective_chat.id, reply, replacing=replacing)


async def _show_ticket(update: Update, context: BotContext, ticket_id: int) -> None:
    async with context.services.db.session() as session:
        ticket = await support.passed_on(session, ticket_id)
    if ticket is None:
        await context.bot.send_message(update.effective_chat.id, context.t("support_inbox.not_found"))
        return
    reply = ticket_view(ticket, ticket.status in support.OPEN, context.services.texts, context.lang,
                        context.timezone)
    await replies.send(context, update.effective_chat.id, reply)


async def _answer(update: Update, context: BotContext, ticket_id: int, text: str) -> None:
    """Send an admin's answer to the user who asked, in their language's framing, and record it."""
    chat_id = update.effective_chat.id
    async with context.services.db.session() as session:
        ticket = await support.passed_on(session, ticket_id)
    if ticket is None:
        await context.bot.send_message(chat_id, context.t("support_inbox.not_found"))
        return
    if ticket.status == support.CLOSED:
        await context.bot.send_message(chat_id, context.t("support_inbox.closed_no_answer", ticket=ticket_id))
        return
    try:
        for part in team_reply_messages(context.services.texts, ticket.language, text):
            await context.bot.send_message(ticket.user_id, part)
    except TelegramError as error:
        log.warning("could not deliver the answer to ticket %s: %s", ticket_id, type(error).__name__)
        await context.bot.send_message(chat_id, context.t("support_inbox.undelivered", ticket=ticket_id))
        return
    async with context.services.db.transaction() as session:
        await support.record_answer(session, ticket_id, update.effective_user.id)
    await replies.send(context, chat_id, answered_notice(ticket_id, context.services.texts, context.lang))


async def _close(update: Update, context: BotContext, ticket_id: int) -> None:
    query = update.callback_query
    async with context.services.db.transaction() as session:
        closed = await support.close(session, ticket_id, update.effective_user.id)
        ticket = None if closed else await support.passed_on(session, ticket_id)
    if closed:
        key = "support_inbox.closed"
    elif ticket is not None:  # closed already (a double press, another admin)
        key = "support_inbox.already_closed"
    else:
        key = "support_inbox.not_found"
    text = context.t(key, ticket=ticket_id)
    if query is not None:
        await query.answer(text, show_alert=not closed)
        if not closed:
            return
    await context.bot.send_message(update.effective_chat.id, text)


def register(app: BotApplication) -> None:
    # Ids are 32-bit integers in the database: a longer forged number must not reach a query (PostgreSQL refuses it).
    app.add_handler(CallbackQueryHandler(send_kept_question, pattern=r"^h:\d{1,9}$"))
    support_chat = app.bot_data["services"].settings.support_chat_id
    if support_chat is not None:
        app.add_handler(MessageHandler(filters.Chat(support_chat) & filters.REPLY & ~filters.UpdateType.EDITED,
                                       support_reply))
    app.add_handler(CommandHandler(["tiket", "ticket"], tickets_command))  # admins, private chat: see above
    app.add_handler(CallbackQueryHandler(ticket_pressed, pattern=r"^tk:((open|reply|close|cancel):[0-9]{1,9}"
                                                                 r"|page:[0-9]{1,3})$"))
