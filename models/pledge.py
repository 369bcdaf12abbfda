"""Sponsor pledges: who pays for which workers, each month as a row with each worker's part, and the payments.

Tables:
- pledges: one per confirmed pledge (sponsor, months or open-ended, programs, status active/cancelled).
- pledge_beneficiaries: the workers of a pledge; name and phone encrypted; a hashed single-use invitation; the
  income the sponsor pays on for them (the minimum, or the worker's declared income when the sponsor follows it).
- pledge_months: the sponsor's bill for one month: due date, status, and the amount due and paid, which are its
  workers' parts added up, always written together with them (created here, paid in models/pledge_payments.py,
  re-priced in models/pledge_workers.py), so reminders and reports read straight from the table.
- pledge_worker_months: one worker's part of a month: what it costs for that worker (after their discount), the
  discount, and what was paid toward it.
- pledge_payments: what the sponsor says they paid (amount, date, reference), applied to the oldest unpaid months
  and, within a month, to the workers in order; an admin verifies or rejects it (with a reason).
- pledge_payment_allocations: what each payment put on each worker's month, so a rejected payment comes off
  exactly those, and every rupiah paid can be traced to a worker.

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

from bot.contributions.rules import MINIMUM_INCOME, Discount
from bot.core.calendar import add_months, due_date, months_from_to
from bot.core.crypto import PersonalDataCipher
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
    # The income this worker's months are priced on, and the sponsor's answer when the worker declared more than
    # the minimum: None (not asked), "follow" or "minimum" (INCOME_FOLLOW, INCOME_MINIMUM).
    priced_income: int = Field(default=MINIMUM_INCOME, sa_column_kwargs={"server_default": str(MINIMUM_INCOME)})
    income_choice: str | None = Field(default=None, max_length=8, nullable=True)


class PledgeMonth(SQLModel, table=True):
    """The sponsor's bill for one month: amount_due and amount_paid add up its PledgeWorkerMonth rows; status is
    paid once every worker's part is paid."""

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


class PledgeWorkerMonth(SQLModel, table=True):
    """One worker's part of a pledge month."""

    __tablename__ = "pledge_worker_months"
    __table_args__ = (UniqueConstraint("month_id", "beneficiary_id", name="uq_pledge_worker_months_month_worker"),)

    id: int | None = Field(default=None, primary_key=True)
    month_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_months.id", ondelete="CASCADE"),
                                           nullable=False, index=True))
    beneficiary_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_beneficiaries.id", ondelete="CASCADE"),
                                                 nullable=False, index=True))
    amount_due: int  # after the discount
    discount: int = Field(default=0)
    amount_paid: int = Field(default=0)

    @property
    def paid_in_full(self) -> bool:
        return self.amount_paid >= self.amount_due


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
    # Paid for one worker (their months only); None for all of the pledge's workers, oldest month first. A worker's
    # id without a foreign key (migration 0015 says why); workers are removed only with their pledge.
    beneficiary_id: int | None = Field(default=None, nullable=True)

    @property
    def status(self) -> str:
        """unverified, verified or rejected (bot/reports/export.py writes them in Indonesian)."""
        return PAYMENT_REJECTED if self.rejected_at else PAYMENT_VERIFIED if self.verified_at else PAYMENT_UNVERIFIED


class PledgePaymentAllocation(SQLModel, table=True):
    """The part of one payment put on one worker's month (`month_id` is that month's bill, kept for reading)."""

    __tablename__ = "pledge_payment_allocations"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_payments.id", ondelete="CASCADE"),
                                             nullable=False, index=True))
    month_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_months.id", ondelete="CASCADE"),
                                           nullable=False, index=True))
    worker_month_id: int = Field(sa_column=Column(Integer, ForeignKey("pledge_worker_months.id", ondelete="CASCADE"),
                                                  nullable=False, index=True))
    amount: int


@dataclass(frozen=True)
class WorkerDetails:
    """A worker as the sponsor describes them; name and phone are encrypted on the way in."""

    name: str
    occupation: str
    transport: bool
    phone: str | None


@dataclass(frozen=True)
class WorkerMoney:
    """One worker's share of a pledge's money (months not cancelled)."""

    due: int
    paid: int
    months: int
    paid_months: int

    @property
    def outstanding(self) -> int:
        return self.due - self.paid


@dataclass
class PledgeOverview:
    """A pledge with its workers, months and each worker's part of each month, read once for /janji and exports."""

    pledge: Pledge
    beneficiaries: list[PledgeBeneficiary]
    months: list[PledgeMonth]
    parts: list[PledgeWorkerMonth] = field(default_factory=list)
    verified_parts: frozenset[int] = frozenset()  # parts paid in full, only by payments an admin verified
    application_statuses: dict[int, str] = field(default_factory=dict)  # the workers' applications, by id

    def parts_of(self, beneficiary: PledgeBeneficiary) -> list[tuple[PledgeMonth, PledgeWorkerMonth]]:
        """This worker's part of each month, oldest first."""
        by_month = {m.id: m for m in self.months}
        return sorted(((by_month[p.month_id], p) for p in self.parts
                       if p.beneficiary_id == beneficiary.id and p.month_id in by_month),
                      key=lambda pair: pair[0].month)

    def overdue_months(self, today: date, beneficiary: PledgeBeneficiary | None = None) -> int:
        """Months unpaid in a row up to today: the whole pledge's, or one worker's."""
        return overdue_in_a_row(self._paid_months(beneficiary), today)

    def _paid_months(self, beneficiary: PledgeBeneficiary | None) -> list[PaidMonth]:
        if beneficiary is not None:
            return [PaidMonth(m.month, m.due_date, part.paid_in_full, part.id in self.verified_parts)
                    for m, part in self.parts_of(beneficiary) if m.status != MONTH_CANCELLED]
        verified = {p.month_id for p in self.parts if p.id in self.verified_parts} - {
            p.month_id for p in self.parts if p.id not in self.verified_parts}
        return [PaidMonth(m.month, m.due_date, m.status == MONTH_PAID, m.id in verified)
                for m in self.months if m.status != MONTH_CANCELLED]

    def worker_status(self, beneficiary: PledgeBeneficiary, today: date) -> str:
        """Where this worker stands (bot/pledges/worker_status.py): invited ... protected, lapsing, inactive."""
        return worker_status(opened=beneficiary.worker_user_id is not None,
                             application_status=self.application_statuses.get(beneficiary.application_id or 0),
                             months=self._paid_months(beneficiary), today=today)

    def worker_money(self, beneficiary: PledgeBeneficiary) -> WorkerMoney:
        """What this worker's months cost and what was paid. A month cancelled when the pledge stopped costs what
        had been paid toward it (nothing more is owed on it)."""
        parts = self.parts_of(beneficiary)
        counted = [part for month, part in parts if month.status != MONTH_CANCELLED]
        due = sum(p.amount_due for p in counted) + sum(p.amount_paid for m, p in parts if m.status == MONTH_CANCELLED)
        return WorkerMoney(due, sum(p.amount_paid for _month, p in parts), len(counted),
                           sum(1 for p in counted if p.paid_in_full))

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


def sponsored_worker(beneficiary: PledgeBeneficiary) -> SponsoredWorker:
    """A worker as the price rule sees them."""
    return SponsoredWorker(beneficiary.occupation, beneficiary.transport, beneficiary.priced_income)


async def beneficiaries_of(session: AsyncSession, pledge_id: int) -> list[PledgeBeneficiary]:
    return list((await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge_id)
                                    .order_by(PledgeBeneficiary.position))).all())


async def _add_months(session: AsyncSession, pledge: Pledge, beneficiaries: Sequence[PledgeBeneficiary], first: date,
                      count: int, discounts: Sequence[Discount]) -> None:
    """New months, each with every worker's part priced on that worker's income with the discounts in force."""
    for line in month_amounts([sponsored_worker(b) for b in beneficiaries], pledge.program_list, first, count,
                              discounts):
        month = PledgeMonth(pledge_id=pledge.id, month=line.month, due_date=due_date(line.month),
                            amount_due=line.amount)
        session.add(month)
        await session.flush()
        session.add_all(PledgeWorkerMonth(month_id=month.id, beneficiary_id=b.id, amount_due=amount, discount=discount)
                        for b, amount, discount in zip(beneficiaries, line.per_worker, line.per_worker_discount))


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
    await session.flush()
    count = planned_months(months, first_month, current_month)
    await _add_months(session, pledge, [b for b, _token in invitations], first_month, count, discounts)
    await session.flush()
    return pledge, invitations


async def overview(session: AsyncSession, pledge: Pledge) -> PledgeOverview:
    beneficiaries = await beneficiaries_of(session, pledge.id)
    months = list((await session.exec(
        select(PledgeMonth).where(PledgeMonth.pledge_id == pledge.id).order_by(PledgeMonth.month))).all())
    parts = list((await session.exec(
        select(PledgeWorkerMonth).where(col(PledgeWorkerMonth.month_id).in_([m.id for m in months]))
        .order_by(PledgeWorkerMonth.id))).all()) if months else []
    # A worker's month counts as verified when it is paid and every payment toward it was verified (none waits or
    # was rejected: a rejected one no longer has allocations).
    paid_by = (await session.exec(
        select(PledgePaymentAllocation.worker_month_id, PledgePayment.verified_at)
        .join(PledgePayment, PledgePayment.id == PledgePaymentAllocation.payment_id)
        .where(col(PledgePaymentAllocation.worker_month_id).in_([p.id for p in parts if p.paid_in_full])))).all()
    unverified = {part_id for part_id, verified_at in paid_by if verified_at is None}
    verified = frozenset(part_id for part_id, _ in paid_by if part_id not in unverified)
    application_ids = [b.application_id for b in beneficiaries if b.application_id is not None]
    statuses = dict((await session.exec(
        select(EnrollmentApplication.id, EnrollmentApplication.status)
        .where(col(EnrollmentApplication.id).in_(application_ids)))).all()) if application_ids else {}
    return PledgeOverview(pledge, beneficiaries, months, parts, verified, statuses)


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
    await _add_months(session, pledge, await beneficiaries_of(session, pledge.id), start, missing, discounts)
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
    start = add_months(pledge.first_month, pledge.months)
    await _add_months(session, pledge, await beneficiaries_of(session, pledge_id), start, extra_months, discounts)
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
