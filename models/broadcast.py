"""Admin broadcasts: one row per broadcast and one delivery row per recipient (unique per broadcast and user),
written when the admin confirms, so a restart or a crash resumes where it stopped and nobody is sent twice.

Broadcast status: scheduled → sending ⇄ paused → done | cancelled.
Delivery status: pending → sending (claimed) → handed (to Telegram) → sent | failed | blocked | skipped. Claims
are fenced like reminders' (models/claims.py): a sender that stalled past its lease cannot send or record a delivery
another took over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    literal,
    or_,
    update,
)
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import audit, claims
from models.base import UTCDateTime, utcnow
from models.claims import (
    CLAIM_TIMEOUT,
    IN_FLIGHT_TIMEOUT,
    OPEN,
    PENDING,
    hand_over,
    held,
    lapsed,
    new_claim_token,
    settle,
)
from models.enrollment import REJECTED, EnrollmentApplication
from models.pledge import ACTIVE, MONTH_DUE, Pledge, PledgeMonth
from models.user import User

SCHEDULED, SENDING, PAUSED, DONE, CANCELLED = "scheduled", "sending", "paused", "done", "cancelled"  # broadcasts
CLAIMED = claims.SENDING  # a delivery taken by a sender (then handed, then an outcome)
SENT, FAILED, BLOCKED, SKIPPED = "sent", "failed", "blocked", "skipped"
PARKED = "parked"  # our own error, MAX_ATTEMPTS times: kept with its reason (last_error); counted as failed
MAX_ATTEMPTS = 3
AUDIENCES = ("everyone", "workers", "sponsors", "unpaid", "province", "language")


class Broadcast(SQLModel, table=True):
    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    status: str = Field(default=SENDING, max_length=12, index=True)
    text_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    media_kind: str | None = Field(default=None, max_length=12)  # photo | document
    media_file_id: str | None = Field(default=None, max_length=256)
    buttons: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # [[label, url], ...]
    audience: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # {"kind": .., "value": ..}
    paid: bool = Field(default=False)  # Telegram's paid broadcast (allow_paid_broadcast), up to 1000 msg/s
    recipients: int = Field(default=0)
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    progress_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    progress_message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))

    @property
    def button_rows(self) -> list[tuple[str, str]]:
        return [(label, url) for label, url in json.loads(self.buttons or "[]")]

    @property
    def audience_spec(self) -> dict[str, Any]:
        return json.loads(self.audience or "{}")


class BroadcastDelivery(SQLModel, table=True):
    __tablename__ = "broadcast_deliveries"
    __table_args__ = (UniqueConstraint("broadcast_id", "user_id", name="uq_broadcast_deliveries_once"),
                      Index("ix_broadcast_deliveries_broadcast_status", "broadcast_id", "status"))

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(sa_column=Column(Integer, nullable=False))
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default=PENDING, max_length=10)
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=64)  # the claim's token (models/claims.py)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_error: str | None = Field(default=None, max_length=64)


@dataclass(frozen=True)
class Audience:
    kind: str  # everyone | workers | sponsors | unpaid | province | language
    value: str | None = None

    def as_json(self) -> str:
        return json.dumps({"kind": self.kind, "value": self.value})


def recipients_query(audience: Audience):  # noqa: ANN201
    """SELECT of the user ids an audience reaches: never blocked users, never users who opted out."""
    statement = select(User.telegram_id).where(col(User.is_blocked).is_(False),
                                               col(User.announcements_opt_out).is_(False))
    has_application = exists().where(EnrollmentApplication.user_id == User.telegram_id,
                                     EnrollmentApplication.status != REJECTED)
    active_pledge = exists().where(Pledge.sponsor_id == User.telegram_id, Pledge.status == ACTIVE)
    if audience.kind == "workers":
        statement = statement.where(has_application)
    elif audience.kind == "sponsors":
        statement = statement.where(active_pledge)
    elif audience.kind == "unpaid":
        statement = statement.where(exists().where(
            Pledge.sponsor_id == User.telegram_id, Pledge.status == ACTIVE, PledgeMonth.pledge_id == Pledge.id,
            PledgeMonth.status == MONTH_DUE, PledgeMonth.due_date <= func.current_date()))
    elif audience.kind == "province":
        statement = statement.where(or_(User.province == audience.value, exists().where(
            EnrollmentApplication.user_id == User.telegram_id, EnrollmentApplication.province == audience.value)))
    elif audience.kind == "language":
        statement = statement.where(User.language == audience.value)
    elif audience.kind != "everyone":
        raise ValueError(f"unknown audience {audience.kind}")
    return statement


async def count_recipients(session: AsyncSession, audience: Audience) -> int:
    subquery = recipients_query(audience).subquery()
    return int((await session.exec(select(func.count()).select_from(subquery))).one())


async def create(session: AsyncSession, admin_id: int | None, audience: Audience, *, text_html: str,
                 media_kind: str | None = None, media_file_id: str | None = None,
                 buttons: list[tuple[str, str]] | None = None, paid: bool = False,
                 scheduled_at: datetime | None = None) -> Broadcast:
    """Record a confirmed broadcast and one pending delivery per recipient, in one transaction."""
    broadcast = Broadcast(created_by=admin_id, status=SCHEDULED if scheduled_at else SENDING, text_html=text_html,
                          media_kind=media_kind, media_file_id=media_file_id, buttons=json.dumps(buttons or []),
                          audience=audience.as_json(), paid=paid, scheduled_at=scheduled_at)
    session.add(broadcast)
    await session.flush()
    chosen = recipients_query(audience).subquery()
    await session.exec(BroadcastDelivery.__table__.insert().from_select(
        ["broadcast_id", "user_id", "status", "attempts"],
        select(literal(broadcast.id), chosen.c.telegram_id, literal(PENDING), literal(0))))
    broadcast.recipients = int((await session.exec(
        select(func.count()).select_from(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast.id))
    ).one())
    session.add(broadcast)
    await audit.record(session, admin_id, "broadcast.created", f"broadcast:{broadcast.id}",
                       audience=audience.kind, recipients=broadcast.recipients, paid=paid)
    await session.flush()
    return broadcast


async def anything_to_do(session: AsyncSession, now: datetime) -> bool:
    """A read-only look before claiming (see models.reminder.anything_due): a broadcast is sending, or a
    scheduled one is due."""
    busy = select(Broadcast.id).where(or_(Broadcast.status == SENDING,
                                          and_(Broadcast.status == SCHEDULED, Broadcast.scheduled_at <= now)))
    return (await session.exec(busy.limit(1))).first() is not None


async def start_due(session: AsyncSession, now: datetime) -> int:
    """Scheduled broadcasts whose time has come start sending."""
    result = await session.exec(update(Broadcast).where(Broadcast.status == SCHEDULED, Broadcast.scheduled_at <= now)
                                .values(status=SENDING))
    return int(result.rowcount or 0)


async def claim(session: AsyncSession, worker: str, now: datetime, limit: int, timeout: timedelta = CLAIM_TIMEOUT,
                in_flight_timeout: timedelta = IN_FLIGHT_TIMEOUT) -> list[tuple[BroadcastDelivery, Broadcast]]:
    """Take pending deliveries of broadcasts that are sending under a new claim token, atomically (FOR UPDATE SKIP
    LOCKED on PostgreSQL); a lapsed claim (models/claims.py) is taken over."""
    stale = lapsed(BroadcastDelivery, now, timeout, in_flight_timeout)
    sending = select(Broadcast.id).where(Broadcast.status == SENDING).scalar_subquery()
    due = (select(BroadcastDelivery.id)
           .where(or_(BroadcastDelivery.status == PENDING, stale), col(BroadcastDelivery.broadcast_id).in_(sending))
           .order_by(BroadcastDelivery.id).limit(limit).with_for_update(skip_locked=True).scalar_subquery())
    ids = list((await session.exec(update(BroadcastDelivery).where(col(BroadcastDelivery.id).in_(due))
                                   .values(status=CLAIMED, claimed_by=new_claim_token(worker), claimed_at=now,
                                           attempts=BroadcastDelivery.attempts + 1)
                                   .returning(BroadcastDelivery.id))).scalars().all())
    if not ids:
        return []
    rows = (await session.exec(select(BroadcastDelivery, Broadcast)
                               .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
                               .where(col(BroadcastDelivery.id).in_(ids)).order_by(BroadcastDelivery.id)
                               .execution_options(populate_existing=True))).all()
    return [(delivery, broadcast) for delivery, broadcast in rows]


async def hand_to_telegram(session: AsyncSession, delivery: BroadcastDelivery, now: datetime) -> str:
    """Just before sending: HANDED, or why it must not be sent (models.claims: TAKEN_OVER by another sender,
    UNWANTED since the recipient erased their data, opted out of announcements or blocked the bot)."""
    wanted = exists().where(User.telegram_id == BroadcastDelivery.user_id, col(User.is_blocked).is_(False),
                            col(User.announcements_opt_out).is_(False))
    return await hand_over(session, BroadcastDelivery, delivery.id, delivery.claimed_by, now, wanted)


async def forget_recipient(session: AsyncSession, user_id: int) -> None:
    """/hapusdata: deliveries not yet sent are dropped; the others keep their outcome for the broadcast's figures
    but no longer name the person (a negative placeholder, unique per row, stands for them)."""
    await session.exec(delete(BroadcastDelivery).where(BroadcastDelivery.user_id == user_id,
                                                       col(BroadcastDelivery.status).in_(OPEN)))
    await session.exec(update(BroadcastDelivery).where(BroadcastDelivery.user_id == user_id)
                       .values(user_id=-BroadcastDelivery.id))


async def finish(session: AsyncSession, delivery: BroadcastDelivery, status: str, *, message_id: int | None = None,
                 error: str | None = None) -> bool:
    """Record the outcome, only while this sender's claim holds the delivery."""
    values: dict[str, Any] = {"status": status, "last_error": error}
    if status == SENT:
        values.update(sent_at=utcnow(), message_id=message_id)
    return await settle(session, BroadcastDelivery, delivery.id, delivery.claimed_by, **values)


async def release(session: AsyncSession, delivery: BroadcastDelivery, error: str) -> bool:
    """Back to pending (paused broadcast, RetryAfter, a transient error with attempts left), if still ours."""
    return await settle(session, BroadcastDelivery, delivery.id, delivery.claimed_by, status=PENDING,
                        claimed_by=None, claimed_at=None, last_error=error)


async def unclaim(session: AsyncSession, delivery: BroadcastDelivery) -> None:
    """Shutting down before this delivery was handed to Telegram: back to pending at once, without using up an
    attempt. Only while the claim is still ours: another process may have taken it over and be sending it."""
    await session.exec(update(BroadcastDelivery).where(held(BroadcastDelivery, delivery.id, delivery.claimed_by,
                                                            CLAIMED))
                       .values(status=PENDING, claimed_by=None, claimed_at=None,
                               attempts=BroadcastDelivery.attempts - 1))


async def set_status(session: AsyncSession, broadcast_id: int, status: str, admin_id: int | None) -> bool:
    """Pause, resume or cancel; only from a state where that makes sense. Audited."""
    allowed = {PAUSED: (SENDING,), SENDING: (PAUSED,), CANCELLED: (SENDING, PAUSED, SCHEDULED)}[status]
    values: dict[str, Any] = {"status": status}
    if status == CANCELLED:
        values["finished_at"] = utcnow()
    result = await session.exec(update(Broadcast).where(Broadcast.id == broadcast_id,
                                                        col(Broadcast.status).in_(allowed)).values(**values))
    if not result.rowcount:
        return False
    if status == CANCELLED:
        await session.exec(update(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id,
                                                           BroadcastDelivery.status == PENDING)
                           .values(status=SKIPPED))
    await audit.record(session, admin_id, f"broadcast.{status}", f"broadcast:{broadcast_id}")
    return True


async def complete_finished(session: AsyncSession) -> list[int]:
    """Broadcasts with nothing left to send are done; returns their ids (for the summary)."""
    open_work = exists().where(BroadcastDelivery.broadcast_id == Broadcast.id,
                               col(BroadcastDelivery.status).in_(OPEN))
    ids = list((await session.exec(select(Broadcast.id).where(Broadcast.status == SENDING, ~open_work))).all())
    if ids:
        await session.exec(update(Broadcast).where(col(Broadcast.id).in_(ids))
                           .values(status=DONE, finished_at=utcnow()))
    return ids


@dataclass(frozen=True)
class Figures:
    recipients: int
    sent: int
    failed: int
    blocked: int
    skipped: int
    remaining: int


async def figures(session: AsyncSession, broadcast_id: int) -> Figures:
    rows = (await session.exec(select(BroadcastDelivery.status, func.count())
                               .where(BroadcastDelivery.broadcast_id == broadcast_id)
                               .group_by(BroadcastDelivery.status))).all()
    by = {status: int(n) for status, n in rows}
    return Figures(sum(by.values()), by.get(SENT, 0), by.get(FAILED, 0) + by.get(PARKED, 0), by.get(BLOCKED, 0),
                   by.get(SKIPPED, 0), sum(by.get(s, 0) for s in OPEN))


async def parked_reasons(session: AsyncSession) -> list[tuple[str, int]]:
    """Why deliveries were parked, most frequent first (for /status)."""
    rows = (await session.exec(select(BroadcastDelivery.last_error, func.count())
                               .where(BroadcastDelivery.status == PARKED)
                               .group_by(BroadcastDelivery.last_error).order_by(func.count().desc()))).all()
    return [(reason or "internal", int(n)) for reason, n in rows]


async def created_since(session: AsyncSession, admin_id: int, since: datetime) -> bool:
    return (await session.exec(select(Broadcast.id).where(Broadcast.created_by == admin_id,
                                                          Broadcast.created_at >= since).limit(1))).first() is not None


async def recent(session: AsyncSession, limit: int = 10) -> list[Broadcast]:
    return list((await session.exec(select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit))).all())


async def set_opt_out(session: AsyncSession, user_id: int, opted_out: bool) -> None:
    """Opting out also skips what is queued for them (a sender holding one checks again before it goes out)."""
    await session.exec(update(User).where(User.telegram_id == user_id).values(announcements_opt_out=opted_out))
    if opted_out:
        await session.exec(update(BroadcastDelivery).where(BroadcastDelivery.user_id == user_id,
                                                           BroadcastDelivery.status == PENDING)
                           .values(status=SKIPPED, last_error="opted_out"))


async def set_progress_message(session: AsyncSession, broadcast_id: int, chat_id: int, message_id: int) -> None:
    await session.exec(update(Broadcast).where(Broadcast.id == broadcast_id)
                       .values(progress_chat_id=chat_id, progress_message_id=message_id))


async def mark_started(session: AsyncSession, broadcast_id: int, now: datetime) -> None:
    await session.exec(update(Broadcast).where(Broadcast.id == broadcast_id, col(Broadcast.started_at).is_(None))
                       .values(started_at=now))
