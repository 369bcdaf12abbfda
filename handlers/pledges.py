"""/janji: a sponsor's pledges, recording a payment, extending, cancelling, renewing invitations; a worker opening
an invitation link; admins verifying recorded payments (/pembayaran).

Every button carries the pledge id and is checked against the presser: another user's pledge id changes nothing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.calendar import this_month
from bot.core.formatting import rupiah
from bot.core.i18n import plain
from bot.core.logs import user_ref
from bot.core.replies import Button, Reply, rows
from bot.pledges.payment_flow import FLOW as PAYMENT_FLOW
from bot.pledges.payment_flow import PaymentFlow, Values, next_step
from bot.pledges.rules import INVITE_PREFIX, MONTH_CHOICES, invite_token_from_payload
from bot.pledges.views import cancel_confirmation, describe, extend_choices
from handlers import flow_guard, replies
from handlers.admin_discounts import refuse_non_admin
from handlers.context import BotApplication, BotContext
from handlers.enroll import start_enrollment
from handlers.reminders import plan_for
from handlers.sponsor import send_invitations
from handlers.start import START_PAYLOADS
from models import enrollment, pledge
from models.base import utcnow
from models.discount import rules
from models.flow import FlowState, claim_flow, save_flow
from models.user import get_user, set_blocked

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
        discounts = await rules(session)
        for item in await pledge.pledges_of(session, user_id):
            await pledge.keep_ongoing_planned(session, item.pledge, current, discounts)
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


async def _owned_or_refuse(update: Update, context: BotContext, pledge_id: int) -> pledge.Pledge | None:
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
    found = await _owned_or_refuse(update, context, pledge_id)
    if found is None:
        return
    if action == "pay":
        await _start_payment(update, context, found)
    elif action == "ext" and len(parts) == 3:
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
                renewed = await pledge.renew_invitations(session, pledge_id, user_id)
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


# ---------------------------------------------------------------------------------------------- payments
def _payment_flow(context: BotContext) -> PaymentFlow:
    return PaymentFlow(context.services.texts)


async def _start_payment(update: Update, context: BotContext, found: pledge.Pledge, *, force: bool = False) -> None:
    if not force and await flow_guard.keeps_unfinished(update, context, f"pay:{found.id}"):
        return
    await update.callback_query.answer()
    async with context.services.db.session() as session:
        overview = await pledge.overview(session, found)
    following = overview.next_open
    suggested = []
    if following is not None:
        suggested.append(following.amount_due - following.amount_paid)
    if overview.outstanding not in suggested:
        suggested.append(overview.outstanding)
    values: Values = {"pledge_id": found.id, "suggested": [a for a in suggested if a > 0]}
    async with context.services.db.transaction() as session:
        await save_flow(session, update.effective_user.id, PAYMENT_FLOW, next_step(values), values)
    await replies.send(context, update.effective_chat.id, _payment_flow(context).prompt(values, context.lang))


async def _payment_next(update: Update, context: BotContext, values: Values, edit: Message | None) -> None:
    async with context.services.db.transaction() as session:
        await save_flow(session, update.effective_user.id, PAYMENT_FLOW, next_step(values), values)
    await replies.show(context, update.effective_chat.id, _payment_flow(context).prompt(values, context.lang),
                       replacing=edit)


async def payment_text(update: Update, context: BotContext, state: FlowState) -> None:
    flow = _payment_flow(context)
    values, error = flow.accept_text(state.values, update.effective_message.text or "", context.today())
    if error is not None:
        await update.effective_message.reply_text(flow.error(error, context.lang))
        return
    await _payment_next(update, context, values, None)


async def payment_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    message = replies.pressed_message(query)
    user_id = update.effective_user.id
    state = await context.open_flow(user_id, PAYMENT_FLOW)
    if state is None:
        key = "fallback.stale_button"
        if parts[1] == "ok":
            async with context.services.db.session() as session:
                recent = await pledge.payment_recorded_since(session, user_id, utcnow() - timedelta(minutes=30))
            key = "payment.already_recorded" if recent else "payment.expired"
        await query.answer(context.t(key), show_alert=parts[1] == "ok")
        return
    flow = _payment_flow(context)
    values = state.values
    if parts[1] == "cancel":
        async with context.services.db.transaction() as session:
            await claim_flow(session, user_id, PAYMENT_FLOW)
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("payment.cancelled"), ()))
        return
    if parts[1] == "back":
        await query.answer()
        await _payment_next(update, context, flow.back(values), message)
        return
    if parts[1] == "ok":
        await _record_payment(update, context, values, message)
        return
    values, error = flow.accept_choice(values, parts[1], parts[2] if len(parts) > 2 else "", context.today())
    if error is not None:
        await query.answer(plain(flow.error(error, context.lang))[:200])
        return
    await query.answer()
    await _payment_next(update, context, values, message)


async def _record_payment(update: Update, context: BotContext, values: Values, message: Message | None) -> None:
    query = update.callback_query
    user_id = update.effective_user.id
    if next_step(values) != "confirm":
        await query.answer(context.t("fallback.stale_button"))
        return
    payment = None
    problem = None
    try:
        async with context.services.db.transaction() as session:
            if await claim_flow(session, user_id, PAYMENT_FLOW):
                payment = await pledge.record_payment(session, int(values["pledge_id"]), user_id,
                                                      int(values["amount"]), date.fromisoformat(values["paid_on"]),
                                                      values.get("reference"))
    except pledge.PledgeError as error:  # the transaction rolled back: the flow is still there to correct
        problem = error.code
    if problem is not None:
        await query.answer()
        await replies.send(context, update.effective_chat.id, Reply(
            context.t(f"pledges.error_{problem}"),
            rows([Button(context.t("payment.back"), "y:back"), Button(context.t("payment.cancel"), "y:cancel")], 2)))
        return
    if payment is None:
        await query.answer(context.t("payment.already_recorded"), show_alert=True)
        return
    await query.answer()
    if message is not None:
        await replies.edit(message, Reply(message.text_html or "", ()))
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("payment.recorded", amount=rupiah(payment.amount, context.lang), id=payment.pledge_id),
        rows([Button(context.t("sponsor.my_pledges"), "j:list")], 1)))
    await _tell_admins_of_payment(context, payment)


async def _tell_admins_of_payment(context: BotContext, payment: pledge.PledgePayment) -> None:
    chat = context.services.settings.support_chat_id
    if chat is None:
        return
    texts = context.services.texts
    reply = Reply(texts.t("id", "records.new_payment", id=payment.id, pledge=payment.pledge_id,
                          amount=rupiah(payment.amount), date=payment.paid_on.strftime("%d-%m-%Y")),
                  rows([Button(texts.t("id", "records.verify_button"), f"pv:{payment.id}")], 1))
    try:
        await replies.send(context, chat, reply)
    except TelegramError as error:
        log.warning("could not tell the support chat about a payment: %s", type(error).__name__)


# ---------------------------------------------------------------------------------------------- admins
async def unverified_payments(update: Update, context: BotContext) -> None:
    if await refuse_non_admin(update, context, "/pembayaran"):
        return
    if update.effective_chat.type != "private":
        await update.effective_message.reply_text(context.t("records.private_only"))
        return
    async with context.services.db.session() as session:
        payments = await pledge.unverified_payments(session)
    if not payments:
        await update.effective_message.reply_text(context.t("records.no_payments"))
        return
    lines = [context.t("records.payments_title")]
    buttons = []
    for payment in payments:
        lines.append(context.t("records.payment_line", id=payment.id, pledge=payment.pledge_id,
                               amount=rupiah(payment.amount, context.lang),
                               date=payment.paid_on.strftime("%d-%m-%Y"), reference=payment.reference or "-"))
        buttons.append(Button(context.t("records.verify_button_id", id=payment.id), f"pv:{payment.id}"))
    await replies.send(context, update.effective_chat.id, Reply("\n".join(lines), rows(buttons, 2)))


async def verify_pressed(update: Update, context: BotContext) -> None:
    if await refuse_non_admin(update, context, "pv"):
        return
    query = update.callback_query
    payment_id = int(query.data.split(":")[1])
    async with context.services.db.transaction() as session:
        payment = await pledge.verify_payment(session, payment_id, update.effective_user.id)
        sponsor = await session.get(pledge.Pledge, payment.pledge_id) if payment else None
    if payment is None:
        await query.answer(context.t("records.already_verified"), show_alert=True)
        return
    await query.answer(context.t("records.verified", id=payment_id))
    await context.bot.send_message(update.effective_chat.id, context.t("records.verified", id=payment_id))
    if sponsor is not None and sponsor.sponsor_id is not None:
        await notify_user(context, sponsor.sponsor_id, "payment.verified", amount=rupiah(payment.amount),
                          date=payment.paid_on.strftime("%d-%m-%Y"), id=payment.pledge_id)


async def notify_user(context: BotContext, user_id: int, key: str, **values: object) -> bool:
    """A message to another user in their own language; a user who blocked the bot is marked, not retried."""
    async with context.services.db.session() as session:
        user = await get_user(session, user_id)
    lang = user.language if user else context.services.settings.default_language
    try:
        await context.bot.send_message(user_id, context.services.texts.t(lang, key, **values))
        return True
    except Forbidden:
        async with context.services.db.transaction() as session:
            await set_blocked(session, user_id, True)
    except TelegramError as error:
        log.warning("could not notify %s: %s", user_ref(user_id), type(error).__name__)
    return False


# ---------------------------------------------------------------------------------------------- invitations
async def open_invitation(update: Update, context: BotContext, payload: str) -> None:
    """A worker opened a sponsor's link: claim it (once), say who sponsors them, start their enrollment."""
    user_id = update.effective_user.id
    token = invite_token_from_payload(payload)
    if token is None:
        await update.effective_message.reply_text(context.t("invite.unknown"))
        return
    async with context.services.db.transaction() as session:
        invitation, reason = await pledge.claim_invitation(session, token, user_id)
        sponsor = await get_user(session, invitation.pledge.sponsor_id) \
            if invitation and invitation.pledge.sponsor_id else None
        existing = [a for a in await enrollment.of_user(session, user_id) if a.status != enrollment.REJECTED] \
            if invitation else []
        if invitation and existing and invitation.beneficiary.application_id is None:
            await pledge.link_application(session, invitation.beneficiary.id, user_id, existing[-1].id)
    if invitation is None:
        await update.effective_message.reply_text(context.t(f"invite.{reason}"))
        return
    sponsor_name = (sponsor.first_name if sponsor else "") or context.t("sponsor.anonymous")
    pledge_row = invitation.pledge
    term = context.t("pledges.term_ongoing") if pledge_row.months == 0 else \
        context.t("pledges.term_months", months=pledge_row.months)
    await update.effective_message.reply_text(context.t(
        "invite.welcome", sponsor=sponsor_name, programs="+".join(p.upper() for p in pledge_row.program_list),
        term=term))
    if existing:
        await update.effective_message.reply_text(context.t("invite.already_enrolled", id=existing[-1].id))
        return
    await start_enrollment(update, context, sponsored=invitation)


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("janji", list_pledges, filters=private))
    app.add_handler(CommandHandler("pembayaran", unverified_payments))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^j:(list|keep|(pay|stop|stopok|inv):\d{1,9}"
                                                            r"|ext:\d{1,9}(:\d{1,2}:\d{1,3})?)$"))
    app.add_handler(CallbackQueryHandler(payment_button, pattern=r"^y:(amt:\d{1,12}|day:[01]|ref:none|ok|back"
                                                                 r"|cancel)$"))
    app.add_handler(CallbackQueryHandler(verify_pressed, pattern=r"^pv:\d{1,9}$"))
    START_PAYLOADS[INVITE_PREFIX] = open_invitation
    flow_guard.STARTERS["pay"] = _start_payment_again
    flow_guard.RESUMERS[PAYMENT_FLOW] = lambda update, context, state: _payment_next(update, context, state.values,
                                                                                      None)


async def _start_payment_again(update: Update, context: BotContext, pledge_id: str) -> None:
    """'Start the new thing' after the unfinished-flow question: the payment, if the pledge is still theirs."""
    found = await _owned_or_refuse(update, context, int(pledge_id))
    if found is not None:
        await _start_payment(update, context, found, force=True)
