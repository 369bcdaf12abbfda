"""/pembayaran (admins): payments sponsors recorded that nobody has decided on yet, with a verify button
(`pv:<payment id>`, also on the team chat's note of each payment) and a reject button (`pr:<payment id>`), which
offers the common reasons (`prr:<payment id>:<reason>`); any other reason is typed: `/tolak <payment id> <reason>`.
The sponsor is told either way, in their language; a rejected payment no longer counts toward the pledge's months."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core.formatting import day_text, month_name, rupiah
from bot.core.replies import Button, Reply, rows
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.common import notify_user
from handlers.context import BotApplication, BotContext
from models import pledge, pledge_payments


@admin_only("/pembayaran", private="records.private_only")
async def unverified_payments(update: Update, context: BotContext) -> None:
    async with context.services.db.session() as session:
        payments = await pledge_payments.unverified_payments(session)
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
        buttons.append(Button(context.t("records.reject_button_id", id=payment.id), f"pr:{payment.id}"))
    lines.append(context.t("records.reject_hint"))
    await replies.send(context, update.effective_chat.id, Reply("\n".join(lines), rows(buttons, 2)))


@admin_only("pv")
async def verify_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    payment_id = int(query.data.split(":")[1])
    async with context.services.db.transaction() as session:
        payment = await pledge_payments.verify_payment(session, payment_id, update.effective_user.id)
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


# The common reasons for turning a payment down, offered as buttons (`prr:<id>:<code>`); texts under records.
REJECT_REASONS = ("amount", "reference", "duplicate")


@admin_only("pr")
async def reject_pressed(update: Update, context: BotContext) -> None:
    """`pr:<id>`: which reason? The common ones as buttons, any other typed with /tolak."""
    query = update.callback_query
    payment_id = int(query.data.split(":")[1])
    await query.answer()
    buttons = [Button(context.t(f"records.reject_reason_{code}"), f"prr:{payment_id}:{code}")
               for code in REJECT_REASONS]
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("records.reject_ask", id=payment_id), rows(buttons, 1)))


@admin_only("prr")
async def reject_reason_pressed(update: Update, context: BotContext) -> None:
    _, payment_id, code = update.callback_query.data.split(":")
    await _reject(update, context, int(payment_id), code=code)


@admin_only("/tolak", private="records.private_only")
async def reject_command(update: Update, context: BotContext) -> None:
    """`/tolak <payment id> <reason>`: a reason of the admin's own words."""
    words = context.args or []
    reason = " ".join(words[1:]).strip()
    if not words or not words[0].isascii() or not words[0].isdigit() or len(words[0]) > 9 or not reason:
        await update.effective_message.reply_text(context.t("records.reject_usage"))
        return
    await _reject(update, context, int(words[0]), typed=reason[:200])


async def _reject(update: Update, context: BotContext, payment_id: int, *, code: str | None = None,
                  typed: str | None = None) -> None:
    """The decision, then the admin and the sponsor are told (the sponsor in their language, with what is due again)."""
    reason_of = (lambda lang: context.services.texts.t(lang, f"records.reject_reason_{code}")) if code else \
        (lambda lang: typed or "")
    async with context.services.db.transaction() as session:
        payment, months = await pledge_payments.reject_payment(session, payment_id, update.effective_user.id,
                                                      reason_of("id"))
        owner = await session.get(pledge.Pledge, payment.pledge_id) if payment else None
    if payment is None:
        if update.callback_query:
            await update.callback_query.answer(context.t("records.already_rejected"), show_alert=True)
        else:
            await update.effective_message.reply_text(context.t("records.already_rejected"))
        return
    if update.callback_query:
        await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, context.t("records.rejected", id=payment_id))
    if owner is not None and owner.sponsor_id is not None:
        reopened = [m for m in months if m.status == pledge.MONTH_DUE]
        await notify_user(context, owner.sponsor_id, "payment.rejected",
                          amount=lambda lang: rupiah(payment.amount, lang),
                          date=lambda lang: day_text(payment.paid_on, lang), id=payment.pledge_id,
                          reason=reason_of,
                          months=lambda lang: ", ".join(month_name(m.month, lang) for m in reopened) or "-")


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("pembayaran", unverified_payments))
    app.add_handler(CommandHandler("tolak", reject_command))
    app.add_handler(CallbackQueryHandler(verify_pressed, pattern=r"^pv:\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(reject_pressed, pattern=r"^pr:\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(reject_reason_pressed, pattern=r"^prr:\d{1,9}:(amount|reference|duplicate)$"))
