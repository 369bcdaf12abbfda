"""/siaran (admins): compose an announcement (formatted text, or one photo or document with a caption, and URL
buttons), choose the audience, see the count and an exact preview, confirm; then a progress message with pause,
resume and cancel. /siaran_list shows past broadcasts. Everyone can opt out with /berhenti_info (/terima_info
to opt in again). Sending itself is done by the scheduler's broadcast job (bot/jobs/broadcast_sender.py).

Callback data: `bcn:*` while composing, `bc:pause|resume|cancel:<id>` on the progress message.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.broadcasts.compose import KALIMANTAN, parse_buttons, parse_send_time
from bot.core.replies import Button, Reply, rows
from bot.jobs.broadcast_sender import progress_view, send_broadcast_message
from handlers import fallback, replies
from handlers.admin_guard import admin_only, refuse_non_admin
from handlers.context import BotApplication, BotContext
from models import broadcast as table
from models.base import utcnow
from models.flow import FlowState, claim_flow, current_flow, save_flow

log = logging.getLogger(__name__)
FLOW = "broadcast"


def _audience(values: dict) -> table.Audience:
    spec = values["audience"]
    return table.Audience(spec["kind"], spec.get("value"))


def _draft(values: dict) -> table.Broadcast:
    """An unsaved Broadcast with the composed content, for the preview."""
    import json

    return table.Broadcast(text_html=values.get("text", ""), media_kind=values.get("media_kind"),
                           media_file_id=values.get("file_id"), buttons=json.dumps(values.get("buttons", [])))


async def _save(context: BotContext, user_id: int, step: str, values: dict) -> None:
    async with context.services.db.transaction() as session:
        await save_flow(session, user_id, FLOW, step, values)


@admin_only("/siaran", private="records.private_only")
async def start(update: Update, context: BotContext) -> None:
    await _save(context, update.effective_user.id, "compose", {})
    await replies.send(context, update.effective_chat.id, Reply(context.t("siaran.ask_message"), rows(
        [Button(context.t("siaran.cancel"), "bcn:cancel")], 1)))


@admin_only("broadcast text")
async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """Text while composing (called by handlers.flows)."""
    message = update.effective_message
    values = state.values
    if state.step == "compose":
        values = {"text": message.text_html}
        await _ask_buttons(update, context, values)
    elif state.step == "buttons":
        buttons, reason = parse_buttons(message.text or "")
        if buttons is None:
            await message.reply_text(context.t(f"siaran.error_buttons_{reason}"))
            return
        await _ask_audience(update, context, {**values, "buttons": buttons})
    elif state.step == "when":
        moment, reason = parse_send_time(message.text or "", context.timezone, utcnow())
        if moment is None:
            await message.reply_text(context.t(f"siaran.error_time_{reason}"))
            return
        await _review(update, context, {**values, "when": moment.isoformat()})
    else:
        await message.reply_text(context.t("siaran.use_buttons"))


async def on_media(update: Update, context: BotContext) -> None:
    """A photo or document: the broadcast's media while composing; anything else as before."""
    async with context.services.db.session() as session:
        state = await current_flow(session, update.effective_user.id)
    if state is not None and state.flow == FLOW and await refuse_non_admin(update, context, "broadcast media"):
        return  # e.g. removed from ADMIN_IDS while composing: refused and logged, like their text
    if state is None or state.flow != FLOW or state.step != "compose" or not context.is_admin:
        await fallback.unsupported_message(update, context)
        return
    message = update.effective_message
    if message.photo:
        values = {"media_kind": "photo", "file_id": message.photo[-1].file_id, "text": message.caption_html or ""}
    else:
        values = {"media_kind": "document", "file_id": message.document.file_id, "text": message.caption_html or ""}
    await _ask_buttons(update, context, values)


async def _ask_buttons(update: Update, context: BotContext, values: dict) -> None:
    await _save(context, update.effective_user.id, "buttons", values)
    await replies.send(context, update.effective_chat.id, Reply(context.t("siaran.ask_buttons"), rows(
        [Button(context.t("siaran.no_buttons"), "bcn:nobuttons"), Button(context.t("siaran.cancel"), "bcn:cancel")],
        1)))


async def _ask_audience(update: Update, context: BotContext, values: dict) -> None:
    await _save(context, update.effective_user.id, "audience", values)
    choices = [Button(context.t(f"siaran.audience_{kind}"), f"bcn:aud:{kind}")
               for kind in ("everyone", "workers", "sponsors", "unpaid")]
    choices += [Button(name, f"bcn:aud:province:{code}") for code, name in KALIMANTAN.items()]
    choices += [Button(context.t("siaran.audience_language_id"), "bcn:aud:language:id"),
                Button(context.t("siaran.audience_language_en"), "bcn:aud:language:en")]
    await replies.send(context, update.effective_chat.id, Reply(context.t("siaran.ask_audience"),
                                                                rows(choices, 2) + rows(
                                                                    [Button(context.t("siaran.cancel"),
                                                                            "bcn:cancel")], 1)))


async def _review(update: Update, context: BotContext, values: dict) -> None:
    """The count, the exact preview, and the ways to send."""
    await _save(context, update.effective_user.id, "review", values)
    async with context.services.db.session() as session:
        count = await table.count_recipients(session, _audience(values))
    chat_id = update.effective_chat.id
    await context.bot.send_message(chat_id, context.t("siaran.preview_below"))
    try:
        await send_broadcast_message(context.bot, chat_id, _draft(values))
    except TelegramError as error:  # e.g. formatting Telegram refuses: tell the admin before anyone else sees it
        await context.bot.send_message(chat_id, context.t("siaran.preview_failed", error=type(error).__name__))
        return
    when = values.get("when")
    buttons = [Button(context.t("siaran.send_scheduled" if when else "siaran.send_now"), "bcn:send"),
               Button(context.t("siaran.send_paid"), "bcn:paid")]
    if not when:
        buttons.append(Button(context.t("siaran.schedule"), "bcn:schedule"))
    buttons.append(Button(context.t("siaran.cancel"), "bcn:cancel"))
    summary = context.t("siaran.review", count=count,
                        audience=describe_audience(context, _audience(values)),
                        when=when[:16].replace("T", " ") + " UTC" if when else context.t("siaran.now"))
    await replies.send(context, chat_id, Reply(summary, rows(buttons, 1)))


def describe_audience(context: BotContext, audience: table.Audience) -> str:
    if audience.kind == "province":
        return KALIMANTAN.get(audience.value or "", audience.value or "")
    if audience.kind == "language":
        return context.t(f"siaran.audience_language_{audience.value}")
    return context.t(f"siaran.audience_{audience.kind}")


@admin_only("bcn")
async def compose_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    user_id = update.effective_user.id
    state = await context.open_flow(user_id, FLOW)
    if state is None:
        key = "siaran.expired"
        if parts[1] in ("send", "paidok"):  # pressed again after it went through?
            async with context.services.db.session() as session:
                if await table.created_since(session, user_id, utcnow() - timedelta(minutes=30)):
                    key = "siaran.already_sent"
        await query.answer(context.t(key), show_alert=True)
        return
    values = state.values
    action = parts[1]
    if action == "cancel":
        async with context.services.db.transaction() as session:
            await claim_flow(session, user_id, FLOW)
        await query.answer(context.t("siaran.discarded"))
        return
    if action == "nobuttons" and state.step == "buttons":
        await query.answer()
        await _ask_audience(update, context, {**values, "buttons": []})
        return
    if action == "aud" and state.step == "audience":
        kind = parts[2]
        value = parts[3] if len(parts) > 3 else None
        if kind == "province" and value not in KALIMANTAN:
            await query.answer(context.t("fallback.stale_button"))
            return
        await query.answer()
        audience = {"kind": kind, "value": KALIMANTAN[value] if kind == "province" else value}
        await _review(update, context, {**values, "audience": audience})
        return
    if action == "schedule" and state.step == "review":
        await query.answer()
        await _save(context, user_id, "when", values)
        await context.bot.send_message(update.effective_chat.id, context.t("siaran.ask_time", timezone=context.timezone))
        return
    if action == "paid" and state.step == "review":
        await query.answer()
        await replies.send(context, update.effective_chat.id, Reply(context.t("siaran.paid_warning"), rows(
            [Button(context.t("siaran.paid_confirm"), "bcn:paidok"), Button(context.t("siaran.cancel"), "bcn:cancel")],
            1)))
        return
    if action in ("send", "paidok") and state.step == "review":
        await _confirm(update, context, values, paid=action == "paidok")
        return
    await query.answer(context.t("fallback.stale_button"))


async def _confirm(update: Update, context: BotContext, values: dict, *, paid: bool) -> None:
    from datetime import datetime

    query = update.callback_query
    user_id = update.effective_user.id
    when = datetime.fromisoformat(values["when"]) if values.get("when") else None
    async with context.services.db.transaction() as session:
        if not await claim_flow(session, user_id, FLOW):  # pressed twice: the first press created it
            item = None
        else:
            item = await table.create(session, user_id, _audience(values), text_html=values.get("text", ""),
                                      media_kind=values.get("media_kind"), media_file_id=values.get("file_id"),
                                      buttons=[tuple(b) for b in values.get("buttons", [])], paid=paid,
                                      scheduled_at=when)
    if item is None:
        await query.answer(context.t("siaran.already_sent"), show_alert=True)
        return
    await query.answer()
    log.info("broadcast %s confirmed for %d recipients", item.id, item.recipients)
    async with context.services.db.session() as session:
        figures = await table.figures(session, item.id)
    text, keyboard = progress_view(context.services.texts, item, figures, utcnow())
    progress = await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard)
    async with context.services.db.transaction() as session:
        await table.set_progress_message(session, item.id, progress.chat_id, progress.message_id)


@admin_only("bc")
async def control_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, action, broadcast_id = query.data.split(":")
    status = {"pause": table.PAUSED, "resume": table.SENDING, "cancel": table.CANCELLED}[action]
    async with context.services.db.transaction() as session:
        changed = await table.set_status(session, int(broadcast_id), status, update.effective_user.id)
    if not changed:
        await query.answer(context.t("broadcast.not_possible"), show_alert=True)
        return
    await query.answer(context.t({"pause": "broadcast.paused", "resume": "broadcast.resumed",
                                  "cancel": "broadcast.cancelled"}[action]))
    async with context.services.db.session() as session:
        item = await session.get(table.Broadcast, int(broadcast_id))
        figures = await table.figures(session, int(broadcast_id))
    text, keyboard = progress_view(context.services.texts, item, figures, utcnow())
    message = replies.pressed_message(query)
    if message is not None:
        try:
            await message.edit_text(text, reply_markup=keyboard)
        except TelegramError:
            pass


@admin_only("/siaran_list")
async def list_broadcasts(update: Update, context: BotContext) -> None:
    async with context.services.db.session() as session:
        items = await table.recent(session)
        lines = [context.t("broadcast.list_title")]
        for item in items:
            figures = await table.figures(session, item.id)
            lines.append(context.t("broadcast.list_line", id=item.id, status=item.status,
                                   audience=describe_audience(context, table.Audience(**item.audience_spec))
                                   if item.audience_spec else "-", sent=figures.sent, total=figures.recipients,
                                   failed=figures.failed, blocked=figures.blocked))
    if not items:
        lines.append(context.t("broadcast.list_empty"))
    await update.effective_message.reply_text("\n".join(lines))


async def opt_out(update: Update, context: BotContext) -> None:
    async with context.services.db.transaction() as session:
        await table.set_opt_out(session, update.effective_user.id, True)
    await update.effective_message.reply_text(context.t("broadcast.opted_out"))


async def opt_in(update: Update, context: BotContext) -> None:
    async with context.services.db.transaction() as session:
        await table.set_opt_out(session, update.effective_user.id, False)
    await update.effective_message.reply_text(context.t("broadcast.opted_in"))


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("siaran", start))
    app.add_handler(CommandHandler("siaran_list", list_broadcasts))
    app.add_handler(CommandHandler("berhenti_info", opt_out, filters=private))
    app.add_handler(CommandHandler("terima_info", opt_in, filters=private))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED & (filters.PHOTO | filters.Document.ALL),
                                   on_media))
    app.add_handler(CallbackQueryHandler(compose_pressed, pattern=r"^bcn:(cancel|nobuttons|schedule|paid|paidok|send"
                                                                  r"|aud:(everyone|workers|sponsors|unpaid)"
                                                                  r"|aud:province:\d{2}|aud:language:(id|en))$"))
    app.add_handler(CallbackQueryHandler(control_pressed, pattern=r"^bc:(pause|resume|cancel):\d{1,9}$"))
