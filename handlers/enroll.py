"""/daftar and "Daftar sebagai pekerja": the worker's enrollment, one step at a time (rules in bot/enrollment/flow.py).

The answers are kept sealed (encrypted) in models.flow between steps, so a restart loses nothing and the
database never holds a NIK in the clear. Submitting claims the flow row first: a second press finds nothing.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.calendar import this_month
from bot.core.conversation import Values
from bot.core.i18n import plain
from bot.core.replies import Button, Reply, rows
from bot.enrollment.flow import FLOW, EnrollmentFlow, next_step
from handlers import replies
from handlers.common import tell_support_chat
from handlers.context import BotApplication, BotContext
from handlers.conversation import Conversation, keeps_unfinished
from handlers.pledge_income import ask_sponsor_about_income
from handlers.reminders import plan_for
from models import enrollment, pledge_workers
from models.discount import rules
from models.flow import claim_flow, unseal
from models.user import get_user

log = logging.getLogger(__name__)


class EnrollConversation(Conversation):
    async def restart(self, update: Update, context: BotContext) -> None:
        await start_enrollment(update, context, skip_existing=True)

    def can_edit(self, values: Values) -> bool:
        return next_step(values) == "review"  # one field is corrected from the review, not mid-way

    async def render(self, update: Update, context: BotContext, values: Values) -> Reply:
        if next_step(values) != "review":
            return await super().render(update, context, values)
        async with context.services.db.session() as session:
            discounts = await rules(session)
        return self.flow(context).review(values, discounts, this_month(context.timezone), context.lang,
                                         sponsor=await _sponsor_name(context, values))

    async def made_since(self, session: AsyncSession, user_id: int, since: datetime) -> int | None:
        recent = [a for a in await enrollment.of_user(session, user_id) if a.created_at >= since]
        return recent[-1].id if recent else None

    async def finish(self, update: Update, context: BotContext, values: Values, message: Message | None) -> None:
        await _submit(update, context, values, message)


CONVERSATION = EnrollConversation(EnrollmentFlow, sealed=True, guarded=True, confirm_action="submit",
                                  restart_action="new", home_after_cancel=True, alert_errors=frozenset({"declined"}),
                                  expired_key="enroll.expired", done_key="enroll.already_sent")


async def start_enrollment(update: Update, context: BotContext, *, sponsored: pledge_workers.Invitation | None = None,
                           force: bool = False, skip_existing: bool = False) -> None:
    """Begin (or, from an invitation, begin with the sponsor's programs) a new application."""
    if not force and sponsored is None and await keeps_unfinished(update, context, "enroll"):
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
                await CONVERSATION.show_next(update, context, values, edit=None)
                return
        values = {"programs": list(sponsored.pledge.program_list), "locked": ["programs"],
                  "beneficiary_id": sponsored.beneficiary.id, "pledge_id": sponsored.pledge.id}
    await CONVERSATION.show_next(update, context, values, edit=None)


async def start_new(update: Update, context: BotContext, _argument: str = "") -> None:
    await start_enrollment(update, context, force=True)


async def _sponsor_name(context: BotContext, values: Values) -> str | None:
    if "pledge_id" not in values:
        return None
    async with context.services.db.session() as session:
        sponsored = await pledge_workers.sponsorship_of(session, context.profile.telegram_id if context.profile else 0)
        sponsor = await get_user(session, sponsored.pledge.sponsor_id) if sponsored and sponsored.pledge.sponsor_id \
            else None
    return (sponsor.first_name if sponsor else "") or context.t("sponsor.anonymous")


async def _submit(update: Update, context: BotContext, values: Values, message: Message | None) -> None:
    query = update.callback_query
    user_id = update.effective_user.id
    if next_step(values) != "review":
        await query.answer(plain(CONVERSATION.flow(context).error("stale", context.lang))[:200])
        return
    details = enrollment.ApplicantDetails(
        name=values["name"], nik=values["nik"], birth_date=date.fromisoformat(values["birth_date"]),
        phone=values["phone"], occupation=values["occupation"], transport=bool(values.get("transport")),
        province=values["province"], regency=values["regency"], income=int(values["income"]),
        programs=tuple(values["programs"]), province_code=values.get("province_code"),
        regency_code=values.get("regency_code"))
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
    if application is None:  # an earlier press went through a moment ago
        await CONVERSATION.pressed_again(update, context)
        return
    await query.answer()
    log.info("enrollment application %s submitted", application.id)
    if values.get("beneficiary_id") is not None or values.get("pledge_id") is not None:
        await plan_for(context, user_id)  # a sponsored worker hears when the sponsor's months end
    await ask_sponsor_about_income(context, application.id or 0)  # when sponsored, above the minimum
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
            sponsored = await pledge_workers.sponsorship_of(session, user_id)
            if sponsored is not None and sponsored.beneficiary.application_id is None:
                beneficiary_id = sponsored.beneficiary.id
        if beneficiary_id is not None:
            await pledge_workers.link_application(session, int(beneficiary_id), user_id, application.id,
                                          share_with_sponsor=values.get("share") is True)
        return application, None


async def _tell_support_chat(context: BotContext, application: enrollment.EnrollmentApplication) -> None:
    """The branch team hears of a new application without any personal data in the group."""
    await tell_support_chat(context, Reply(context.services.texts.t(
        "id", "records.new_application", id=application.id, province=application.province,
        regency=application.regency), ()), "an application")


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("daftar", start_enrollment, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(CONVERSATION.on_button, pattern=r"^e:(occ:[a-z]{1,12}|reg:(nik|other)"
                                                                         r"|prov:\d{2}|regc:\d{4}"
                                                                         r"|prog:(min|jht)|consent:(yes|no)"
                                                                         r"|share:(yes|no)"
                                                                         r"|edit:[a-z_]{1,12}|back|cancel|submit|new)$"))
