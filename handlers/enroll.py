"""/daftar and "Daftar sebagai pekerja": the worker's enrollment, one step at a time (rules in bot.enrollment_flow).

The answers are kept sealed (encrypted) in models.flow between steps, so a restart loses nothing and the
database never holds a NIK in the clear. Submitting claims the flow row first: a second press finds nothing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.calendar import this_month
from bot.core.i18n import plain
from bot.core.replies import Button, Reply, rows
from bot.enrollment.flow import FLOW, EnrollmentFlow, Values, next_step
from handlers import flow_guard, replies
from handlers.context import BotApplication, BotContext
from handlers.start import MENU_ACTIONS
from models import enrollment, pledge
from models.base import utcnow
from models.discount import rules
from models.flow import FlowState, claim_flow, save_flow, unseal
from models.user import get_user

log = logging.getLogger(__name__)


def _flow(context: BotContext) -> EnrollmentFlow:
    return EnrollmentFlow(context.services.texts)


async def _save(context: BotContext, user_id: int, values: Values) -> None:
    async with context.services.db.transaction() as session:
        await save_flow(session, user_id, FLOW, next_step(values), values, cipher=context.services.cipher)


async def start_enrollment(update: Update, context: BotContext, *, sponsored: pledge.Invitation | None = None,
                           force: bool = False, skip_existing: bool = False) -> None:
    """Begin (or, from an invitation, begin with the sponsor's programs) a new application."""
    if not force and sponsored is None and await flow_guard.keeps_unfinished(update, context, "enroll"):
        return
    if update.callback_query:
        await update.callback_query.answer()
    user_id = update.effective_user.id
    chat_id = update.effective_chat.id
    if not (force or skip_existing) and sponsored is None:
        async with context.services.db.session() as session:
            existing = [a for a in await enrollment.of_user(session, user_id) if a.status != enrollment.REJECTED]
        if existing:
            latest = existing[-1]
            text = context.t("enroll.already_applied", id=latest.id,
                             status=context.t(f"enroll.status_{latest.status}"))
            await replies.send(context, chat_id, Reply(text, rows([
                Button(context.t("enroll.apply_again"), "e:new"),
                Button(context.t("mydata.button"), "my:show"),
                Button(context.t("menu.back"), "m:home")], 1)))
            return
    values: Values = {}
    if sponsored is not None:
        state = await context.open_flow(user_id, FLOW)
        if state is not None:  # the worker opened their link again mid-way: carry on where they were
            values = unseal(state, context.services.cipher)
            if values.get("beneficiary_id") == sponsored.beneficiary.id:
                await _show_next(update, context, values, edit=None)
                return
        values = {"programs": list(sponsored.pledge.program_list), "locked": ["programs"],
                  "beneficiary_id": sponsored.beneficiary.id, "pledge_id": sponsored.pledge.id}
    await _save(context, user_id, values)
    await replies.send(context, chat_id, _flow(context).prompt(next_step(values), values, context.lang))


async def _sponsor_name(context: BotContext, values: Values) -> str | None:
    if "pledge_id" not in values:
        return None
    async with context.services.db.session() as session:
        sponsored = await pledge.sponsorship_of(session, context.profile.telegram_id if context.profile else 0)
        sponsor = await get_user(session, sponsored.pledge.sponsor_id) if sponsored and sponsored.pledge.sponsor_id \
            else None
    return (sponsor.first_name if sponsor else "") or context.t("sponsor.anonymous")


async def _show_next(update: Update, context: BotContext, values: Values, *, edit: Message | None) -> None:
    user_id = update.effective_user.id
    await _save(context, user_id, values)
    step = next_step(values)
    flow = _flow(context)
    if step == "review":
        async with context.services.db.session() as session:
            discounts = await rules(session)
        reply = flow.review(values, discounts, this_month(context.timezone), context.lang,
                            sponsor=await _sponsor_name(context, values))
    else:
        reply = flow.prompt(step, values, context.lang)
    await replies.show(context, update.effective_chat.id, reply, replacing=edit)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """Typed text while the enrollment waits for an answer (called by handlers.flows)."""
    flow = _flow(context)
    values = unseal(state, context.services.cipher)
    step = next_step(values)
    if step == "review":
        await update.effective_message.reply_text(flow.error("use_buttons", context.lang))
        return
    values, error = flow.accept_text(step, values, update.effective_message.text or "", context.today())
    if error is not None:  # nothing is lost: only this answer is asked again
        await update.effective_message.reply_text(flow.error(error, context.lang))
        return
    await _show_next(update, context, values, edit=None)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    message = replies.pressed_message(query)
    user_id = update.effective_user.id
    if parts[1] == "new":
        await start_enrollment(update, context, skip_existing=True)
        return
    state = await context.open_flow(user_id, FLOW)
    if state is None:
        await _stale(update, context, parts)
        return
    flow = _flow(context)
    values = unseal(state, context.services.cipher)
    if parts[1] == "cancel":
        async with context.services.db.transaction() as session:
            await claim_flow(session, user_id, FLOW)
        await query.answer()
        if message is not None:
            await replies.edit(message, Reply(context.t("enroll.cancelled"), rows(
                [Button(context.t("menu.back"), "m:home")], 1)))
        return
    if parts[1] == "back":
        await query.answer()
        await _show_next(update, context, flow.back(values), edit=message)
        return
    if parts[1] == "edit":
        if next_step(values) != "review":
            await query.answer(plain(flow.error("stale", context.lang))[:200])
            return
        await query.answer()
        await _show_next(update, context, flow.edit(values, parts[2]), edit=message)
        return
    if parts[1] == "submit":
        await _submit(update, context, values, message)
        return
    values, error = flow.accept_choice(next_step(values), values, parts[1], parts[2] if len(parts) > 2 else "")
    if error is not None:
        await query.answer(plain(flow.error(error, context.lang))[:200], show_alert=error == "declined")
        return
    await query.answer()
    await _show_next(update, context, values, edit=message)


async def _stale(update: Update, context: BotContext, parts: list[str]) -> None:
    query = update.callback_query
    if parts[1] == "submit":  # pressed again after it went through: say so, record nothing
        async with context.services.db.session() as session:
            mine = await enrollment.of_user(session, update.effective_user.id)
        recent = [a for a in mine if a.created_at >= utcnow() - timedelta(minutes=30)]
        await query.answer(context.t("enroll.already_sent", id=recent[-1].id) if recent
                           else context.t("enroll.expired"), show_alert=True)
        return
    await query.answer(context.t("fallback.stale_button"))


async def _submit(update: Update, context: BotContext, values: Values, message: Message | None) -> None:
    query = update.callback_query
    user_id = update.effective_user.id
    flow = _flow(context)
    if next_step(values) != "review":
        await query.answer(plain(flow.error("stale", context.lang))[:200])
        return
    details = enrollment.ApplicantDetails(
        name=values["name"], nik=values["nik"], birth_date=date.fromisoformat(values["birth_date"]),
        phone=values["phone"], occupation=values["occupation"], transport=bool(values.get("transport")),
        province=values["province"], regency=values["regency"], income=int(values["income"]),
        programs=tuple(values["programs"]))
    try:
        application, duplicate = await _store(context, user_id, values, details)
    except IntegrityError:  # someone submitted the same NIK in the same instant; nothing was stored
        application, duplicate = None, "other"
    if duplicate is not None:  # the answers stay: the user can correct the NIK or ask the branch office
        await query.answer()
        await replies.send(context, update.effective_chat.id, Reply(
            context.t("enroll.duplicate_nik_own", status=context.t(f"enroll.status_{duplicate}"))
            if duplicate != "other" else context.t("enroll.duplicate_nik"),
            rows([Button(context.t("enroll.edit_nik"), "e:edit:nik"), Button(context.t("enroll.cancel"), "e:cancel")],
                 1)))
        return
    if application is None:
        await _stale(update, context, ["e", "submit"])
        return
    await query.answer()
    log.info("enrollment application %s submitted", application.id)
    if message is not None:  # keep the reviewed text, drop its buttons
        await replies.edit(message, Reply(message.text_html or "", ()))
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("enroll.submitted", id=application.id),
        rows([Button(context.t("enroll.remind_me"), "rp:own:on"), Button(context.t("mydata.button"), "my:show"),
              Button(context.t("menu.back"), "m:home")], 1)))
    await _tell_support_chat(context, application)


async def _store(context: BotContext, user_id: int, values: Values, details: enrollment.ApplicantDetails,
                 ) -> tuple[enrollment.EnrollmentApplication | None, str | None]:
    """(application, None) when stored; (None, status or "other") for a NIK already applied for; (None, None)
    when the flow was already claimed by an earlier press."""
    cipher = context.services.cipher
    async with context.services.db.transaction() as session:
        existing = await enrollment.find_by_nik(session, cipher, details.nik)
        if existing is not None:  # someone else's application: say nothing about how far it got
            return None, existing.status if existing.user_id == user_id else "other"
        if not await claim_flow(session, user_id, FLOW):
            return None, None
        application = await enrollment.submit(session, cipher, user_id, details)
        beneficiary_id = values.get("beneficiary_id")
        if beneficiary_id is None:  # sponsored, but the flow was restarted from /daftar: still link it
            sponsored = await pledge.sponsorship_of(session, user_id)
            if sponsored is not None and sponsored.beneficiary.application_id is None:
                beneficiary_id = sponsored.beneficiary.id
        if beneficiary_id is not None:
            await pledge.link_application(session, int(beneficiary_id), user_id, application.id)
        return application, None


async def _tell_support_chat(context: BotContext, application: enrollment.EnrollmentApplication) -> None:
    """The branch team hears of a new application without any personal data in the group."""
    chat = context.services.settings.support_chat_id
    if chat is None:
        return
    try:
        await context.bot.send_message(chat, context.services.texts.t(
            "id", "records.new_application", id=application.id, province=application.province,
            regency=application.regency))
    except TelegramError as error:
        log.warning("could not tell the support chat about an application: %s", type(error).__name__)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("daftar", start_enrollment, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^e:(occ:[a-z]{1,12}|prov:\d{2}|prog:(min|jht)"
                                                            r"|consent:(yes|no)|edit:[a-z_]{1,12}|back|cancel"
                                                            r"|submit|new)$"))
    MENU_ACTIONS["enroll"] = start_enrollment
    flow_guard.STARTERS["enroll"] = lambda update, context, _: start_enrollment(update, context, force=True)
    flow_guard.RESUMERS[FLOW] = lambda update, context, state: _show_next(
        update, context, unseal(state, context.services.cipher), edit=None)
