"""/iuran and "Hitung iuran": the contribution quote, one step at a time (state in models.flow)."""

from __future__ import annotations

from datetime import date

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.contributions.quote_flow import FLOW, QuoteFlow, next_step, previous_values
from bot.core.calendar import this_month
from handlers import flow_guard, replies
from handlers.context import BotApplication, BotContext
from handlers.start import MENU_ACTIONS
from models.discount import rules
from models.flow import FlowState, clear_flow, save_flow


def _flow(context: BotContext) -> QuoteFlow:
    return QuoteFlow(context.services.texts)


def _this_month(context: BotContext) -> date:
    return this_month(context.timezone)


async def start_quote(update: Update, context: BotContext, *, income: int | None = None,
                      force: bool = False) -> None:
    if not force and await flow_guard.keeps_unfinished(update, context, "quote"):
        return
    if update.callback_query:
        await update.callback_query.answer()
    values = {"income": income} if income else {}
    async with context.services.db.transaction() as session:
        await save_flow(session, update.effective_user.id, FLOW, next_step(values) or "occupation", values)
    reply = _flow(context).prompt(next_step(values) or "occupation", values, context.lang)
    await replies.send(context, update.effective_chat.id, reply)


async def _advance(update: Update, context: BotContext, values: dict, *, edit: Message | None) -> None:
    """Save the answers and show the next question, or the result when nothing is missing."""
    user_id = update.effective_user.id
    step = next_step(values)
    flow = _flow(context)
    async with context.services.db.transaction() as session:
        if step is None:
            await clear_flow(session, user_id)
            discounts = await rules(session)
        else:
            await save_flow(session, user_id, FLOW, step, values)
    if step is None:
        reply = flow.result(values, discounts, _this_month(context), context.lang)
        if edit is not None:
            await replies.edit(edit, replies.Reply(edit.text_html or "", ()))  # keep the question, drop its buttons
        await replies.send(context, update.effective_chat.id, reply)
        return
    await replies.show(context, update.effective_chat.id, flow.prompt(step, values, context.lang), replacing=edit)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """Free text while a quote waits for an answer (called by handlers.flows)."""
    flow = _flow(context)
    values, error = flow.accept_text(state.step, state.values, update.effective_message.text or "")
    if error is not None:  # nothing is lost: the answers so far stay, only this one is asked again
        await update.effective_message.reply_text(flow.error(error, context.lang))
        return
    await _advance(update, context, values, edit=None)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    message = replies.pressed_message(query)
    user_id = update.effective_user.id
    if parts[1] == "again":
        await start_quote(update, context)
        return
    state = await context.open_flow(user_id, FLOW)
    if state is None:
        await query.answer(context.t("fallback.stale_button"))
        return
    flow = _flow(context)
    if parts[1] == "cancel":
        async with context.services.db.transaction() as session:
            await clear_flow(session, user_id)
        await query.answer()
        if message is not None:
            await replies.edit(message, replies.Reply(flow.t(context.lang, "cancelled"), ()))
        return
    if parts[1] == "back":
        await query.answer()
        values = previous_values(state.values)
        await _advance(update, context, values, edit=message)
        return
    values, error = flow.accept_choice(state.step, state.values, parts[1], parts[2] if len(parts) > 2 else "")
    if error is not None:
        await query.answer(flow.error(error, context.lang)[:200].replace("<i>", "").replace("</i>", ""))
        return
    await query.answer()
    await _advance(update, context, values, edit=message)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler(["iuran", "hitung"], start_quote, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^q:(occ:[a-z]{1,12}|inc:\d{1,12}|jht:[01]|mon:\d{1,2}"
                                                            r"|back|cancel|again)$"))
    MENU_ACTIONS["quote"] = start_quote
    flow_guard.STARTERS["quote"] = lambda update, context, _: start_quote(update, context, force=True)
