"""Pledge payments: recording one (spread over the workers' months by bot.pledges.payments), what admins do with
them (the list waiting for a decision, verifying, rejecting: a rejected payment comes off exactly the workers' months
it paid), and reading them back (month by month, and for the exports). The tables are in models/pledge.py.

The one place a payment's money lands: `_apply` adds each share to a worker's month and to that month's total, and
marks them paid; `reject_payment` takes it off the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.pledges.payments import MonthPayment, UnpaidMonth, allocate_payment, check_amount
from bot.pledges.rules import PledgeError
from models import audit, reminder
from models.base import utcnow
from models.pledge import (
    ACTIVE,
    MONTH_DUE,
    MONTH_PAID,
    PAYMENT_REJECTED,
    PAYMENT_UNVERIFIED,
    PAYMENT_VERIFIED,
    PledgeBeneficiary,
    PledgeMonth,
    PledgePayment,
    PledgePaymentAllocation,
    PledgeWorkerMonth,
    owned,
)


async def record_payment(session: AsyncSession, pledge_id: int, sponsor_id: int, amount: int, paid_on: date,
                         reference: str | None, *, month_id: int | None = None,
                         beneficiary_id: int | None = None) -> PledgePayment:
    """Record a payment and what it puts on each worker's month (bot.pledges.payments decides: the oldest unpaid
    month first and its workers in order; or only `month_id`, "Sudah bayar" on that month's reminder; or only the
    months of `beneficiary_id`, the worker the sponsor paid for). Raises PledgeError: amount (not positive),
    not_yours (someone else's pledge, or a worker not in it), cancelled, nothing_due, too_much (more than everything
    still due: extend the pledge first)."""
    check_amount(amount)  # before the pledge is locked
    pledge = await owned(session, pledge_id, sponsor_id, for_update=True)
    if pledge is None:
        raise PledgeError("not_yours")
    if pledge.status != ACTIVE:
        raise PledgeError("cancelled")
    if beneficiary_id is not None:
        worker = await session.get(PledgeBeneficiary, beneficiary_id)
        if worker is None or worker.pledge_id != pledge_id:
            raise PledgeError("not_yours")
    rows = (await session.exec(
        select(PledgeWorkerMonth, PledgeMonth, PledgeBeneficiary.position)
        .join(PledgeMonth, PledgeMonth.id == PledgeWorkerMonth.month_id)
        .join(PledgeBeneficiary, PledgeBeneficiary.id == PledgeWorkerMonth.beneficiary_id)
        .where(PledgeMonth.pledge_id == pledge_id, PledgeMonth.status == MONTH_DUE))).all()
    only = next((month.month for _part, month, _position in rows if month.id == month_id), None)
    if month_id is not None and only is None:
        raise PledgeError("nothing_due")
    shares = allocate_payment([UnpaidMonth(part.id, month.month, part.amount_due, part.amount_paid, position,
                                           part.beneficiary_id) for part, month, position in rows],
                              amount, only_month=only, only_worker=beneficiary_id)
    payment = PledgePayment(pledge_id=pledge_id, recorded_by=sponsor_id, amount=amount, paid_on=paid_on,
                            reference=reference, beneficiary_id=beneficiary_id)
    session.add(payment)
    await session.flush()
    assert payment.id is not None
    await _apply(session, payment.id, {part.id: (part, month) for part, month, _position in rows}, shares)
    await session.flush()
    return payment


async def _apply(session: AsyncSession, payment_id: int,
                 parts: dict[int | None, tuple[PledgeWorkerMonth, PledgeMonth]],
                 shares: Sequence[MonthPayment]) -> None:
    """Where a payment's money lands: each share on its worker's month and on the month's total. A month whose
    workers are all paid gets status paid, and its pending reminders are cancelled. `parts` holds every worker's
    part of every month still due, so whether a month is now paid needs no further query."""
    now = utcnow()
    touched: dict[int, PledgeMonth] = {}
    for share in shares:
        part, month = parts[share.month_id]
        part.amount_paid += share.applied
        month.amount_paid += share.applied
        session.add(part)
        session.add(PledgePaymentAllocation(payment_id=payment_id, month_id=month.id, worker_month_id=part.id,
                                            amount=share.applied))
        touched[month.id or 0] = month
    paid = []
    for month_id, month in touched.items():
        if all(part.paid_in_full for part, of in parts.values() if of.id == month_id):
            month.status, month.paid_at = MONTH_PAID, now
            paid.append(month.id)
        session.add(month)
    await reminder.cancel_months(session, reminder.PLEDGE_MONTH, paid)


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


async def unverified_payments(session: AsyncSession, limit: int = 20) -> list[PledgePayment]:
    """Payments waiting for an admin's decision (neither verified nor rejected), oldest first."""
    return list((await session.exec(
        select(PledgePayment)
        .where(col(PledgePayment.verified_at).is_(None), col(PledgePayment.rejected_at).is_(None))
        .order_by(PledgePayment.id).limit(limit))).all())


async def verify_payment(session: AsyncSession, payment_id: int, admin_id: int) -> PledgePayment | None:
    """Mark a recorded payment as checked against the official records, once (never a rejected one); audited."""
    result = await session.exec(
        update(PledgePayment).where(PledgePayment.id == payment_id, col(PledgePayment.verified_at).is_(None),
                                    col(PledgePayment.rejected_at).is_(None))
        .values(verified_at=utcnow(), verified_by=admin_id))
    if not result.rowcount:
        return None
    await audit.record(session, admin_id, "payment.verified", f"payment:{payment_id}")
    return await session.get(PledgePayment, payment_id)


async def reject_payment(session: AsyncSession, payment_id: int, admin_id: int, reason: str,
                         ) -> tuple[PledgePayment | None, list[PledgeMonth]]:
    """Reject a payment, once (a verified one too: an admin may find the mistake later), with a reason; audited.
    It no longer counts: what it put on each month comes off, and a month it had paid is due again. Returns the
    payment (None when there is none, or it was already rejected) and the months it had paid toward."""
    result = await session.exec(
        update(PledgePayment).where(PledgePayment.id == payment_id, col(PledgePayment.rejected_at).is_(None))
        .values(rejected_at=utcnow(), rejected_by=admin_id, reject_reason=reason[:200]))
    if not result.rowcount:
        return None, []
    allocations = list((await session.exec(select(PledgePaymentAllocation)
                                           .where(PledgePaymentAllocation.payment_id == payment_id))).all())
    touched: dict[int, PledgeMonth] = {}
    for allocation in allocations:
        part = await session.get(PledgeWorkerMonth, allocation.worker_month_id, with_for_update=True)
        month = await session.get(PledgeMonth, allocation.month_id, with_for_update=True)
        if part is None or month is None:
            continue
        part.amount_paid = max(0, part.amount_paid - allocation.amount)
        month.amount_paid = max(0, month.amount_paid - allocation.amount)
        if month.status == MONTH_PAID and not part.paid_in_full:
            month.status, month.paid_at = MONTH_DUE, None
        session.add_all([part, month])
        touched[month.id or 0] = month
        await session.delete(allocation)
    await audit.record(session, admin_id, "payment.rejected", f"payment:{payment_id}", reason=reason[:200])
    await session.flush()
    return await session.get(PledgePayment, payment_id), sorted(touched.values(), key=lambda m: (m.month, m.id or 0))


async def payment_shares(session: AsyncSession, payment_id: int) -> list[tuple[date, int, int]]:
    """What a payment paid, month by month: (month, amount put on it, what is still unpaid of it: of the whole
    month, or of the worker's part when the payment was for one worker), oldest first."""
    payment = await session.get(PledgePayment, payment_id)
    rows = (await session.exec(
        select(PledgeMonth, PledgeWorkerMonth, PledgePaymentAllocation.amount)
        .join(PledgePaymentAllocation, PledgePaymentAllocation.month_id == PledgeMonth.id)
        .join(PledgeWorkerMonth, PledgeWorkerMonth.id == PledgePaymentAllocation.worker_month_id)
        .where(PledgePaymentAllocation.payment_id == payment_id).order_by(PledgeMonth.month))).all()
    by_month: dict[int, list] = {}
    for month, part, amount in rows:
        left = (part.amount_due - part.amount_paid if payment is not None and payment.beneficiary_id is not None
                else month.amount_due - month.amount_paid)
        entry = by_month.setdefault(month.id or 0, [month.month, 0, left])
        entry[1] += amount
    return [(month, amount, left) for month, amount, left in by_month.values()]


async def payments_between(session: AsyncSession, start: datetime | None, end: datetime | None,
                           status: str | None = None) -> list[PledgePayment]:
    statement = select(PledgePayment).order_by(PledgePayment.id)
    if start is not None:
        statement = statement.where(PledgePayment.created_at >= start)
    if end is not None:
        statement = statement.where(PledgePayment.created_at < end)
    if status == PAYMENT_REJECTED:
        statement = statement.where(col(PledgePayment.rejected_at).is_not(None))
    elif status == PAYMENT_VERIFIED:
        statement = statement.where(col(PledgePayment.verified_at).is_not(None),
                                    col(PledgePayment.rejected_at).is_(None))
    elif status == PAYMENT_UNVERIFIED:
        statement = statement.where(col(PledgePayment.verified_at).is_(None),
                                    col(PledgePayment.rejected_at).is_(None))
    return list((await session.exec(statement)).all())
