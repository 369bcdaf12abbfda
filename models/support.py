"""Questions passed to a person (the `manusia` handoff): forwarded to the support chat and linked back from it, or,
with no support chat, kept in the admins' inbox (/tiket) until an admin answers and closes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, Text, func, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.identity import mask_personal_numbers
from models import audit
from models.base import UTCDateTime, utcnow

DRAFT = "draft"  # the user's question is kept, not yet sent to a person
AWAITING_TEXT = "awaiting_text"  # the user pressed "ask a person" and we wait for their message
SENDING = "sending"  # claimed by one press of the button; guards against a double press
SENT = "sent"  # passed to a person: forwarded to the support chat, or kept in the inbox (no support chat)
ANSWERED = "answered"  # a person answered; more answers may follow until it is closed
CLOSED = "closed"  # done: no further answer goes to the user

PASSED_ON = (SENT, ANSWERED, CLOSED)  # what the user really passed to a person (drafts and waiting ones are not)
OPEN = (SENT, ANSWERED)

MAX_QUESTION = 2000
AWAITING_WINDOW = timedelta(minutes=30)


class SupportTicket(SQLModel, table=True):
    __tablename__ = "support_tickets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    question: str = Field(default="", sa_column=Column(Text, nullable=False))
    language: str = Field(default="id", max_length=2)
    status: str = Field(default=DRAFT, max_length=16, index=True)  # the inbox lists a few open among many drafts
    support_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    support_message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


async def create_ticket(session: AsyncSession, user_id: int, question: str, language: str,
                        status: str = DRAFT) -> SupportTicket:
    ticket = SupportTicket(user_id=user_id, question=mask_personal_numbers(question)[:MAX_QUESTION], language=language, status=status)
    session.add(ticket)
    await session.flush()
    return ticket


async def claim_for_sending(session: AsyncSession, ticket_id: int, user_id: int) -> SupportTicket | None:
    """Atomically move the user's own draft to SENDING; None if it is not theirs or was already sent."""
    result = await session.exec(
        update(SupportTicket)
        .where(SupportTicket.id == ticket_id, SupportTicket.user_id == user_id, SupportTicket.status == DRAFT)
        .values(status=SENDING, updated_at=utcnow())
    )
    if not result.rowcount:
        return None
    return await session.get(SupportTicket, ticket_id)


async def ticket_status(session: AsyncSession, ticket_id: int, user_id: int) -> str | None:
    ticket = await session.get(SupportTicket, ticket_id)
    return ticket.status if ticket is not None and ticket.user_id == user_id else None


async def mark_sent(session: AsyncSession, ticket_id: int, chat_id: int, message_id: int) -> None:
    await session.exec(
        update(SupportTicket).where(SupportTicket.id == ticket_id)
        .values(status=SENT, support_chat_id=chat_id, support_message_id=message_id, updated_at=utcnow())
    )


async def release(session: AsyncSession, ticket_id: int) -> None:
    """Sending failed: back to a draft the user can send again."""
    await session.exec(update(SupportTicket).where(SupportTicket.id == ticket_id, SupportTicket.status == SENDING)
                       .values(status=DRAFT, updated_at=utcnow()))


async def awaiting_text(session: AsyncSession, user_id: int) -> bool:
    """Whether the user pressed "ask a person" recently and the bot waits for their message (a cheap read, so
    ordinary questions need no write transaction)."""
    since = utcnow() - AWAITING_WINDOW
    found = (await session.exec(
        select(SupportTicket.id).where(SupportTicket.user_id == user_id, SupportTicket.status == AWAITING_TEXT,
                                       SupportTicket.created_at >= since).limit(1))).first()
    return found is not None


async def take_awaiting(session: AsyncSession, user_id: int, question: str) -> SupportTicket | None:
    """The user's ticket that waits for their message (recent only): fill in `question`, move to SENDING."""
    since = utcnow() - AWAITING_WINDOW
    ticket = (await session.exec(
        select(SupportTicket).where(SupportTicket.user_id == user_id, SupportTicket.status == AWAITING_TEXT,
                                    SupportTicket.created_at >= since)
        .order_by(SupportTicket.id.desc()).limit(1)
    )).first()
    if ticket is None:
        return None
    ticket.question, ticket.status, ticket.updated_at = mask_personal_numbers(question)[:MAX_QUESTION], SENDING, utcnow()
    return ticket


async def find_by_support_message(session: AsyncSession, chat_id: int, message_id: int) -> SupportTicket | None:
    return (await session.exec(
        select(SupportTicket).where(SupportTicket.support_chat_id == chat_id,
                                    SupportTicket.support_message_id == message_id)
    )).first()


async def mark_answered(session: AsyncSession, ticket_id: int) -> None:
    await session.exec(update(SupportTicket).where(SupportTicket.id == ticket_id)
                       .values(status=ANSWERED, updated_at=utcnow()))


async def mark_kept(session: AsyncSession, ticket_id: int) -> bool:
    """No support chat: the claimed ticket is passed on by keeping it for the admins' inbox."""
    result = await session.exec(update(SupportTicket).where(SupportTicket.id == ticket_id,
                                                            SupportTicket.status == SENDING)
                                .values(status=SENT, support_chat_id=None, support_message_id=None,
                                        updated_at=utcnow()))
    return bool(result.rowcount)


async def passed_on(session: AsyncSession, ticket_id: int) -> SupportTicket | None:
    """A ticket a person may see: only questions the user chose to pass on, never their drafts."""
    ticket = await session.get(SupportTicket, ticket_id)
    return ticket if ticket is not None and ticket.status in PASSED_ON else None


async def count_open(session: AsyncSession) -> int:
    return int((await session.exec(select(func.count()).select_from(SupportTicket)
                                   .where(col(SupportTicket.status).in_(OPEN)))).one())


async def open_tickets(session: AsyncSession, offset: int, limit: int) -> list[SupportTicket]:
    """Open tickets, newest first."""
    return list((await session.exec(
        select(SupportTicket).where(col(SupportTicket.status).in_(OPEN))
        .order_by(SupportTicket.id.desc()).offset(offset).limit(limit))).all())


async def record_answer(session: AsyncSession, ticket_id: int, admin_id: int) -> bool:
    """An admin's answer reached the user: ANSWERED (still open), audited; False if it was closed meanwhile."""
    result = await session.exec(update(SupportTicket)
                                .where(SupportTicket.id == ticket_id, col(SupportTicket.status).in_(OPEN))
                                .values(status=ANSWERED, updated_at=utcnow()))
    if not result.rowcount:
        return False
    await audit.record(session, admin_id, "ticket.answered", f"ticket:{ticket_id}")
    return True


async def close(session: AsyncSession, ticket_id: int, admin_id: int) -> bool:
    """Close an open ticket, audited; False when it is not open (closed already, a double press, unknown)."""
    result = await session.exec(update(SupportTicket)
                                .where(SupportTicket.id == ticket_id, col(SupportTicket.status).in_(OPEN))
                                .values(status=CLOSED, updated_at=utcnow()))
    if not result.rowcount:
        return False
    await audit.record(session, admin_id, "ticket.closed", f"ticket:{ticket_id}")
    return True


async def count_passed_on(session: AsyncSession, user_id: int) -> int:
    """How many questions the user really passed to a person (for /datasaya)."""
    return int((await session.exec(select(func.count()).select_from(SupportTicket)
                                   .where(SupportTicket.user_id == user_id,
                                          col(SupportTicket.status).in_(PASSED_ON)))).one())
