"""/sponsor and "Jadi sponsor": a neighbour pledges to pay for workers around them (rules in bot.pledge_flow).

Answers are kept sealed in models.flow (workers' names and phones). Confirming claims the flow row in the same
transaction that records the pledge, so pressing "confirm" twice records one pledge.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.i18n import plain
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import first_pledge_month, invite_link
from bot.pledges.sponsor_flow import FLOW, SponsorFlow, Values, next_step
from bot.pledges.views import invitation_text
from handlers import flow_guard, replies
from handlers.context import BotApplication, BotContext
from handlers.reminders import plan_for
from handlers.start import MENU_ACTIONS
from models import pledge
from models.base import utcnow
from models.discount import rules
from models.flow import FlowState, claim_flow, save_flow, unseal

log = logging.getLogger(__name__)
RECENT = timedelta(minutes=30)  # a "confirm" pressed again this soon after success is a double press


def _flow(context: BotContext) -> SponsorFlow:
    return SponsorFlow(context.services.texts)


async def _save(context: BotContext, user_id: int, values: Values) -> None:
    async with context.services.db.transaction() as session:
        await save_flow(session, user_id, FLOW, next_step(values), values, cipher=context.services.cipher)


async def start_pledge(update: Update, context: BotContext, *, force: bool = False) -> None:
    if not force and await flow_guard.keeps_unfinished(update, context, "sponsor"):
        return
    if update.callback_query:
        await update.callback_query.answer()
    await _save(context, update.effective_user.id, {})
    intro = Reply(context.t("sponsor.intro"), ())
    await replies.send(context, update.effective_chat.id, intro)
    await replies.send(context, update.effective_chat.id, _flow(context).prompt("count", {}, context.lang))


async def _show_next(update: Update, context: BotContext, values: Values, *, edit: Message | None) -> None:
    await _save(context, update.effective_user.id, values)
    flow = _flow(context)
    step = next_step(values)
    if step == "review":
        async with context.services.db.session() as session:
            discounts = await rules(session)
        sponsor_name = update.effective_user.first_name or context.t("sponsor.anonymous")
        reply = flow.review(values, discounts, first_pledge_month(context.today()), context.lang, sponsor_name)
    else:
        reply = flow.prompt(step, values, context.lang)
    await replies.show(context, update.effective_chat.id, reply, replacing=edit)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    flow = _flow(context)
    values = unseal(state, context.services.cipher)
    values, error = flow.accept_text(values, update.effective_message.text or "")
    if error is not None:
        await update.effective_message.reply_text(flow.error(error, context.lang))
        return
    await _show_next(update, context, values, edit=None)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    message = replies.pressed_message(query)
    user_id = update.effective_user.id
    state = await context.open_flow(user_id, FLOW)
    if state is None:
        if parts[1] == "ok":
            async with context.services.db.session() as session:
                recent = await pledge.recorded_since(session, user_id, utcnow() - RECENT)
            await query.answer(context.t("sponsor.already_recorded" if recent else "sponsor.expired"),
                               show_alert=True)
        else:
            await query.answer(context.t("fallback.stale_button"))
        return
    flow = _flow(context)
    values = unseal(state, context.services.cipher)
    if parts[1] == "cancel":
        async with context.services.db.transaction() as session:
            await claim_flow(session, user_id, FLOW)
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("sponsor.cancelled"),
                                              rows([Button(context.t("menu.back"), "m:home")], 1)))
        return
    if parts[1] == "back":
        await query.answer()
        await _show_next(update, context, flow.back(values), edit=message)
        return
    if parts[1] == "edit":
        await query.answer()
        await _show_next(update, context, flow.edit(values, parts[2]), edit=message)
        return
    if parts[1] == "ok":
        await _confirm(update, context, values, message)
        return
    values, error = flow.accept_choice(values, parts[1], parts[2] if len(parts) > 2 else "")
    if error == "type_occupation":
        await query.answer()
        await replies.send(context, update.effective_chat.id, Reply(flow.error(error, context.lang), ()))
        return
    if error is not None:
        await query.answer(plain(flow.error(error, context.lang))[:200])
        return
    await query.answer()
    await _show_next(update, context, values, edit=message)


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


async def send_invitations(update: Update, context: BotContext, invitations: list) -> None:
    """One message per worker, easy to forward: the single-use link and how long it works."""
    username = context.bot.username
    for beneficiary, token, name in invitations:
        expires = beneficiary.invite_expires_at.astimezone(ZoneInfo(context.timezone)).date()
        text = invitation_text(beneficiary.position, name, beneficiary.occupation, invite_link(username, token),
                               expires, context.services.texts, context.lang)
        await context.bot.send_message(update.effective_chat.id, text)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("sponsor", start_pledge, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^s:(n:\d{1,2}|occ:[a-z]{1,12}|phone:none|mon:\d{1,2}"
                                                            r"|prog:(min|jht)|edit:(workers|months|programs)"
                                                            r"|back|cancel|ok)$"))
    MENU_ACTIONS["sponsor"] = start_pledge
    flow_guard.STARTERS["sponsor"] = lambda update, context, _: start_pledge(update, context, force=True)
    flow_guard.RESUMERS[FLOW] = lambda update, context, state: _show_next(
        update, context, unseal(state, context.services.cipher), edit=None)
