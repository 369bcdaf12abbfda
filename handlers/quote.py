"""/iuran and "Hitung iuran": the contribution quote, one step at a time (rules in bot/contributions/quote_flow.py).

The answers wait in models.flow between steps; the last answer shows the result and ends the flow.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.contributions.quote_flow import QuoteFlow
from bot.core.calendar import this_month
from bot.core.conversation import Values
from bot.core.money import IncomeReading
from bot.core.replies import Reply
from handlers import replies
from handlers.context import BotApplication, BotContext
from handlers.conversation import Conversation, keeps_unfinished
from models.discount import rules
from models.flow import claim_flow


class QuoteConversation(Conversation):
    async def restart(self, update: Update, context: BotContext) -> None:
        await start_quote(update, context)

    async def show_next(self, update: Update, context: BotContext, values: Values, *, edit: Message | None) -> None:
        """The next question, or the result when nothing is missing (the flow then ends)."""
        flow = self.flow(context)
        if flow.next_step(values) is not None:
            await super().show_next(update, context, values, edit=edit)
            return
        async with context.services.db.transaction() as session:
            await claim_flow(session, update.effective_user.id, self.name)
            discounts = await rules(session)
        reply = flow.result(values, discounts, this_month(context.timezone), context.lang)
        if edit is not None:
            await replies.edit(edit, Reply(edit.text_html or "", ()))  # keep the question, drop its buttons
        await replies.send(context, update.effective_chat.id, reply)


CONVERSATION = QuoteConversation(QuoteFlow, restart_action="again")


async def start_quote(update: Update, context: BotContext, *, income: int | None = None,
                      reading: IncomeReading | None = None, force: bool = False) -> None:
    """A new quote; an income from the question ("iuran kalau gaji 2 juta", or `reading` from
    bot.core.money.find_income for "gaji kadang 700rb kadang 1jt") is filled in already."""
    if not force and await keeps_unfinished(update, context, "quote"):
        return
    if update.callback_query:
        await update.callback_query.answer()
    values: Values = {"income": income} if income else {}
    if reading is not None:
        values, problem = QuoteFlow.with_income({}, reading)
        if problem:  # an income the quote cannot use: ask for it as usual
            values = {}
    await CONVERSATION.show_next(update, context, values, edit=None)


async def start_new(update: Update, context: BotContext, _argument: str = "") -> None:
    await start_quote(update, context, force=True)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler(["iuran", "hitung"], start_quote, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(CONVERSATION.on_button, pattern=r"^q:(occ:[a-z]{1,12}|inc:\d{1,12}|jht:[01]"
                                                                         r"|mon:\d{1,2}|back|cancel|again)$"))
