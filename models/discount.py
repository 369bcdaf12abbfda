"""Discount periods on contributions (seeded with PP 50/2025 by a migration; admins manage them with /diskon)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.contributions.rules import Discount
from models import audit
from models.base import UTCDateTime, utcnow


class DiscountPeriod(SQLModel, table=True):
    __tablename__ = "discount_periods"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    legal_basis: str = Field(max_length=128)
    percent: int
    first_month: date = Field(sa_column=Column(Date, nullable=False))
    last_month: date = Field(sa_column=Column(Date, nullable=False))
    programs: str = Field(max_length=32)  # comma-separated program ids, e.g. "jkk,jkm"
    audience: str = Field(max_length=16)  # transport | other | all
    excludes_government_paid: bool = Field(default=True)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

    def can_end_after(self, month: date) -> bool:
        """Whether ending it after `month`'s contribution changes anything: it has months after `month`, and was
        not already called off before it began (last month before the first)."""
        return self.last_month > month and self.last_month >= self.first_month

    def rule(self) -> Discount:
        return Discount(name=self.name, legal_basis=self.legal_basis, percent=self.percent,
                        first_month=self.first_month, last_month=self.last_month,
                        programs=frozenset(p for p in self.programs.split(",") if p), audience=self.audience,
                        excludes_government_paid=self.excludes_government_paid, id=self.id)


async def all_periods(session: AsyncSession) -> list[DiscountPeriod]:
    return list((await session.exec(select(DiscountPeriod).order_by(DiscountPeriod.first_month,
                                                                    DiscountPeriod.id))).all())


def in_listing_order(periods: list[DiscountPeriod], month: date) -> list[DiscountPeriod]:
    """Running and coming periods first (as stored), then ended ones newest first: if a listing outgrows one
    message, what drops off the end is what ended longest ago."""
    ended = sorted((p for p in periods if p.last_month < month), key=lambda p: (p.last_month, p.id), reverse=True)
    return [p for p in periods if p.last_month >= month] + ended


async def rules(session: AsyncSession) -> list[Discount]:
    return [period.rule() for period in await all_periods(session) if period.last_month >= period.first_month]


async def add_period(session: AsyncSession, discount: Discount, actor_id: int) -> DiscountPeriod:
    period = DiscountPeriod(name=discount.name, legal_basis=discount.legal_basis, percent=discount.percent,
                            first_month=discount.first_month, last_month=discount.last_month,
                            programs=",".join(sorted(discount.programs)), audience=discount.audience,
                            excludes_government_paid=discount.excludes_government_paid, created_by=actor_id)
    session.add(period)
    await session.flush()
    await audit.record(session, actor_id, "discount.add", f"discount:{period.id}", name=period.name,
                       percent=period.percent, first_month=period.first_month, last_month=period.last_month,
                       programs=period.programs, audience=period.audience)
    return period


async def end_period(session: AsyncSession, period_id: int, last_month: date, actor_id: int) -> DiscountPeriod | None:
    """End a period early: its last month becomes `last_month` (never later than it was)."""
    period = await session.get(DiscountPeriod, period_id)
    if period is None or last_month >= period.last_month:
        return None
    previous = period.last_month
    period.last_month, period.ended_by, period.ended_at = last_month, actor_id, utcnow()
    await audit.record(session, actor_id, "discount.end", f"discount:{period.id}", previous_last_month=previous,
                       last_month=last_month)
    return period
