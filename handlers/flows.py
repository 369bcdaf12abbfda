"""Free text goes to the flow the user is in (a quote, an enrollment, a pledge, a payment, an admin's answer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from handlers import broadcasts, enroll, pledges, quote, records, sponsor
from handlers.context import BotContext
from models.flow import FlowState, current_flow

TextStep = Callable[[Update, BotContext, FlowState], Awaitable[None]]
TEXT_STEPS: dict[str, TextStep] = {"quote": quote.on_text, "enroll": enroll.on_text, "pledge": sponsor.on_text,
                                   "payment": pledges.payment_text, "admin_application": records.on_text,
                                   "broadcast": broadcasts.on_text}


async def route_text(update: Update, context: BotContext, state: FlowState | None = None, *,
                     read: bool = True) -> bool:
    """True when an open flow took the message. A caller that already read the flow passes it with read=False."""
    if read:
        async with context.services.db.session() as session:
            state = await current_flow(session, update.effective_user.id)
    if state is None or state.flow not in TEXT_STEPS:
        return False
    await TEXT_STEPS[state.flow](update, context, state)
    return True
