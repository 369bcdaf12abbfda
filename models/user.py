"""Telegram users of the bot and the queries that belong to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Column, func, update
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reminders.rules import DEFAULT_DAYS_BEFORE, DEFAULT_HOUR
from models.base import UTCDateTime, insert_for, utcnow

ROLE_USER = "user"
ROLE_ADMIN = "admin"


class User(SQLModel, table=True):
    __tablename__ = "users"

    # Telegram ids exceed 32 bits.
    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str = Field(default="", max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language: str = Field(default="id", max_length=2)
    role: str = Field(default=ROLE_USER, max_length=16)
    province: str | None = Field(default=None, max_length=64)
    timezone: str = Field(default="Asia/Makassar", max_length=64)
    is_blocked: bool = Field(default=False)
    reminder_opt_in: bool = Field(default=False)  # a worker's reminders for their own contribution
    reminder_hour: int = Field(default=DEFAULT_HOUR, sa_column_kwargs={"server_default": str(DEFAULT_HOUR)})
    reminder_days_before: int = Field(default=DEFAULT_DAYS_BEFORE,
                                      sa_column_kwargs={"server_default": str(DEFAULT_DAYS_BEFORE)})
    reminders_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    announcements_opt_out: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True, slots=True)
class UserProfile:
    """What a handler needs to know about the person it is answering."""

    telegram_id: int
    language: str
    role: str
    timezone: str
    is_blocked: bool


async def upsert_user(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None,
    default_language: str,
    default_timezone: str,
    role: str,
    interacting: bool,
) -> UserProfile:
    """Create the user on first contact, refresh name/username/role after; one round trip.

    `interacting` is True when the user wrote or pressed something themself: that proves they have
    not blocked the bot, so the blocked flag is cleared. Membership updates pass False.
    """
    now = utcnow()
    table = User.__table__
    insert = insert_for(session)
    values = {
        "telegram_id": telegram_id,
        "first_name": first_name[:128],
        "username": (username or None) and username[:64],
        "language": default_language,
        "role": role,
        "timezone": default_timezone,
        "is_blocked": False,
        "reminder_opt_in": False,
        "created_at": now,
        "updated_at": now,
    }
    statement = insert(table).values(**values)
    changes = {
        "first_name": statement.excluded.first_name,
        "username": statement.excluded.username,
        "role": statement.excluded.role,
        "updated_at": statement.excluded.updated_at,
    }
    if interacting:
        changes["is_blocked"] = False
    statement = statement.on_conflict_do_update(index_elements=[table.c.telegram_id], set_=changes).returning(
        table.c.telegram_id, table.c.language, table.c.role, table.c.timezone, table.c.is_blocked
    )
    row = (await session.exec(statement)).one()
    return UserProfile(*row)


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.get(User, telegram_id)


async def count_blocked(session: AsyncSession) -> int:
    """How many users have blocked the bot (admins' /status)."""
    return int((await session.exec(select(func.count()).select_from(User).where(col(User.is_blocked).is_(True))))
               .one())


async def set_language(session: AsyncSession, telegram_id: int, language: str) -> None:
    await session.exec(
        update(User).where(User.telegram_id == telegram_id).values(language=language, updated_at=utcnow())
    )


REMINDER_SETTINGS = frozenset({"reminder_hour", "reminder_days_before", "reminder_opt_in", "reminders_enabled"})


async def set_reminder_settings(session: AsyncSession, telegram_id: int, **changes: object) -> None:
    unknown = set(changes) - REMINDER_SETTINGS
    if unknown:
        raise ValueError(f"not a reminder setting: {sorted(unknown)}")
    await session.exec(update(User).where(User.telegram_id == telegram_id).values(updated_at=utcnow(), **changes))


async def set_blocked(session: AsyncSession, telegram_id: int, blocked: bool) -> bool:
    """Record that the user blocked (or unblocked) the bot; returns False for an unknown user."""
    result = await session.exec(
        update(User).where(User.telegram_id == telegram_id).values(is_blocked=blocked, updated_at=utcnow())
    )
    return bool(result.rowcount)
