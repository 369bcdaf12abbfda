"""The answer to "you have an unfinished enrollment / pledge / payment" (asked by handlers.conversation's
`keeps_unfinished`): carry on where they were, or leave it and start the new thing.

Callback data: `fl:resume`, `fl:new:<starter>[:<argument>]` (quote, enroll, sponsor, or pay:<pledge id>).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.context import BotApplication, BotContext
from models.flow import clear_flow, current_flow


async def pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":", 2)
    if parts[1] == "resume":
        async with context.services.db.session() as session:
            state = await current_flow(session, update.effective_user.id)
        entry = context.flows.by_name(state.flow) if state is not None else None
        if entry is None or entry.conversation is None:
            await query.answer(context.t("fallback.stale_button"))
            return
        await query.answer()
        await entry.conversation.resume(update, context, state)
        return
    starter, _, argument = parts[2].partition(":")
    entry = context.flows.for_starter(starter)
    if entry is None or entry.start_new is None:
        await query.answer(context.t("fallback.stale_button"))
        return
    async with context.services.db.transaction() as session:
        await clear_flow(session, update.effective_user.id)
    await entry.start_new(update, context, argument)


def register(app: BotApplication) -> None:
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^fl:(resume|new:(quote|enroll|sponsor|pay:\d{1,9}))$"))
