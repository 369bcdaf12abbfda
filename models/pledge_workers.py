"""The workers' side of a pledge: the invitation each worker opens (once), their enrollment linked to the pledge,
their agreement to share their numbers with the sponsor, and the income the sponsor pays on for them (the minimum,
or the income the worker declared, if the sponsor follows it). The tables are in models/pledge.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.contributions.rules import MINIMUM_INCOME, Discount
from bot.pledges.rules import (
    INVITE_LIFETIME,
    PledgeError,
    invite_hash,
    month_amounts,
    new_invite_token,
    repricing_from,
)
from models import audit
from models.base import utcnow
from models.enrollment import EnrollmentApplication
from models.pledge import (
    ACTIVE,
    MONTH_DUE,
    RENEW_AFTER,
    Pledge,
    PledgeBeneficiary,
    PledgeMonth,
    PledgeOverview,
    PledgeWorkerMonth,
    overview,
    owned,
    sponsored_worker,
)

INCOME_FOLLOW, INCOME_MINIMUM = "follow", "minimum"


@dataclass(frozen=True)
class Invitation:
    beneficiary: PledgeBeneficiary
    pledge: Pledge


async def claim_invitation(session: AsyncSession, token: str, user_id: int) -> tuple[Invitation | None, str | None]:
    """The worker who opens an invitation link claims it, once. Returns (invitation, None), or (None, reason) with
    reason one of: unknown, expired, used, own (the sponsor opened their own link), cancelled.
    Opening one's own claimed invitation again is allowed (to continue enrolling)."""
    hashed = invite_hash(token)
    beneficiary = (await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.invite_hash == hashed))).first()
    if beneficiary is None:
        return None, "unknown"
    pledge = await session.get(Pledge, beneficiary.pledge_id)
    if pledge is None or pledge.status != ACTIVE:
        return None, "cancelled"
    if beneficiary.worker_user_id is not None:
        return (Invitation(beneficiary, pledge), None) if beneficiary.worker_user_id == user_id else (None, "used")
    if pledge.sponsor_id == user_id:
        return None, "own"
    # One worker holds one place in a pledge: a second link of the same pledge leaves it for someone else.
    held = (await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge.id,
                                                               PledgeBeneficiary.worker_user_id == user_id))).first()
    if held is not None:
        return Invitation(held, pledge), None
    now = utcnow()
    if beneficiary.invite_expires_at is None or beneficiary.invite_expires_at <= now:
        return None, "expired"
    # The claim itself is one conditional UPDATE, so two people opening the link at once cannot both get it.
    result = await session.exec(
        update(PledgeBeneficiary)
        .where(PledgeBeneficiary.id == beneficiary.id, col(PledgeBeneficiary.invite_used_at).is_(None))
        .values(invite_used_at=now, worker_user_id=user_id))
    if not result.rowcount:
        return None, "used"
    await session.refresh(beneficiary)
    return Invitation(beneficiary, pledge), None


async def renew_invitations(session: AsyncSession, pledge_id: int, sponsor_id: int) -> list[tuple[PledgeBeneficiary, str]]:
    """New links for workers who have not opened theirs yet (earlier links stop working)."""
    pledge = await owned(session, pledge_id, sponsor_id)
    if pledge is None:
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    renewed = []
    expires = utcnow() + INVITE_LIFETIME
    beneficiaries = (await session.exec(
        select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge_id,
                                        col(PledgeBeneficiary.worker_user_id).is_(None))
        .order_by(PledgeBeneficiary.position))).all()
    # Links issued minutes ago may already be forwarded; a double press must not silently replace them.
    if any(b.invite_expires_at and b.invite_expires_at > expires - RENEW_AFTER for b in beneficiaries):
        raise PledgeError("recent")
    for beneficiary in beneficiaries:
        token = new_invite_token()
        beneficiary.invite_hash, beneficiary.invite_expires_at = invite_hash(token), expires
        session.add(beneficiary)
        renewed.append((beneficiary, token))
    await session.flush()
    return renewed


async def sponsorship_of(session: AsyncSession, user_id: int) -> Invitation | None:
    """The active pledge a worker has claimed an invitation to, if any (the latest)."""
    row = (await session.exec(
        select(PledgeBeneficiary, Pledge).join(Pledge, Pledge.id == PledgeBeneficiary.pledge_id)
        .where(PledgeBeneficiary.worker_user_id == user_id, Pledge.status == ACTIVE)
        .order_by(col(PledgeBeneficiary.id).desc()).limit(1))).first()
    return Invitation(*row) if row else None


async def link_application(session: AsyncSession, beneficiary_id: int, user_id: int, application_id: int, *,
                           share_with_sponsor: bool = False) -> None:
    await session.exec(update(PledgeBeneficiary)
                       .where(PledgeBeneficiary.id == beneficiary_id, PledgeBeneficiary.worker_user_id == user_id)
                       .values(application_id=application_id, share_with_sponsor=share_with_sponsor))


async def sponsorship_of_application(session: AsyncSession, application_id: int,
                                     ) -> tuple[PledgeOverview, PledgeBeneficiary] | None:
    """The active pledge whose worker applied with this application, and that worker: the sponsor to tell."""
    found = (await session.exec(
        select(PledgeBeneficiary, Pledge).join(Pledge, Pledge.id == PledgeBeneficiary.pledge_id)
        .where(PledgeBeneficiary.application_id == application_id, Pledge.status == ACTIVE))).first()
    if found is None:
        return None
    beneficiary, pledge = found
    return await overview(session, pledge), beneficiary


async def stop_sharing(session: AsyncSession, user_id: int) -> bool:
    """The worker withdraws their agreement that the sponsor may see their NIK and KPJ number; True when it was on."""
    result = await session.exec(update(PledgeBeneficiary).where(PledgeBeneficiary.worker_user_id == user_id,
                                                                col(PledgeBeneficiary.share_with_sponsor).is_(True))
                                .values(share_with_sponsor=False))
    return bool(result.rowcount)


# ---------------------------------------------------------------------------------------------- the income followed
@dataclass(frozen=True)
class IncomeQuestion:
    """A sponsored worker declared more than the minimum: the sponsor is asked whether to follow it."""

    overview: PledgeOverview
    beneficiary: PledgeBeneficiary
    income: int


async def income_to_ask(session: AsyncSession, application_id: int) -> IncomeQuestion | None:
    """The question for the sponsor when this application's worker is sponsored, declared an income above the
    minimum, and the sponsor has not answered for them yet; None otherwise."""
    application = await session.get(EnrollmentApplication, application_id)
    if application is None or application.income <= MINIMUM_INCOME:
        return None
    found = await sponsorship_of_application(session, application_id)
    if found is None:
        return None
    sponsored, beneficiary = found
    if beneficiary.income_choice is not None or sponsored.pledge.sponsor_id is None:
        return None
    return IncomeQuestion(sponsored, beneficiary, application.income)


async def choose_income(session: AsyncSession, beneficiary_id: int, sponsor_id: int, choice: str, income: int,
                        today: date, discounts: Sequence[Discount]) -> tuple[PledgeBeneficiary, int]:
    """Record the sponsor's answer for one worker, once; following the income re-prices that worker's parts of the
    months from bot.pledges.rules.repricing_from on that nothing has been paid toward yet (with the discounts in
    force), and the months' totals with them. Returns the worker and how many months changed. Raises PledgeError:
    not_yours (someone else's worker or an unknown id), cancelled, decided (answered already), changed (the worker's
    income is no longer `income`)."""
    beneficiary = await session.get(PledgeBeneficiary, beneficiary_id, with_for_update=True)
    pledge = await owned(session, beneficiary.pledge_id, sponsor_id, for_update=True) if beneficiary else None
    if beneficiary is None or pledge is None or choice not in (INCOME_FOLLOW, INCOME_MINIMUM):
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    if beneficiary.income_choice is not None:
        raise PledgeError("decided")
    application = await session.get(EnrollmentApplication, beneficiary.application_id or 0)
    if application is None or application.income != income or income <= MINIMUM_INCOME:
        raise PledgeError("changed")
    beneficiary.income_choice = choice
    changed = 0
    if choice == INCOME_FOLLOW:
        beneficiary.priced_income = income
        changed = await _reprice(session, pledge, beneficiary, repricing_from(today, pledge.first_month), discounts)
    session.add(beneficiary)
    await audit.record(session, sponsor_id, f"pledge.income_{choice}", f"pledge:{pledge.id}",
                       worker=beneficiary.position, months=changed)
    await session.flush()
    return beneficiary, changed


async def _reprice(session: AsyncSession, pledge: Pledge, beneficiary: PledgeBeneficiary, from_month: date,
                   discounts: Sequence[Discount]) -> int:
    rows = (await session.exec(
        select(PledgeWorkerMonth, PledgeMonth).join(PledgeMonth, PledgeMonth.id == PledgeWorkerMonth.month_id)
        .where(PledgeWorkerMonth.beneficiary_id == beneficiary.id, PledgeMonth.status == MONTH_DUE,
               PledgeWorkerMonth.amount_paid == 0, PledgeMonth.month >= from_month)
        .order_by(PledgeMonth.month).with_for_update())).all()
    if not rows:
        return 0
    first, last = rows[0][1].month, rows[-1][1].month
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    prices = {line.month: line for line in month_amounts([sponsored_worker(beneficiary)], pledge.program_list,
                                                         first, count, discounts)}
    for part, month in rows:
        price = prices[month.month]
        month.amount_due += price.amount - part.amount_due
        part.amount_due, part.discount = price.amount, price.discount
        session.add_all([part, month])
    return len(rows)
