"""/pembayaran (admins): payments sponsors recorded that nobody has verified yet, and the verify button
(`pv:<payment id>`, also on the team chat's note of each payment). The sponsor is told once it is verified."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core.formatting import day_text, rupiah
from bot.core.replies import Button, Reply, rows
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.common import notify_user
from handlers.context import BotApplication, BotContext
from models import pledge


@admin_only("/pembayaran", private="records.private_only")
async def unverified_payments(update: Update, context: BotContext) -> None:
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


@admin_only("pv")
async def verify_pressed(update: Update, context: BotContext) -> None:
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
        await notify_user(context, sponsor.sponsor_id, "payment.verified",
                          amount=lambda lang: rupiah(payment.amount, lang),
                          date=lambda lang: day_text(payment.paid_on, lang), id=payment.pledge_id)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("pembayaran", unverified_payments))
    app.add_handler(CallbackQueryHandler(verify_pressed, pattern=r"^pv:\d{1,9}$"))
