"""Sponsor pledges: who pays for which workers, each month as a row, and the payments recorded against them.

Tables:
- pledges: one per confirmed pledge (sponsor, months or open-ended, programs, status active/cancelled).
- pledge_beneficiaries: the workers of a pledge; name and phone encrypted; a hashed single-use invitation.
- pledge_months: one row per pledge and month with the amount due, the amount paid and a status, so reminders and
  reports read straight from the table.
- pledge_payments: what the sponsor says they paid (amount, date, reference), applied to the oldest unpaid months;
  an admin verifies or rejects it (with a reason); a rejected payment no longer counts.
- pledge_payment_allocations: what each payment put on each month, so a rejected payment comes off exactly those.

When a sponsor deletes their data the pledge stays with its amounts and payments, without the sponsor's id, the
workers' names and phones, or payment references (totals remain true).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Integer, Text, UniqueConstraint, update
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.contributions.rules import Discount
from bot.core.calendar import add_months, due_date, months_from_to
from bot.core.crypto import PersonalDataCipher
from bot.pledges.payments import MonthPayment, UnpaidMonth, allocate_payment, check_amount
from bot.pledges.rules import (
    INVITE_LIFETIME,
    ONGOING,
    PledgeError,
    SponsoredWorker,
    invite_hash,
    month_amounts,
    new_invite_token,
    planned_months,
)
from bot.pledges.worker_status import PaidMonth, overdue_in_a_row, worker_status
from models import reminder
from models.base import UTCDateTime, utcnow
from models.enrollment import EnrollmentApplication

ACTIVE, CANCELLED = "active", "cancelled"
RENEW_AFTER = timedelta(minutes=10)  # invitations can be re-issued this long after the last ones
MONTH_DUE, MONTH_PAID, MONTH_CANCELLED = "due", "paid", "cancelled"
PAYMENT_UNVERIFIED, PAYMENT_VERIFIED, PAYMENT_REJECTED = "unverified", "verified", "rejected"


class Pledge(SQLModel, table=True):
    __tablename__ = "pledges"

    id: int | None = Field(default=None, primary_key=True)
    sponsor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    status: str = Field(default=ACTIVE, max_length=16, index=True)
    months: int  # 1, 3, 6, 12, or 0 for "every month until stopped"
    first_month: date = Field(sa_column=Column(Date, nullable=False))
    programs: str = Field(max_length=32)  # "jkk,jkm" or "jkk,jkm,jht"
    worker_count: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    reminders_off: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})

    @property
    def program_list(self) -> tuple[str, ...]:
        return tuple(p for p in self.programs.split(",") if p)


class PledgeBeneficiary(SQLModel, table=True):
    __tablename__ = "pledge_beneficiaries"

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(sa_column=Column(Integer, ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False,
                                            index=True))
    position: int
    name_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    phone_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    occupation: str = Field(max_length=64)
    transport: bool = Field(default=False)
    invite_hash: str | None = Field(default=None, max_length=64, unique=True)
    invite_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    invite_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    worker_user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    application_id: int | None = Field(default=None, nullable=True)
    # The worker agreed, while enrolling, that the sponsor may see their NIK and KPJ number (to pay in JMO).
    share_with_sponsor: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class PledgeMonth(SQLModel, table=True):
    __tablename__ = "pledge_months"
    __table_args__ = (UniqueConstraint("pledge_id", "month", name="uq_pledge_months_pledge_month"),)

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(sa_column=Column(Integer, ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False,
                                            index=True))
    month: date = Field(sa_column=Column(Date, nullable=False))
    due_date: date = Field(sa_column=Column(Date, nullable=False, index=True))
    amount_due: int
    amount_paid: int = Field(default=0)
    status: str = Field(default=MONTH_DUE, max_length=16, index=True)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class PledgePayment(SQLModel, table=True):
    __tablename__ = "pledge_payments"

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(sa_column=Column(Integer, ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False,
                                            index=True))
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    amount: int
    paid_on: date = Field(sa_column=Column(Date, nullable=False))
    reference: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    verified_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    rejected_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reject_reason: str | None = Field(default=None, max_length=200)

    @property
    def status(self) -> str:
        """unverified, verified or rejected (bot/reports/export.py writes them in Indonesian)."""
        return PAYMENT_REJECTED if self.rejected_at else PAYMENT_VERIFIED if self.verified_at else PAYMENT_UNVERIFIED


class PledgePaymentAllocation(SQLModel, table=True):
    """The part of one payment put on one pledge month."""

    __tablename__ = "pledge_payment_allocations"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_payments.id", ondelete="CASCADE"),
                                             nullable=False, index=True))
    month_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_months.id", ondelete="CASCADE"),
                                           nullable=False, index=True))
    amount: int


@dataclass(frozen=True)
class WorkerDetails:
    """A worker as the sponsor describes them; name and phone are encrypted on the way in."""

    name: str
    occupation: str
    transport: bool
    phone: str | None


@dataclass
class PledgeOverview:
    """A pledge with its workers and months, read once for /janji and the exports."""

    pledge: Pledge
    beneficiaries: list[PledgeBeneficiary]
    months: list[PledgeMonth]
    verified_months: frozenset[int] = frozenset()  # months paid only by payments an admin verified
    application_statuses: dict[int, str] = field(default_factory=dict)  # the workers' applications, by id

    def overdue_months(self, today: date) -> int:
        return overdue_in_a_row(self._paid_months(), today)

    def _paid_months(self) -> list[PaidMonth]:
        return [PaidMonth(m.month, m.due_date, m.status == MONTH_PAID, m.id in self.verified_months)
                for m in self.months if m.status != MONTH_CANCELLED]

    def worker_status(self, beneficiary: PledgeBeneficiary, today: date) -> str:
        """Where this worker stands (bot/pledges/worker_status.py): invited ... protected, lapsing, inactive."""
        return worker_status(opened=beneficiary.worker_user_id is not None,
                             application_status=self.application_statuses.get(beneficiary.application_id or 0),
                             months=self._paid_months(), today=today)

    @property
    def id(self) -> int:
        assert self.pledge.id is not None
        return self.pledge.id

    @property
    def paid_months(self) -> int:
        return sum(1 for m in self.months if m.status == MONTH_PAID)

    @property
    def open_months(self) -> list[PledgeMonth]:
        return [m for m in self.months if m.status == MONTH_DUE]

    @property
    def outstanding(self) -> int:
        return sum(m.amount_due - m.amount_paid for m in self.open_months)

    @property
    def total_due(self) -> int:
        return sum(m.amount_due for m in self.months if m.status != MONTH_CANCELLED)

    @property
    def total_paid(self) -> int:
        return sum(m.amount_paid for m in self.months)

    @property
    def next_open(self) -> PledgeMonth | None:
        return self.open_months[0] if self.open_months else None


def _workers(beneficiaries: Sequence[PledgeBeneficiary]) -> list[SponsoredWorker]:
    return [SponsoredWorker(b.occupation, b.transport) for b in beneficiaries]


async def _add_months(session: AsyncSession, pledge: Pledge, workers: Sequence[SponsoredWorker], first: date,
                      count: int, discounts: Sequence[Discount]) -> None:
    for line in month_amounts(workers, pledge.program_list, first, count, discounts):
        session.add(PledgeMonth(pledge_id=pledge.id, month=line.month, due_date=due_date(line.month),
                                amount_due=line.amount))


async def create_pledge(session: AsyncSession, cipher: PersonalDataCipher, sponsor_id: int,
                        workers: Sequence[WorkerDetails], *, months: int, programs: Sequence[str], first_month: date,
                        current_month: date, discounts: Sequence[Discount]) -> tuple[Pledge, list[tuple[PledgeBeneficiary, str]]]:
    """Record a confirmed pledge with its months; returns it and each worker's one-time invitation token."""
    pledge = Pledge(sponsor_id=sponsor_id, months=months, first_month=first_month, programs=",".join(programs),
                    worker_count=len(workers))
    session.add(pledge)
    await session.flush()
    invitations = []
    expires = utcnow() + INVITE_LIFETIME
    for position, worker in enumerate(workers, start=1):
        token = new_invite_token()
        beneficiary = PledgeBeneficiary(
            pledge_id=pledge.id, position=position, name_encrypted=cipher.encrypt(worker.name),
            phone_encrypted=cipher.encrypt(worker.phone) if worker.phone else None, occupation=worker.occupation[:64],
            transport=worker.transport, invite_hash=invite_hash(token), invite_expires_at=expires)
        session.add(beneficiary)
        invitations.append((beneficiary, token))
    count = planned_months(months, first_month, current_month)
    await _add_months(session, pledge, [SponsoredWorker(w.occupation, w.transport) for w in workers], first_month,
                      count, discounts)
    await session.flush()
    return pledge, invitations


async def overview(session: AsyncSession, pledge: Pledge) -> PledgeOverview:
    beneficiaries = list((await session.exec(
        select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge.id)
        .order_by(PledgeBeneficiary.position))).all())
    months = list((await session.exec(
        select(PledgeMonth).where(PledgeMonth.pledge_id == pledge.id).order_by(PledgeMonth.month))).all())
    # A month counts as verified when it is paid and every payment toward it was verified (none waits or was
    # rejected: a rejected one no longer has allocations).
    paid_by = (await session.exec(
        select(PledgePaymentAllocation.month_id, PledgePayment.verified_at)
        .join(PledgePayment, PledgePayment.id == PledgePaymentAllocation.payment_id)
        .where(col(PledgePaymentAllocation.month_id).in_([m.id for m in months if m.status == MONTH_PAID])))).all()
    unverified = {month_id for month_id, verified_at in paid_by if verified_at is None}
    verified = frozenset(month_id for month_id, _ in paid_by if month_id not in unverified)
    application_ids = [b.application_id for b in beneficiaries if b.application_id is not None]
    statuses = dict((await session.exec(
        select(EnrollmentApplication.id, EnrollmentApplication.status)
        .where(col(EnrollmentApplication.id).in_(application_ids)))).all()) if application_ids else {}
    return PledgeOverview(pledge, beneficiaries, months, verified, statuses)


async def pledges_of(session: AsyncSession, sponsor_id: int) -> list[PledgeOverview]:
    pledges = (await session.exec(
        select(Pledge).where(Pledge.sponsor_id == sponsor_id).order_by(col(Pledge.id).desc()))).all()
    return [await overview(session, p) for p in pledges]


async def recorded_since(session: AsyncSession, sponsor_id: int, since: datetime) -> bool:
    """Did this sponsor confirm a pledge since `since`? (Tells a repeated "confirm" from an expired one.)"""
    return (await session.exec(select(Pledge.id).where(Pledge.sponsor_id == sponsor_id, Pledge.created_at >= since)
                               .limit(1))).first() is not None


async def payment_recorded_since(session: AsyncSession, sponsor_id: int, since: datetime) -> bool:
    return (await session.exec(select(PledgePayment.id).where(PledgePayment.recorded_by == sponsor_id,
                                                              PledgePayment.created_at >= since).limit(1))
            ).first() is not None


async def owned(session: AsyncSession, pledge_id: int, sponsor_id: int, *, for_update: bool = False) -> Pledge | None:
    """The pledge when `sponsor_id` owns it; None for someone else's pledge or an unknown id."""
    statement = select(Pledge).where(Pledge.id == pledge_id, Pledge.sponsor_id == sponsor_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def keep_ongoing_planned(session: AsyncSession, pledge: Pledge, current_month: date,
                               discounts: Sequence[Discount]) -> int:
    """An open-ended pledge keeps months planned ahead of today; returns how many rows were added."""
    if pledge.months != ONGOING or pledge.status != ACTIVE:
        return 0
    last = (await session.exec(select(PledgeMonth.month).where(PledgeMonth.pledge_id == pledge.id)
                               .order_by(col(PledgeMonth.month).desc()).limit(1))).first()
    target = planned_months(ONGOING, pledge.first_month, current_month)
    start = add_months(last, 1) if last else pledge.first_month
    missing = months_from_to(start, add_months(pledge.first_month, target - 1))
    if missing <= 0:
        return 0
    beneficiaries = (await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge.id)
                                        .order_by(PledgeBeneficiary.position))).all()
    await _add_months(session, pledge, _workers(beneficiaries), start, missing, discounts)
    return missing


async def keep_all_ongoing_planned(session: AsyncSession, current_month: date, discounts: Sequence[Discount], *,
                                   sponsor_id: int | None = None) -> int:
    """keep_ongoing_planned for every active open-ended pledge (or only `sponsor_id`'s); returns rows added. The
    explicit write step before listing or reminding of pledge months."""
    statement = select(Pledge).where(Pledge.status == ACTIVE, Pledge.months == ONGOING)
    if sponsor_id is not None:
        statement = statement.where(Pledge.sponsor_id == sponsor_id)
    added = 0
    for pledge in (await session.exec(statement.order_by(Pledge.id))).all():
        added += await keep_ongoing_planned(session, pledge, current_month, discounts)
    return added


async def record_payment(session: AsyncSession, pledge_id: int, sponsor_id: int, amount: int, paid_on: date,
                         reference: str | None, *, month_id: int | None = None) -> PledgePayment:
    """Record a payment and mark the months it covers paid (bot.pledges.payments decides which: the oldest unpaid
    first, or only `month_id`, "Sudah bayar" on that month's reminder). Raises PledgeError: amount (not positive),
    not_yours, cancelled, nothing_due, too_much (more than everything still due: extend the pledge first)."""
    check_amount(amount)  # before the pledge is locked
    pledge = await owned(session, pledge_id, sponsor_id, for_update=True)
    if pledge is None:
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    unpaid = list((await session.exec(select(PledgeMonth).where(PledgeMonth.pledge_id == pledge_id,
                                                                PledgeMonth.status == MONTH_DUE))).all())
    shares = allocate_payment([UnpaidMonth(m.id, m.month, m.amount_due, m.amount_paid) for m in unpaid], amount,
                              month_id=month_id)
    await _mark_months_paid(session, {m.id: m for m in unpaid}, shares)
    payment = PledgePayment(pledge_id=pledge_id, recorded_by=sponsor_id, amount=amount, paid_on=paid_on,
                            reference=reference)
    session.add(payment)
    await session.flush()
    assert payment.id is not None
    session.add_all(PledgePaymentAllocation(payment_id=payment.id, month_id=share.month_id, amount=share.applied)
                    for share in shares)
    await session.flush()
    return payment


async def _mark_months_paid(session: AsyncSession, months: dict[int, PledgeMonth],
                            shares: Sequence[MonthPayment]) -> None:
    """Where a pledge month is marked paid: each share of a payment is added to its month; a month paid in full
    gets status paid and its pending reminders are cancelled."""
    now = utcnow()
    for share in shares:
        month = months[share.month_id]
        month.amount_paid += share.applied
        if share.paid_in_full:
            month.status, month.paid_at = MONTH_PAID, now
        session.add(month)
    await reminder.cancel_months(session, reminder.PLEDGE_MONTH, [s.month_id for s in shares if s.paid_in_full])


async def extend(session: AsyncSession, pledge_id: int, sponsor_id: int, extra_months: int,
                 discounts: Sequence[Discount], *, expected_months: int | None = None) -> Pledge:
    """Add months after the last. With `expected_months`, only if the pledge still has that many (a second press
    of the same button raises PledgeError("changed") instead of extending twice)."""
    pledge = await owned(session, pledge_id, sponsor_id, for_update=True)
    if pledge is None:
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    if pledge.months == ONGOING:
        raise PledgeError("ongoing")
    if expected_months is not None and pledge.months != expected_months:
        raise PledgeError("changed")
    beneficiaries = (await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge_id)
                                        .order_by(PledgeBeneficiary.position))).all()
    start = add_months(pledge.first_month, pledge.months)
    await _add_months(session, pledge, _workers(beneficiaries), start, extra_months, discounts)
    pledge.months += extra_months
    session.add(pledge)
    await session.flush()
    return pledge


async def cancel(session: AsyncSession, pledge_id: int, sponsor_id: int) -> Pledge:
    """Stop a pledge: months not yet paid are cancelled, paid ones stay; invitations stop working."""
    pledge = await owned(session, pledge_id, sponsor_id, for_update=True)
    if pledge is None:
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    await _close(session, pledge)
    return pledge


async def _close(session: AsyncSession, pledge: Pledge) -> None:
    now = utcnow()
    month_ids = list((await session.exec(select(PledgeMonth.id).where(PledgeMonth.pledge_id == pledge.id))).all())
    await reminder.cancel_months(session, reminder.PLEDGE_MONTH, month_ids)
    pledge.status, pledge.cancelled_at = CANCELLED, now
    session.add(pledge)
    await session.exec(update(PledgeMonth).where(PledgeMonth.pledge_id == pledge.id, PledgeMonth.status == MONTH_DUE)
                       .values(status=MONTH_CANCELLED))
    # Unused invitations stay recognisable so a worker who opens one is told the pledge stopped
    # (claim_invitation refuses any invitation of a pledge that is not active).
    await session.flush()


# ---------------------------------------------------------------------------------------------- invitations
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


# ---------------------------------------------------------------------------------------------- deletion
async def forget_user(session: AsyncSession, user_id: int) -> dict[str, int]:
    """/hapusdata: the user's pledges stop and lose everything personal; amounts and payments stay, anonymised.
    As a worker, their link to a sponsor's pledge and the name and phone the sponsor typed are removed. Returns counts for the confirmation message."""
    pledges = (await session.exec(select(Pledge).where(Pledge.sponsor_id == user_id))).all()
    for pledge in pledges:
        if pledge.status == ACTIVE:
            await _close(session, pledge)
        pledge.sponsor_id = None
        session.add(pledge)
        await session.exec(update(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge.id)
                           .values(name_encrypted=None, phone_encrypted=None, invite_hash=None,
                                   invite_expires_at=None))
        await session.exec(update(PledgePayment).where(PledgePayment.pledge_id == pledge.id)
                           .values(reference=None, recorded_by=None))
    as_worker = await session.exec(update(PledgeBeneficiary).where(PledgeBeneficiary.worker_user_id == user_id)
                                   .values(worker_user_id=None, application_id=None, share_with_sponsor=False,
                                           name_encrypted=None, phone_encrypted=None))
    return {"pledges": len(pledges), "sponsorships": int(as_worker.rowcount or 0)}


# ---------------------------------------------------------------------------------------------- exports
async def between(session: AsyncSession, start: datetime | None, end: datetime | None,
                  status: str | None = None) -> list[PledgeOverview]:
    statement = select(Pledge).order_by(Pledge.id)
    if start is not None:
        statement = statement.where(Pledge.created_at >= start)
    if end is not None:
        statement = statement.where(Pledge.created_at < end)
    if status is not None:
        statement = statement.where(Pledge.status == status)
    return [await overview(session, p) for p in (await session.exec(statement)).all()]


async def application_pledges(session: AsyncSession, application_ids: list[int]) -> dict[int, int]:
    """Which pledge sponsors each application (application id -> pledge id)."""
    if not application_ids:
        return {}
    rows = await session.exec(select(PledgeBeneficiary.application_id, PledgeBeneficiary.pledge_id)
                              .where(col(PledgeBeneficiary.application_id).in_(application_ids)))
    return {application: pledge_id for application, pledge_id in rows.all() if application is not None}


# ---------------------------------------------------------------------------------------------- reminders
async def stop_reminders(session: AsyncSession, month_id: int, sponsor_id: int) -> bool:
    """'Berhenti pengingat' on a pledge month's reminder: no more reminders for that pledge."""
    month = await session.get(PledgeMonth, month_id)
    if month is None:
        return False
    result = await session.exec(update(Pledge).where(Pledge.id == month.pledge_id, Pledge.sponsor_id == sponsor_id)
                                .values(reminders_off=True))
    if not result.rowcount:
        return False
    ids = list((await session.exec(select(PledgeMonth.id).where(PledgeMonth.pledge_id == month.pledge_id))).all())
    await reminder.cancel_months(session, reminder.PLEDGE_MONTH, ids)
    return True


async def pay_month_from_reminder(session: AsyncSession, month_id: int, sponsor_id: int, paid_on: date,
                                  ) -> tuple[PledgeMonth, PledgePayment] | None:
    """'Sudah bayar' on a pledge month's reminder: what is still due on that month is recorded as paid. None when
    the month is already paid, cancelled, unknown, or not this sponsor's."""
    month = await session.get(PledgeMonth, month_id)
    if month is None or month.status != MONTH_DUE:
        return None
    try:
        payment = await record_payment(session, month.pledge_id, sponsor_id, month.amount_due - month.amount_paid,
                                       paid_on, None, month_id=month.id)
    except PledgeError:
        return None
    return month, payment


async def encrypted_worker_names(session: AsyncSession, pledge_id: int) -> list[str | None]:
    """The pledge's workers' names as stored (encrypted; None once erased), in the sponsor's order."""
    return list((await session.exec(select(PledgeBeneficiary.name_encrypted)
                                    .where(PledgeBeneficiary.pledge_id == pledge_id)
                                    .order_by(PledgeBeneficiary.position))).all())


async def active_pledge_count(session: AsyncSession, sponsor_id: int) -> int:
    return len((await session.exec(select(Pledge.id).where(Pledge.sponsor_id == sponsor_id,
                                                           Pledge.status == ACTIVE))).all())


async def resume_reminders(session: AsyncSession, sponsor_id: int) -> None:
    await session.exec(update(Pledge).where(Pledge.sponsor_id == sponsor_id).values(reminders_off=False))
