"""/sponsor and "Jadi sponsor": a neighbour pledges to pay for workers around them (rules in
bot/pledges/sponsor_flow.py).

Answers are kept sealed in models.flow (workers' names and phones). Confirming claims the flow row in the same
transaction that records the pledge, so pressing "confirm" twice records one pledge.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.conversation import Values
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import first_pledge_month
from bot.pledges.sponsor_flow import FLOW, SponsorFlow, next_step
from handlers import replies
from handlers.context import BotApplication, BotContext
from handlers.conversation import Conversation, keeps_unfinished
from handlers.invitations import send_invitations
from handlers.reminders import plan_for
from models import pledge
from models.discount import rules
from models.flow import claim_flow

log = logging.getLogger(__name__)


class SponsorConversation(Conversation):
    async def render(self, update: Update, context: BotContext, values: Values) -> Reply:
        if next_step(values) != "review":
            return await super().render(update, context, values)
        async with context.services.db.session() as session:
            discounts = await rules(session)
        sponsor_name = update.effective_user.first_name or context.t("sponsor.anonymous")
        return self.flow(context).review(values, discounts, first_pledge_month(context.today()), context.lang,
                                         sponsor_name)

    async def refuse_choice(self, update: Update, context: BotContext, error: str) -> None:
        if error == "type_occupation":  # "another occupation": not an error, the question is answered by typing
            await update.callback_query.answer()
            await replies.send(context, update.effective_chat.id,
                               Reply(self.flow(context).error(error, context.lang), ()))
            return
        await super().refuse_choice(update, context, error)

    async def made_since(self, session: AsyncSession, user_id: int, since: datetime) -> bool:
        return await pledge.recorded_since(session, user_id, since)

    async def finish(self, update: Update, context: BotContext, values: Values, message: Message | None) -> None:
        await _confirm(update, context, values, message)


CONVERSATION = SponsorConversation(SponsorFlow, sealed=True, guarded=True, confirm_action="ok", home_after_cancel=True,
                                   expired_key="sponsor.expired", done_key="sponsor.already_recorded")


async def start_pledge(update: Update, context: BotContext, *, force: bool = False) -> None:
    if not force and await keeps_unfinished(update, context, "sponsor"):
        return
    if update.callback_query:
        await update.callback_query.answer()
    await CONVERSATION.save(context, update.effective_user.id, {})
    intro = Reply(context.t("sponsor.intro"), ())
    await replies.send(context, update.effective_chat.id, intro)
    await replies.send(context, update.effective_chat.id, CONVERSATION.flow(context).prompt("count", {}, context.lang))


async def start_new(update: Update, context: BotContext, _argument: str = "") -> None:
    await start_pledge(update, context, force=True)


async def _confirm(update: Update, context: BotContext, values: Values, message: Message | None) -> None:
    query = update.callback_query
    user_id = update.effective_user.id
    if next_step(values) != "review":
        await query.answer(context.t("fallback.stale_button"))
        return
    current = first_pledge_month(context.today())
    workers = [pledge.WorkerDetails(name=w["name"], occupation=w["occupation"], transport=bool(w.get("transport")),
                                    phone=w.get("phone") or None) for w in values["workers"]]
    created = None
    async with context.services.db.transaction() as session:
        if await claim_flow(session, user_id, FLOW):
            discounts = await rules(session)
            created, invitations = await pledge.create_pledge(
                session, context.services.cipher, user_id, workers, months=int(values["months"]),
                programs=values["programs"], first_month=current, current_month=current, discounts=discounts)
    if created is None:  # another press got there first, a moment ago
        await query.answer(context.t("sponsor.already_recorded"), show_alert=True)
        return
    await query.answer()
    log.info("pledge %s recorded for %d workers", created.id, len(workers))
    if message is not None:
        await replies.edit(message, Reply(message.text_html or "", ()))
    await replies.send(context, update.effective_chat.id, Reply(context.t("sponsor.recorded", id=created.id), ()))
    await send_invitations(update, context, [(b, t, w.name) for (b, t), w in zip(invitations, workers)])
    await plan_for(context, user_id)
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("sponsor.how_to_pay"), rows([Button(context.t("sponsor.my_pledges"), "j:list"),
                                               Button(context.t("menu.back"), "m:home")], 1)))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("sponsor", start_pledge, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(CONVERSATION.on_button, pattern=r"^s:(n:\d{1,2}|nm:(yes|no)"
                                                                         r"|occ:[a-z]{1,12}|phone:none"
                                                                         r"|mon:\d{1,2}|prog:(min|jht)"
                                                                         r"|edit:(workers|months|programs)"
                                                                         r"|back|cancel|ok)$"))
