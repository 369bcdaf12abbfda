"""Payment reminders as rows: who, about which month, which kind, when, and what happened.

Unique per recipient, subject, month and kind, so planning twice changes nothing. The dispatcher claims due rows
atomically (PostgreSQL: FOR UPDATE SKIP LOCKED, so any number of workers share the work), confirms each claim just
before sending and records the outcome right after Telegram accepts the message, both fenced by the claim's token
(models/claims.py): a worker that stalled past its lease cannot send or record a row another worker took over.

Statuses: pending → sending (claimed) → handed (to Telegram) → sent | failed | expired | cancelled | blocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Column, Date, Index, Integer, UniqueConstraint, and_, exists, func, or_, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reminders.rules import PlannedReminder
from models.base import UTCDateTime, insert_for, utcnow
from models.claims import (
    CLAIM_TIMEOUT,
    HANDED,
    IN_FLIGHT_TIMEOUT,
    PENDING,
    SENDING,
    hand_over,
    held,
    lapsed,
    new_claim_token,
    settle,
)
from models.user import User

SENT, FAILED, EXPIRED, CANCELLED, BLOCKED = "sent", "failed", "expired", "cancelled", "blocked"
PARKED = "parked"  # our own error, MAX_ATTEMPTS times: kept with its reason (last_error) for an admin to see
PLEDGE_MONTH, OWN_CONTRIBUTION = "pledge_month", "own"
# A fixed-length pledge's end: the renewal offered to its sponsor (subject_id: the pledge) and the hand-over notice to
# each enrolled worker (subject_id: their pledge_beneficiaries row); `month` is the pledge's last month.
PLEDGE_END, HANDOVER = "pledge_end", "handover"
SPONSOR_STATEMENT = "statement"  # a sponsor's month in review; subject_id 0, `month` the month it reviews


class Reminder(SQLModel, table=True):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("recipient_id", "subject", "subject_id", "month", "kind", name="uq_reminders_once"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    subject: str = Field(max_length=16)  # pledge_month | own | pledge_end | handover
    subject_id: int = Field(sa_column=Column(Integer, nullable=False))  # pledge_months.id | enrollment_applications.id
    month: date = Field(sa_column=Column(Date, nullable=False))
    kind: str = Field(max_length=8)  # before | due | overdue
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=PENDING, max_length=10)
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_error: str | None = Field(default=None, max_length=64)


@dataclass(frozen=True)
class Subject:
    recipient_id: int
    subject: str
    subject_id: int
    month: date


async def plan_many(session: AsyncSession, items: list[tuple[Subject, Sequence[PlannedReminder]]],
                    now: datetime, chunk: int = 5000) -> int:
    """Insert the reminders for many subject months; existing rows (any status) are left alone, and reminders
    whose time has already passed are not planned at all. Returns how many rows were new."""
    rows = [{"recipient_id": s.recipient_id, "subject": s.subject, "subject_id": s.subject_id, "month": s.month,
             "kind": r.kind, "due_at": r.due_at, "status": PENDING, "attempts": 0}
            for s, planned in items for r in planned if r.due_at > now]
    statement = insert_for(session)(Reminder.__table__).on_conflict_do_nothing().returning(Reminder.__table__.c.id)
    added = 0
    for start in range(0, len(rows), chunk):  # batched by SQLAlchemy's "insertmanyvalues"
        added += len((await session.exec(statement, params=rows[start:start + chunk])).all())
    return added


async def claim_due(session: AsyncSession, worker: str, now: datetime, limit: int) -> list[Reminder]:
    """Take up to `limit` due reminders under a new claim token, atomically. On PostgreSQL concurrent workers skip
    each other's locked rows; the claim commits with the caller's transaction."""
    # One statement, so the claim is atomic on SQLite too; FOR UPDATE SKIP LOCKED (PostgreSQL only) lets
    # concurrent workers pass over each other's rows instead of waiting for them.
    due = (select(Reminder.id).where(Reminder.status == PENDING, Reminder.due_at <= now)
           .order_by(Reminder.due_at).limit(limit).with_for_update(skip_locked=True).scalar_subquery())
    claimed = await session.exec(
        update(Reminder).where(col(Reminder.id).in_(due))
        .values(status=SENDING, claimed_by=new_claim_token(worker), claimed_at=now, attempts=Reminder.attempts + 1)
        .returning(Reminder.id))
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    return list((await session.exec(select(Reminder).where(col(Reminder.id).in_(ids))
                                    .order_by(Reminder.due_at).execution_options(populate_existing=True))).all())


async def anything_due(session: AsyncSession, now: datetime, timeout: timedelta = CLAIM_TIMEOUT,
                       in_flight_timeout: timedelta = IN_FLIGHT_TIMEOUT) -> bool:
    """A read-only look before claiming: an idle dispatcher never opens a write transaction (on SQLite every
    write takes the database's single write lock)."""
    due = select(Reminder.id).where(or_(and_(Reminder.status == PENDING, Reminder.due_at <= now),
                                        lapsed(Reminder, now, timeout, in_flight_timeout)))
    return (await session.exec(due.limit(1))).first() is not None


async def hand_to_telegram(session: AsyncSession, item: Reminder, now: datetime) -> str:
    """Just before sending: HANDED, or why it must not be sent (models.claims: TAKEN_OVER by another worker,
    UNWANTED since the recipient erased their data, switched reminders off or blocked the bot)."""
    wanted = exists().where(User.telegram_id == Reminder.recipient_id, col(User.is_blocked).is_(False),
                            col(User.reminders_enabled).is_(True))
    return await hand_over(session, Reminder, item.id, item.claimed_by, now, wanted)


async def finish(session: AsyncSession, item: Reminder, status: str, *, message_id: int | None = None,
                 error: str | None = None, now: datetime | None = None) -> bool:
    """Record the outcome, only while this worker's claim holds the row."""
    values: dict = {"status": status, "last_error": error}
    if status == SENT:
        values.update(sent_at=now or utcnow(), message_id=message_id)
    return await settle(session, Reminder, item.id, item.claimed_by, **values)


async def retry_later(session: AsyncSession, item: Reminder, when: datetime, error: str) -> bool:
    return await settle(session, Reminder, item.id, item.claimed_by, status=PENDING, due_at=when, last_error=error,
                        claimed_by=None, claimed_at=None)


async def unclaim(session: AsyncSession, item: Reminder) -> None:
    """Shutting down before this reminder was handed to Telegram: back to pending at once, without using up an
    attempt. Only while the claim is still this process's: another may have taken it over and be sending it."""
    await session.exec(update(Reminder).where(held(Reminder, item.id, item.claimed_by, SENDING))
                       .values(status=PENDING, claimed_by=None, claimed_at=None, attempts=Reminder.attempts - 1))


async def release_stale(session: AsyncSession, now: datetime, timeout: timedelta = CLAIM_TIMEOUT,
                        in_flight_timeout: timedelta = IN_FLIGHT_TIMEOUT) -> int:
    """Lapsed claims go back to pending. A claimed row was never handed to Telegram: taking it over is safe (its
    old claim can no longer send it). A handed row may have reached Telegram before its process died: that
    recipient may get it twice, the only way a duplicate can happen."""
    result = await session.exec(update(Reminder).where(lapsed(Reminder, now, timeout, in_flight_timeout))
                                .values(status=PENDING, claimed_by=None, claimed_at=None))
    return int(result.rowcount or 0)


async def cancel_months(session: AsyncSession, subject: str, subject_ids: list[int]) -> int:
    if not subject_ids:
        return 0
    result = await session.exec(update(Reminder).where(Reminder.subject == subject,
                                                       col(Reminder.subject_id).in_(subject_ids),
                                                       Reminder.status == PENDING).values(status=CANCELLED))
    return int(result.rowcount or 0)


async def cancel_for_recipient(session: AsyncSession, recipient_id: int, *, status: str = CANCELLED,
                               subject: str | None = None) -> int:
    statement = update(Reminder).where(Reminder.recipient_id == recipient_id, Reminder.status == PENDING)
    if subject is not None:
        statement = statement.where(Reminder.subject == subject)
    result = await session.exec(statement.values(status=status))
    return int(result.rowcount or 0)


async def reschedule(session: AsyncSession, reminder_id: int, recipient_id: int, when: datetime) -> bool:
    """'Ingatkan besok': the same reminder again at `when` (only the recipient's own, and only if not yet sent
    again or cancelled since)."""
    result = await session.exec(update(Reminder).where(Reminder.id == reminder_id,
                                                       Reminder.recipient_id == recipient_id,
                                                       col(Reminder.status).in_([SENT, PENDING]))
                                .values(status=PENDING, due_at=when, claimed_by=None, claimed_at=None))
    return bool(result.rowcount)


async def counts(session: AsyncSession, since: datetime) -> dict[str, int]:
    """For /status: pending, sent since `since`, failed, blocked."""
    rows = (await session.exec(select(Reminder.status, func.count()).group_by(Reminder.status))).all()
    by_status = {status: int(n) for status, n in rows}
    sent_today = (await session.exec(select(func.count()).select_from(Reminder)
                                     .where(Reminder.status == SENT, Reminder.sent_at >= since))).one()
    return {"pending": sum(by_status.get(s, 0) for s in (PENDING, SENDING, HANDED)), "sent_today": int(sent_today),
            "failed": by_status.get(FAILED, 0), "blocked": by_status.get(BLOCKED, 0),
            "expired": by_status.get(EXPIRED, 0), "parked": by_status.get(PARKED, 0)}


async def parked_reasons(session: AsyncSession) -> list[tuple[str, int]]:
    """Why reminders were parked, most frequent first (for /status)."""
    rows = (await session.exec(select(Reminder.last_error, func.count()).where(Reminder.status == PARKED)
                               .group_by(Reminder.last_error).order_by(func.count().desc()))).all()
    return [(reason or "internal", int(n)) for reason, n in rows]


async def delete_pending(session: AsyncSession, recipient_id: int) -> int:
    """Forget what is planned (not what was sent) so it can be planned again with new settings."""
    from sqlalchemy import delete

    result = await session.exec(delete(Reminder).where(Reminder.recipient_id == recipient_id,
                                                       Reminder.status == PENDING))
    return int(result.rowcount or 0)


async def delete_for_recipient(session: AsyncSession, recipient_id: int) -> None:
    from sqlalchemy import delete

    await session.exec(delete(Reminder).where(Reminder.recipient_id == recipient_id))


async def own_month_paid(session: AsyncSession, recipient_id: int, month: date) -> int:
    """A worker says they paid their own contribution for `month`: its remaining reminders are cancelled."""
    result = await session.exec(update(Reminder).where(Reminder.recipient_id == recipient_id,
                                                       Reminder.subject == OWN_CONTRIBUTION, Reminder.month == month,
                                                       Reminder.status == PENDING).values(status=CANCELLED))
    return int(result.rowcount or 0)
