"""Reminder buttons ("Sudah bayar", "Ingatkan besok", "Berhenti pengingat"), /pengingat settings, admins' /status.

Every reminder button carries the reminder id and is checked against the presser.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.formatting import month_name, rupiah
from bot.core.replies import Button, Reply, rows
from bot.jobs.reminder_sender import ReminderService, local_day_start
from bot.reminders.rules import DAYS_BEFORE_CHOICES, DEFAULT_DAYS_BEFORE, DEFAULT_HOUR, HOUR_CHOICES, tomorrow
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.context import BotApplication, BotContext
from models import broadcast, enrollment, pledge, pledge_payments, reminder
from models.base import utcnow
from models.user import count_blocked, get_user, set_reminder_settings

log = logging.getLogger(__name__)


def _service(context: BotContext) -> ReminderService | None:
    return context.application.bot_data.get("reminders")


async def plan_for(context: BotContext, user_id: int) -> None:
    """Plan a user's reminders now (after a pledge or an opt-in) rather than at the next planning run."""
    service = _service(context)
    if service is not None:
        try:
            await service.plan_all(only_user=user_id)
        except Exception:  # noqa: BLE001 - the periodic planning run will catch up
            log.exception("planning reminders for a user failed")


async def _replan(context: BotContext, user_id: int) -> None:
    """After a settings change: pending reminders are planned again with the new hour and days."""
    async with context.services.db.transaction() as session:
        await reminder.delete_pending(session, user_id)
    await plan_for(context, user_id)


async def reminder_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, action, reminder_id = query.data.split(":")
    user_id = update.effective_user.id
    message = replies.pressed_message(query)
    async with context.services.db.session() as session:
        item = await session.get(reminder.Reminder, int(reminder_id))
    if item is None or item.recipient_id != user_id:
        await query.answer(context.t("reminders.not_yours"), show_alert=True)
        return
    if action == "later":
        async with context.services.db.session() as session:
            user = await get_user(session, user_id)
        when = tomorrow(utcnow(), context.timezone, user.reminder_hour if user else DEFAULT_HOUR)
        async with context.services.db.transaction() as session:
            moved = await reminder.reschedule(session, item.id, user_id, when)
        await query.answer(context.t("reminders.later_set" if moved else "reminders.nothing_to_do"),
                           show_alert=not moved)
        return
    if action == "stop":
        async with context.services.db.transaction() as session:
            if item.subject == reminder.PLEDGE_MONTH:
                await pledge.stop_reminders(session, item.subject_id, user_id)
            else:
                await set_reminder_settings(session, user_id, reminder_opt_in=False)
                await reminder.cancel_for_recipient(session, user_id, subject=reminder.OWN_CONTRIBUTION)
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(message.text_html + "\n\n" + context.t("reminders.stopped"), ()))
        return
    # "Sudah bayar"
    paid_text = None
    async with context.services.db.transaction() as session:
        if item.subject == reminder.PLEDGE_MONTH:
            paid = await pledge_payments.pay_month_from_reminder(session, item.subject_id, user_id, context.today())
            if paid is not None:
                month, payment = paid
                paid_text = context.t("reminders.paid_pledge", amount=rupiah(payment.amount, context.lang),
                                      month=month_name(month.month, context.lang), id=month.pledge_id)
        else:
            await reminder.own_month_paid(session, user_id, item.month)
            paid_text = context.t("reminders.paid_own", month=month_name(item.month, context.lang))
    if paid_text is None:
        await query.answer(context.t("reminders.already_paid"), show_alert=True)
        return
    await query.answer()
    if message is not None:
        await replies.edit(message, Reply(message.text_html + "\n\n" + paid_text, ()))


# ---------------------------------------------------------------------------------------------- /pengingat
async def settings_card(context: BotContext, user_id: int) -> Reply:
    async with context.services.db.session() as session:
        user = await get_user(session, user_id)
        applications = [a for a in await enrollment.of_user(session, user_id) if a.status != enrollment.REJECTED]
        pledges = await pledge.active_pledge_count(session, user_id)
    hour = user.reminder_hour if user else DEFAULT_HOUR
    days = user.reminder_days_before if user else DEFAULT_DAYS_BEFORE
    enabled = user.reminders_enabled if user else True
    lines = [context.t("reminders.settings_title"),
             context.t("reminders.settings_state_on" if enabled else "reminders.settings_state_off"),
             context.t("reminders.settings_when", hour=f"{hour:02d}.00", days=days, timezone=context.timezone)]
    if pledges:
        lines.append(context.t("reminders.settings_pledges", count=pledges))
    if applications:
        lines.append(context.t("reminders.settings_own_on" if user and user.reminder_opt_in
                               else "reminders.settings_own_off"))
    elif not pledges:
        lines.append(context.t("reminders.settings_nothing"))
    buttons = [Button(("✓ " if h == hour else "") + f"{h:02d}.00", f"rp:hour:{h}") for h in HOUR_CHOICES]
    buttons += [Button(("✓ " if d == days else "") + context.t("reminders.days_option", days=d), f"rp:days:{d}")
                for d in DAYS_BEFORE_CHOICES]
    toggles = []
    if applications:
        on = bool(user and user.reminder_opt_in)
        toggles.append(Button(context.t("reminders.own_off_button" if on else "reminders.own_on_button"),
                              f"rp:own:{'off' if on else 'on'}"))
    toggles.append(Button(context.t("reminders.all_off_button" if enabled else "reminders.all_on_button"),
                          f"rp:all:{'off' if enabled else 'on'}"))
    return Reply("\n".join(lines), rows(buttons[:5], 5) + rows(buttons[5:], 4) + rows(toggles, 1))


async def show_settings(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await replies.send(context, update.effective_chat.id, await settings_card(context, update.effective_user.id))


async def setting_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, what, value = query.data.split(":")
    user_id = update.effective_user.id
    changes: dict = {}
    if what == "hour" and value.isdigit() and int(value) in HOUR_CHOICES:
        changes = {"reminder_hour": int(value)}
    elif what == "days" and value.isdigit() and int(value) in DAYS_BEFORE_CHOICES:
        changes = {"reminder_days_before": int(value)}
    elif what == "own" and value in ("on", "off"):
        changes = {"reminder_opt_in": value == "on"}
    elif what == "all" and value in ("on", "off"):
        changes = {"reminders_enabled": value == "on"}
    if not changes:
        await query.answer(context.t("fallback.stale_button"))
        return
    async with context.services.db.transaction() as session:
        await set_reminder_settings(session, user_id, **changes)
        if changes.get("reminders_enabled") is True:  # switching everything back on includes stopped pledges
            await pledge.resume_reminders(session, user_id)
    await _replan(context, user_id)
    await query.answer(context.t("reminders.saved"))
    message = replies.pressed_message(query)
    on_card = message is not None and message.reply_markup is not None and any(
        (button.callback_data or "").startswith("rp:hour") for row in message.reply_markup.inline_keyboard
        for button in row)
    card = await settings_card(context, user_id)  # the card is updated in place; from elsewhere it is sent anew
    await replies.show(context, update.effective_chat.id, card, replacing=message if on_card else None)


# ---------------------------------------------------------------------------------------------- /status
@admin_only("/status")
async def status_command(update: Update, context: BotContext) -> None:
    since = local_day_start(datetime.now(timezone.utc), context.services.settings.default_timezone)
    async with context.services.db.session() as session:
        counted = await reminder.counts(session, since)
        blocked_users = await count_blocked(session)
        # Rows our own errors parked (e.g. a key that cannot read the data): the reason is what an admin acts on.
        parked = [("⏰", reason, count) for reason, count in await reminder.parked_reasons(session)]
        parked += [("📣", reason, count) for reason, count in await broadcast.parked_reasons(session)]
    reasons = "".join(f"\n  {kind} {escape(reason)}: {count}" for kind, reason, count in parked)
    await update.effective_message.reply_text(context.t(
        "reminders.status", pending=counted["pending"], sent=counted["sent_today"], failed=counted["failed"],
        blocked=counted["blocked"], expired=counted["expired"], blocked_users=blocked_users,
        parked=sum(count for _, _, count in parked), parked_reasons=reasons,
        scheduler=context.t("reminders.status_scheduler_on" if _service(context) else "reminders.status_scheduler_off")))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("pengingat", show_settings, filters=filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("status", status_command))
    # Reminder ids are 32-bit integers in the database: a longer forged number must not reach a query.
    app.add_handler(CallbackQueryHandler(reminder_pressed, pattern=r"^r:(paid|later|stop):\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(setting_pressed, pattern=r"^rp:(hour|days):\d{1,2}$|^rp:(own|all):(on|off)$"))
