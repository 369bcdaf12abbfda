"""Starting something new never silently throws away a half-filled enrollment or pledge.

A user has one conversation state at a time. When they start a flow (from a command, the menu or an old button)
while an enrollment, pledge or payment already holds answers, they are asked first: carry on where they were, or
leave it and start the new thing.

Callback data: `fl:resume`, `fl:new:<starter>` (quote, enroll, sponsor, or pay:<pledge id>).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.replies import Button, Reply, rows
from handlers import replies
from handlers.context import BotApplication, BotContext
from models.flow import FlowState, clear_flow, current_flow, unseal

GUARDED = ("enroll", "pledge", "payment")
Resume = Callable[[Update, BotContext, FlowState], Awaitable[None]]
Start = Callable[[Update, BotContext, str], Awaitable[None]]
RESUMERS: dict[str, Resume] = {}  # filled by each flow's module at registration
STARTERS: dict[str, Start] = {}


async def keeps_unfinished(update: Update, context: BotContext, starting: str) -> bool:
    """True (and the question asked) when an unfinished flow with answers is open; the caller then stops."""
    async with context.services.db.session() as session:
        state = await current_flow(session, update.effective_user.id)
    if state is None or state.flow not in GUARDED:
        return False
    values = unseal(state, context.services.cipher)
    if not any(k for k in values if k not in ("locked", "programs", "beneficiary_id", "pledge_id", "suggested")):
        return False  # nothing typed yet: nothing to lose
    if update.callback_query:
        await update.callback_query.answer()
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("flows.unfinished", what=context.t(f"flows.what_{state.flow}")),
        rows([Button(context.t("flows.resume"), "fl:resume"),
              Button(context.t("flows.start_new"), f"fl:new:{starting}")], 1)))
    return True


async def pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":", 2)
    if parts[1] == "resume":
        async with context.services.db.session() as session:
            state = await current_flow(session, update.effective_user.id)
        if state is None or state.flow not in RESUMERS:
            await query.answer(context.t("fallback.stale_button"))
            return
        await query.answer()
        await RESUMERS[state.flow](update, context, state)
        return
    starter = parts[2].split(":", 1)
    if starter[0] not in STARTERS:
        await query.answer(context.t("fallback.stale_button"))
        return
    async with context.services.db.transaction() as session:
        await clear_flow(session, update.effective_user.id)
    await STARTERS[starter[0]](update, context, starter[1] if len(starter) > 1 else "")


def register(app: BotApplication) -> None:
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^fl:(resume|new:(quote|enroll|sponsor|pay:\d{1,9}))$"))
