"""Recording a payment a sponsor made through the official channels (rules in bot/pledges/payment_flow.py): the
"Catat pembayaran" button on a pledge (`j:pay:<pledge id>`), then amount, date and reference, then a confirmation.

The bot records what was paid; it never takes money. The team's chat hears of each payment, to verify it
(handlers/admin_payments.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from bot.core.conversation import Values
from bot.core.formatting import rupiah
from bot.core.identity import mask_name
from bot.core.replies import Button, Reply, rows
from bot.pledges.payment_flow import PaymentFlow, next_step
from handlers import replies
from handlers.common import tell_support_chat
from handlers.context import BotApplication, BotContext
from handlers.conversation import Conversation, keeps_unfinished
from handlers.pledges import owned_or_refuse
from models import pledge, pledge_payments
from models.flow import claim_flow


class PaymentConversation(Conversation):
    async def made_since(self, session: AsyncSession, user_id: int, since: datetime) -> bool:
        return await pledge.payment_recorded_since(session, user_id, since)

    async def finish(self, update: Update, context: BotContext, values: Values, message: Message | None) -> None:
        await _record_payment(update, context, values, message)


CONVERSATION = PaymentConversation(PaymentFlow, sealed=True, guarded=True, confirm_action="ok",
                                   expired_key="payment.expired",
                                   done_key="payment.already_recorded")


async def start_payment(update: Update, context: BotContext, found: pledge.Pledge, *, force: bool = False) -> None:
    if not force and await keeps_unfinished(update, context, f"pay:{found.id}"):
        return
    await update.callback_query.answer()
    async with context.services.db.session() as session:
        overview = await pledge.overview(session, found)
    open_months = {m.id: m for m in overview.open_months}
    positions = {b.id: b.position for b in overview.beneficiaries}
    values: Values = {"pledge_id": found.id, "open": [
        [part.id, open_months[part.month_id].month.isoformat(), part.amount_due, part.amount_paid,
         positions.get(part.beneficiary_id, 0), part.beneficiary_id]
        for part in overview.parts if part.month_id in open_months]}
    owing = {int(entry[5]) for entry in values["open"] if entry[2] > entry[3]}
    cipher = context.services.cipher
    values["workers"] = [[b.id, b.position, mask_name(cipher.decrypt(b.name_encrypted)) if b.name_encrypted
                          else context.t("pledges.name_deleted")] for b in overview.beneficiaries if b.id in owing]
    values["suggested"] = CONVERSATION.flow(context).suggestions(values)
    await CONVERSATION.show_next(update, context, values, edit=None)


async def pay_pressed(update: Update, context: BotContext) -> None:
    """`j:pay:<pledge id>` on a pledge card."""
    found = await owned_or_refuse(update, context, int(update.callback_query.data.split(":")[2]))
    if found is not None:
        await start_payment(update, context, found)


async def start_new(update: Update, context: BotContext, pledge_id: str) -> None:
    """'Start the new thing' after the unfinished-flow question: the payment, if the pledge is still theirs."""
    found = await owned_or_refuse(update, context, int(pledge_id))
    if found is not None:
        await start_payment(update, context, found, force=True)


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
            if await claim_flow(session, user_id, CONVERSATION.name):
                payment = await pledge_payments.record_payment(
                    session, int(values["pledge_id"]), user_id, int(values["amount"]),
                    date.fromisoformat(values["paid_on"]), values.get("reference"),
                    beneficiary_id=int(values.get("for") or 0) or None)
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
    recorded = context.t("payment.recorded", amount=rupiah(payment.amount, context.lang), id=payment.pledge_id)
    async with context.services.db.session() as session:  # as stored: "Rp5.000 masuk ke Januari; sisa Rp28.600"
        where = CONVERSATION.flow(context).describe_shares(await pledge_payments.payment_shares(session, payment.id),
                                                           context.lang)
    await replies.send(context, update.effective_chat.id, Reply(
        recorded + ("\n" + where if where else ""), rows([Button(context.t("sponsor.my_pledges"), "j:list")], 1)))
    await _tell_admins_of_payment(context, payment)


async def _tell_admins_of_payment(context: BotContext, payment: pledge.PledgePayment) -> None:
    texts = context.services.texts
    await tell_support_chat(context, Reply(
        texts.t("id", "records.new_payment", id=payment.id, pledge=payment.pledge_id, amount=rupiah(payment.amount),
                date=payment.paid_on.strftime("%d-%m-%Y")),
        rows([Button(texts.t("id", "records.verify_button"), f"pv:{payment.id}"),
              Button(texts.t("id", "records.reject_button"), f"pr:{payment.id}")], 2)), "a payment")


def register(app: BotApplication) -> None:
    app.add_handler(CallbackQueryHandler(pay_pressed, pattern=r"^j:pay:\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(CONVERSATION.on_button, pattern=r"^y:(for:\d{1,9}|amt:\d{1,12}|day:[01]|ref:none|ok|back"
                                                                         r"|cancel)$"))
