"""Sponsors' invitation links: sending them to the sponsor to forward, and a worker opening one
(t.me/<bot>?start=inv_<token>), which claims it once, says who sponsors them and starts their enrollment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot.pledges.rules import invite_link, invite_token_from_payload
from bot.pledges.views import invitation_text
from handlers.context import BotContext
from handlers.enroll import start_enrollment
from models import enrollment, pledge_workers
from models.user import get_user


async def send_invitations(update: Update, context: BotContext, invitations: list) -> None:
    """One message per worker, easy to forward: the single-use link and how long it works."""
    username = context.bot.username
    for beneficiary, token, name in invitations:
        expires = beneficiary.invite_expires_at.astimezone(ZoneInfo(context.timezone)).date()
        text = invitation_text(beneficiary.position, name, beneficiary.occupation, invite_link(username, token),
                               expires, context.services.texts, context.lang)
        await context.bot.send_message(update.effective_chat.id, text)


async def open_invitation(update: Update, context: BotContext, payload: str) -> None:
    """A worker opened a sponsor's link: claim it (once), say who sponsors them, start their enrollment."""
    user_id = update.effective_user.id
    token = invite_token_from_payload(payload)
    if token is None:
        await update.effective_message.reply_text(context.t("invite.unknown"))
        return
    async with context.services.db.transaction() as session:
        invitation, reason = await pledge_workers.claim_invitation(session, token, user_id)
        sponsor = await get_user(session, invitation.pledge.sponsor_id) \
            if invitation and invitation.pledge.sponsor_id else None
        existing = [a for a in await enrollment.of_user(session, user_id) if a.status != enrollment.REJECTED] \
            if invitation else []
        if invitation and existing and invitation.beneficiary.application_id is None:
            await pledge_workers.link_application(session, invitation.beneficiary.id, user_id, existing[-1].id)
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
