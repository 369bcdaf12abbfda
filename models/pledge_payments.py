"""What admins do with the payments sponsors record, and how payments are read back: the list waiting for a
decision, verifying, rejecting (a rejected payment comes off exactly the months it paid), what one payment paid
month by month, and the payments of a period for the exports. The tables are in models/pledge.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import audit
from models.base import utcnow
from models.pledge import (
    MONTH_DUE,
    MONTH_PAID,
    PAYMENT_REJECTED,
    PAYMENT_UNVERIFIED,
    PAYMENT_VERIFIED,
    PledgeMonth,
    PledgePayment,
    PledgePaymentAllocation,
)


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
    touched = []
    for allocation in allocations:
        month = await session.get(PledgeMonth, allocation.month_id, with_for_update=True)
        if month is None:
            continue
        month.amount_paid = max(0, month.amount_paid - allocation.amount)
        if month.status == MONTH_PAID and month.amount_paid < month.amount_due:
            month.status, month.paid_at = MONTH_DUE, None
        session.add(month)
        touched.append(month)
        await session.delete(allocation)
    await audit.record(session, admin_id, "payment.rejected", f"payment:{payment_id}", reason=reason[:200])
    await session.flush()
    return await session.get(PledgePayment, payment_id), sorted(touched, key=lambda m: (m.month, m.id or 0))


async def payment_shares(session: AsyncSession, payment_id: int) -> list[tuple[date, int, int]]:
    """What a payment paid, month by month: (month, amount put on it, what is still unpaid of it), oldest first."""
    rows = (await session.exec(
        select(PledgeMonth, PledgePaymentAllocation.amount)
        .join(PledgePaymentAllocation, PledgePaymentAllocation.month_id == PledgeMonth.id)
        .where(PledgePaymentAllocation.payment_id == payment_id).order_by(PledgeMonth.month))).all()
    return [(month.month, amount, month.amount_due - month.amount_paid) for month, amount in rows]


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
