"""Free text goes to the flow the user is in (a quote now; enrollment and pledges later), if any."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from handlers import quote
from handlers.context import BotContext
from models.flow import FlowState, current_flow

TextStep = Callable[[Update, BotContext, FlowState], Awaitable[None]]
TEXT_STEPS: dict[str, TextStep] = {"quote": quote.on_text}


async def route_text(update: Update, context: BotContext) -> bool:
    """True when an open flow took the message."""
    async with context.services.db.session() as session:
        state = await current_flow(session, update.effective_user.id)
    if state is None or state.flow not in TEXT_STEPS:
        return False
    await TEXT_STEPS[state.flow](update, context, state)
    return True
