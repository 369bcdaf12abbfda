"""Admins and the branch office's records: /pendaftaran (mark applications registered or rejected, the worker is
told), /ekspor (CSV as a document). Admin-only; everything is audited.

    /pendaftaran                                  applications waiting, with buttons
    /ekspor                                       buttons for the common exports
    /ekspor pendaftaran terdaftar 2026-11-01 2026-11-30
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core.formatting import month_name
from bot.core.identity import mask_kpj, mask_name
from bot.core.replies import Button, Reply, rows
from bot.pledges.sponsor_flow import occupation_label
from bot.reports.export import ExportError, ExportRequest, parse_request
from handlers import replies
from handlers.admin_guard import admin_only
from handlers.common import notify_user
from handlers.context import BotApplication, BotContext
from models import audit, enrollment, pledge_workers
from models.export import export_csv
from models.flow import FlowState, claim_flow, save_flow

log = logging.getLogger(__name__)
FLOW = "admin_application"
KPJ_PATTERN = re.compile(r"^\d{8,16}$")


@admin_only("/pendaftaran", private="records.private_only")
async def pending_applications(update: Update, context: BotContext) -> None:
    async with context.services.db.session() as session:
        waiting = await enrollment.submitted(session)
    if not waiting:
        await update.effective_message.reply_text(context.t("records.no_applications"))
        return
    cipher = context.services.cipher
    zone = ZoneInfo(context.services.settings.default_timezone)
    for application in waiting:
        text = context.t("records.application_line", id=application.id,
                         name=mask_name(cipher.decrypt(application.name_encrypted)),
                         occupation=occupation_label(application.occupation),
                         region=f"{application.regency}, {application.province}",
                         date=application.created_at.astimezone(zone).strftime("%d-%m-%Y"))
        await replies.send(context, update.effective_chat.id, Reply(text, rows([
            Button(context.t("records.register_button"), f"ap:reg:{application.id}"),
            Button(context.t("records.reject_button"), f"ap:rej:{application.id}")], 2)))
    await update.effective_message.reply_text(context.t("records.applications_footer"))


@admin_only("ap")
async def application_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, action, application_id = query.data.split(":")
    if action == "cancel":
        async with context.services.db.transaction() as session:
            await claim_flow(session, update.effective_user.id, FLOW)
        await query.answer(context.t("records.action_cancelled"))
        return
    async with context.services.db.session() as session:
        application = await session.get(enrollment.EnrollmentApplication, int(application_id))
    if application is None or application.status != enrollment.SUBMITTED:
        await query.answer(context.t("records.already_decided"), show_alert=True)
        return
    await query.answer()
    step = "kpj" if action == "reg" else "reason"
    async with context.services.db.transaction() as session:
        await save_flow(session, update.effective_user.id, FLOW, step, {"id": application.id})
    await replies.send(context, update.effective_chat.id, Reply(
        context.t(f"records.ask_{step}", id=application.id),
        rows([Button(context.t("records.cancel_button"), f"ap:cancel:{application.id}")], 1)))


@admin_only("admin_application text")
async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """The KPJ number or the reason an admin types after pressing a button (called by handlers.flows)."""
    text = " ".join((update.effective_message.text or "").split())
    application_id = int(state.values["id"])
    if state.step == "kpj":
        kpj = re.sub(r"[\s.\-]", "", text)
        if not KPJ_PATTERN.match(kpj):
            await update.effective_message.reply_text(context.t("records.error_kpj"))
            return
        status, extra = enrollment.REGISTERED, {"kpj_number": kpj}
    else:
        if not 3 <= len(text) <= 200:
            await update.effective_message.reply_text(context.t("records.error_reason"))
            return
        status, extra = enrollment.REJECTED, {"reason": text}
    async with context.services.db.transaction() as session:
        await claim_flow(session, update.effective_user.id, FLOW)
        changed = await enrollment.set_status(session, application_id, status, update.effective_user.id, **extra)
    if changed is None:
        await update.effective_message.reply_text(context.t("records.already_decided"))
        return
    await update.effective_message.reply_text(context.t(f"records.marked_{status}", id=application_id))
    if changed.user_id is not None:
        if status == enrollment.REGISTERED:
            told = await notify_user(context, changed.user_id, "enroll.now_registered", id=application_id,
                                     kpj=changed.kpj_number)
        else:
            told = await notify_user(context, changed.user_id, "enroll.now_rejected", id=application_id,
                                     reason=changed.reject_reason)
        if not told:
            await update.effective_message.reply_text(context.t("records.worker_not_told"))
    if status == enrollment.REGISTERED:
        await _tell_sponsor_of_registration(context, changed)


async def _tell_sponsor_of_registration(context: BotContext, application: enrollment.EnrollmentApplication) -> None:
    """A sponsor paying for this worker hears that the branch office registered them, and whether this month already
    protects them. The KPJ number is masked, unless the worker agreed (while enrolling through the invitation) to share
    it and their NIK so the sponsor can pay for them in JMO: then both, with the steps."""
    application_id, kpj = application.id or 0, application.kpj_number or ""
    async with context.services.db.session() as session:
        found = await pledge_workers.sponsorship_of_application(session, application_id)
    if found is None or found[0].pledge.sponsor_id is None:
        return
    sponsored, beneficiary = found
    name = context.services.cipher.decrypt(beneficiary.name_encrypted) if beneficiary.name_encrypted else ""
    today = context.today()
    protected = sponsored.worker_status(beneficiary, today) == "protected"
    following = sponsored.next_open
    shared = beneficiary.share_with_sponsor
    await notify_user(
        context, sponsored.pledge.sponsor_id, "pledges.worker_now_registered_shared" if shared
        else "pledges.worker_now_registered", id=sponsored.id,
        number=beneficiary.position, name=mask_name(name) if name else "-",
        occupation=occupation_label(beneficiary.occupation), kpj=kpj if shared else mask_kpj(kpj),
        nik=context.services.cipher.decrypt(application.nik_encrypted) if shared else "",
        when=lambda lang: context.services.texts.t(lang, "pledges.protected_now") if protected
        else context.services.texts.t(lang, "pledges.protected_after", month=month_name(
            following.month if following is not None else today.replace(day=1), lang)))


@admin_only("/ekspor", private="records.export_private_only")
async def export_command(update: Update, context: BotContext) -> None:
    if not context.args:
        await replies.send(context, update.effective_chat.id, Reply(context.t("records.export_choose"), rows([
            Button(context.t("records.export_new"), "x:applications:submitted"),
            Button(context.t("records.export_all_applications"), "x:applications:all"),
            Button(context.t("records.export_pledges"), "x:pledges:all"),
            Button(context.t("records.export_pledge_months"), "x:pledge_months:all"),
            Button(context.t("records.export_payments"), "x:payments:all")], 1)))
        return
    try:
        request = parse_request(list(context.args))
    except ExportError as error:
        await update.effective_message.reply_text(context.t(f"records.export_error_{error.code}"))
        return
    await _send_export(update, context, request)


@admin_only("x", private="records.export_private_only")
async def export_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, kind, status = query.data.split(":")
    await query.answer()
    await _send_export(update, context, ExportRequest(kind, None if status == "all" else status))


async def _send_export(update: Update, context: BotContext, request: ExportRequest) -> None:
    timezone = context.services.settings.default_timezone
    async with context.services.db.session() as session:
        content, count = await export_csv(session, context.services.cipher, request, timezone)
    async with context.services.db.transaction() as session:
        await audit.record(session, update.effective_user.id, "export", request.kind, status=request.status,
                           since=request.since, until=request.until, rows=count)
    today = datetime.now(ZoneInfo(timezone)).date()
    await context.bot.send_document(
        update.effective_chat.id, InputFile(content, filename=request.filename(today)),
        caption=context.t("records.export_caption", count=count), protect_content=True)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler(["pendaftaran", "applications"], pending_applications))  # private: see below
    app.add_handler(CommandHandler(["ekspor", "export"], export_command))
    app.add_handler(CallbackQueryHandler(application_pressed, pattern=r"^ap:(reg|rej|cancel):\d{1,9}$"))
    app.add_handler(CallbackQueryHandler(export_pressed, pattern=r"^x:(applications|pledges|pledge_months|payments):"
                                                                 r"(all|submitted)$"))
