"""/diskon (admins): list discount periods, add one, end one early. Every change goes to the audit log.

    /diskon                                   list, with "end early" buttons
    /diskon tambah 50 2027-01 2027-06 semua jkk,jkm Nama diskon | dasar hukum
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.contributions.rules import QuoteError, parse_discount
from bot.core.calendar import month_label, parse_month, this_month
from bot.core.formatting import month_name
from bot.core.replies import Button, Reply, fit_lines, rows
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.context import BotApplication, BotContext
from models.discount import DiscountPeriod, add_period, all_periods, end_period, in_listing_order

log = logging.getLogger(__name__)


def _describe(period: DiscountPeriod, lang: str, context: BotContext) -> str:
    return context.t("admin.discount_line", id=period.id, name=period.name, percent=period.percent,
                     programs=period.programs.upper().replace(",", "+"),
                     audience=context.t(f"admin.audience_{period.audience}"),
                     first=month_name(period.first_month, lang), last=month_name(period.last_month, lang),
                     basis=period.legal_basis)


@admin_only("/diskon")
async def discounts_command(update: Update, context: BotContext) -> None:
    args = context.args or []
    if args and args[0].lower() in ("tambah", "add"):
        await _add(update, context, args[1:])
        return
    await _list(update, context)


async def _list(update: Update, context: BotContext) -> None:
    async with context.services.db.session() as session:
        periods = await all_periods(session)
    current = this_month(context.services.settings.default_timezone)
    ordered = in_listing_order(periods, current)
    text, shown = fit_lines([context.t("admin.discounts_title")],
                            [_describe(period, context.lang, context) for period in ordered],
                            [context.t("admin.discounts_help")],
                            lambda left: context.t("admin.discounts_more", count=left))
    buttons = [Button(context.t("admin.end_button", id=period.id), f"dz:end:{period.id}") for period in ordered[:shown]
               if period.can_end_after(current)]
    await replies.send(context, update.effective_chat.id, Reply(text, rows(buttons, 1)))


async def _add(update: Update, context: BotContext, args: list[str]) -> None:
    try:
        discount = parse_discount(args)
    except QuoteError:
        await update.effective_message.reply_text(context.t("admin.add_usage"))
        return
    async with context.services.db.transaction() as session:
        period = await add_period(session, discount, update.effective_user.id)
    await update.effective_message.reply_text(context.t("admin.added") + "\n" + _describe(period, context.lang,
                                                                                          context))


@admin_only("dz:end")
async def end_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    period_id = int(query.data.split(":")[2])
    async with context.services.db.session() as session:
        period = await session.get(DiscountPeriod, period_id)
    current = this_month(context.services.settings.default_timezone)
    if period is None or not period.can_end_after(current):
        await query.answer(context.t("fallback.stale_button"))
        return
    await query.answer()
    month = month_label(current)
    reply = Reply(context.t("admin.end_confirm", id=period.id, name=period.name,
                            month=month_name(current, context.lang)),
                  rows([Button(context.t("admin.end_yes"), f"dz:ok:{period.id}:{month}"),
                        Button(context.t("admin.end_no"), "dz:no")], 2))
    await replies.send(context, update.effective_chat.id, reply)


@admin_only("dz:ok")
async def end_confirmed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query.data == "dz:no":
        await query.answer()
        await replies.show(context, update.effective_chat.id, Reply(context.t("admin.end_cancelled"), ()),
                           replacing=replies.pressed_message(query))
        return
    _, _, period_id, month = query.data.split(":")
    try:
        last_month = parse_month(month)
    except QuoteError:  # forged: the bot only writes real months ("2026-13" fits the pattern)
        await query.answer(context.t("fallback.stale_button"))
        return
    async with context.services.db.transaction() as session:
        period = await end_period(session, int(period_id), last_month, update.effective_user.id)
    if period is None:  # pressed twice, or already ended earlier
        await query.answer(context.t("admin.end_nothing"))
        return
    await query.answer()
    await replies.show(context, update.effective_chat.id, Reply(context.t("admin.ended") + "\n" + _describe(
        period, context.lang, context), ()), replacing=replies.pressed_message(query))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("diskon", discounts_command))
    app.add_handler(CallbackQueryHandler(end_pressed, pattern=r"^dz:end:\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(end_confirmed, pattern=r"^dz:(ok:\d{1,9}:\d{4}-\d{2}|no)$"))
