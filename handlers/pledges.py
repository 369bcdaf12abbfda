"""/janji: a sponsor's pledges, and their buttons: extend, cancel, renew invitations (recording a payment is
handlers/payments.py).

Every button carries the pledge id and is checked against the presser: another user's pledge id changes nothing.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.calendar import this_month
from bot.core.logs import user_ref
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import MONTH_CHOICES
from bot.pledges.views import cancel_confirmation, describe, extend_choices
from handlers import replies
from handlers.context import BotApplication, BotContext
from handlers.invitations import send_invitations
from handlers.reminders import plan_for
from models import pledge, pledge_workers
from models.discount import rules

log = logging.getLogger(__name__)


def _names(context: BotContext, overview: pledge.PledgeOverview) -> list[str | None]:
    cipher = context.services.cipher
    return [cipher.decrypt(b.name_encrypted) if b.name_encrypted else None for b in overview.beneficiaries]


async def list_pledges(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    user_id = update.effective_user.id
    current = this_month(context.timezone)
    async with context.services.db.transaction() as session:
        # An open-ended pledge keeps its next months planned: the write is its own step, then the listing reads.
        await pledge.keep_all_ongoing_planned(session, current, await rules(session), sponsor_id=user_id)
        overviews = await pledge.pledges_of(session, user_id)
    chat_id = update.effective_chat.id
    if not overviews:
        await replies.send(context, chat_id, Reply(context.t("pledges.none"), rows(
            [Button(context.t("menu.sponsor"), "m:sponsor"), Button(context.t("menu.back"), "m:home")], 1)))
        return
    shown = [o for o in overviews if o.pledge.status == pledge.ACTIVE][:5] or overviews[:3]
    for overview in shown:
        await replies.send(context, chat_id, describe(overview, _names(context, overview), context.services.texts,
                                                       context.lang, context.today()))


async def owned_or_refuse(update: Update, context: BotContext, pledge_id: int) -> pledge.Pledge | None:
    """The presser's own active pledge, or None after telling them (a stale or someone else's button)."""
    async with context.services.db.session() as session:
        found = await pledge.owned(session, pledge_id, update.effective_user.id)
    if found is None:
        log.warning("%s pressed a button for a pledge that is not theirs", user_ref(update.effective_user.id))
        await update.callback_query.answer(context.t("pledges.not_yours"), show_alert=True)
        return None
    if found.status != pledge.ACTIVE:
        await update.callback_query.answer(context.t("pledges.error_cancelled"), show_alert=True)
        return None
    return found


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    action = parts[1]
    message = replies.pressed_message(query)
    user_id = update.effective_user.id
    if action == "list":
        await list_pledges(update, context)
        return
    if action == "keep":
        await query.answer(context.t("pledges.kept"))
        if message is not None:
            await replies.edit(message, Reply(context.t("pledges.kept"), ()))
        return
    pledge_id = int(parts[2])
    found = await owned_or_refuse(update, context, pledge_id)
    if found is None:
        return
    if action == "ext" and len(parts) == 3:
        await query.answer()
        await replies.send(context, update.effective_chat.id, extend_choices(pledge_id, found.months,
                                                                             context.services.texts, context.lang))
    elif action == "ext":
        extra, expected = int(parts[3]), int(parts[4])
        if extra not in MONTH_CHOICES:
            await query.answer(context.t("fallback.stale_button"))
            return
        try:
            async with context.services.db.transaction() as session:
                extended = await pledge.extend(session, pledge_id, user_id, extra, await rules(session),
                                               expected_months=expected)
        except pledge.PledgeError as error:
            await query.answer(context.t(f"pledges.error_{error.code}"), show_alert=True)
            return
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("pledges.extended", id=pledge_id, months=extended.months), ()))
        await plan_for(context, user_id)  # the new months get their reminders
    elif action == "stop":
        await query.answer()
        await replies.send(context, update.effective_chat.id, cancel_confirmation(pledge_id, context.services.texts,
                                                                                  context.lang))
    elif action == "stopok":
        try:
            async with context.services.db.transaction() as session:
                await pledge.cancel(session, pledge_id, user_id)
        except pledge.PledgeError as error:
            await query.answer(context.t(f"pledges.error_{error.code}"), show_alert=True)
            return
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("pledges.cancelled", id=pledge_id), ()))
    elif action == "inv":
        try:
            async with context.services.db.transaction() as session:
                renewed = await pledge_workers.renew_invitations(session, pledge_id, user_id)
        except pledge.PledgeError as error:
            await query.answer(context.t(f"pledges.error_{error.code}"), show_alert=True)
            return
        await query.answer()
        if not renewed:
            await replies.send(context, update.effective_chat.id, Reply(context.t("pledges.no_invites"), ()))
            return
        cipher = context.services.cipher
        await send_invitations(update, context, [(b, token, cipher.decrypt(b.name_encrypted))
                                                 for b, token in renewed if b.name_encrypted])


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("janji", list_pledges, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^j:(list|keep|(stop|stopok|inv):\d{1,9}"
                                                            r"|ext:\d{1,9}(:\d{1,2}:\d{1,3})?)$"))
