"""What the reminder job plans for, read from the tables: pledge months that need reminders and the workers who
asked to be reminded of their own contribution (bot.jobs.reminder_sender turns them into reminder rows).

Its own module because it joins pledges, users and applications, and models.pledge already uses models.reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.pledges.rules import ONGOING
from models.enrollment import REJECTED, EnrollmentApplication
from models.pledge import ACTIVE, MONTH_CANCELLED, MONTH_DUE, Pledge, PledgeBeneficiary, PledgeMonth
from models.reminder import PENDING, PLEDGE_MONTH, Reminder
from models.user import User


@dataclass(frozen=True)
class PledgeMonthToRemind:
    """An unpaid month of an active pledge with its sponsor's reminder settings."""

    month_id: int
    month: date
    due_date: date
    sponsor_id: int
    timezone: str | None
    hour: int
    days_before: int


@dataclass(frozen=True)
class WorkerToRemind:
    """A worker who asked for reminders of their own contribution, with their latest live application."""

    user: User
    application_id: int


async def pledge_months_to_remind(session: AsyncSession, due_from: date, due_until: date, *,
                                  sponsor_id: int | None = None) -> list[PledgeMonthToRemind]:
    """Unpaid months due in [due_from, due_until] of active pledges whose sponsor takes reminders (not blocked,
    not switched off for the pledge or the person), and that have no reminder waiting yet (planning again is
    then cheap, not just harmless)."""
    waiting = (select(Reminder.id).where(Reminder.recipient_id == Pledge.sponsor_id,
                                         Reminder.subject == PLEDGE_MONTH,
                                         Reminder.subject_id == PledgeMonth.id,
                                         Reminder.status == PENDING).exists())
    statement = (
        select(PledgeMonth.id, PledgeMonth.month, PledgeMonth.due_date, Pledge.sponsor_id, User.timezone,
               User.reminder_hour, User.reminder_days_before)
        .join(Pledge, Pledge.id == PledgeMonth.pledge_id)
        .join(User, User.telegram_id == Pledge.sponsor_id)
        .where(PledgeMonth.status == MONTH_DUE, Pledge.status == ACTIVE, col(Pledge.reminders_off).is_(False),
               col(User.reminders_enabled).is_(True), col(User.is_blocked).is_(False),
               PledgeMonth.due_date >= due_from, PledgeMonth.due_date <= due_until, ~waiting))
    if sponsor_id is not None:
        statement = statement.where(Pledge.sponsor_id == sponsor_id)
    return [PledgeMonthToRemind(*row) for row in (await session.exec(statement)).all()]


async def workers_to_remind(session: AsyncSession, *, user_id: int | None = None) -> list[WorkerToRemind]:
    """Opted-in workers who take reminders (not blocked), each once, with their latest application that was not
    rejected (or only `user_id`)."""
    statement = (
        select(User, EnrollmentApplication.id).join(EnrollmentApplication,
                                                    EnrollmentApplication.user_id == User.telegram_id)
        .where(col(User.reminder_opt_in).is_(True), col(User.reminders_enabled).is_(True),
               col(User.is_blocked).is_(False), EnrollmentApplication.status != REJECTED)
        .order_by(col(EnrollmentApplication.id).desc()))
    if user_id is not None:
        statement = statement.where(User.telegram_id == user_id)
    found: dict[int, WorkerToRemind] = {}
    for user, application_id in (await session.exec(statement)).all():
        found.setdefault(user.telegram_id, WorkerToRemind(user, application_id))  # newest first: the latest wins
    return list(found.values())


def last_months():  # noqa: ANN201 - a SQLAlchemy subquery
    """Each pledge's last month that was not cancelled, as a subquery (pledge_id, last_month)."""
    return (select(PledgeMonth.pledge_id, func.max(PledgeMonth.month).label("last_month"))
            .where(PledgeMonth.status != MONTH_CANCELLED).group_by(PledgeMonth.pledge_id).subquery())


@dataclass(frozen=True)
class PledgeEnding:
    """Someone to tell that a fixed-length pledge ends: its sponsor (beneficiary_id None) or an enrolled worker."""

    recipient_id: int
    pledge_id: int
    beneficiary_id: int | None
    last_month: date
    timezone: str | None
    hour: int


async def pledges_ending(session: AsyncSession, from_month: date, until_month: date, *,
                         user_id: int | None = None) -> list[PledgeEnding]:
    """Active fixed-length pledges whose last month lies in [from_month, until_month]: their sponsors, and the
    workers who enrolled through them (an application that was not rejected), each with their reminder settings
    (or only `user_id`'s)."""
    last = last_months()
    ending = (select(Pledge.id, Pledge.sponsor_id, last.c.last_month).join(last, last.c.pledge_id == Pledge.id)
              .where(Pledge.status == ACTIVE, Pledge.months != ONGOING, last.c.last_month >= from_month,
                     last.c.last_month <= until_month))
    found: list[PledgeEnding] = []
    for pledge_id, sponsor_id, last_month in (await session.exec(ending)).all():
        if sponsor_id is not None and user_id in (None, sponsor_id):
            user = await session.get(User, sponsor_id)
            if user is not None:
                found.append(PledgeEnding(sponsor_id, pledge_id, None, last_month, user.timezone, user.reminder_hour))
        workers = (await session.exec(
            select(PledgeBeneficiary, User).join(User, User.telegram_id == PledgeBeneficiary.worker_user_id)
            .join(EnrollmentApplication, EnrollmentApplication.id == PledgeBeneficiary.application_id)
            .where(PledgeBeneficiary.pledge_id == pledge_id, EnrollmentApplication.status != REJECTED))).all()
        found += [PledgeEnding(user.telegram_id, pledge_id, beneficiary.id, last_month, user.timezone,
                               user.reminder_hour)
                  for beneficiary, user in workers if user_id in (None, user.telegram_id)]
    return found


@dataclass(frozen=True)
class SponsorToReview:
    """A sponsor with an active pledge that had a month in `month`, with their reminder settings."""

    sponsor_id: int
    timezone: str | None
    hour: int


async def sponsors_with_month(session: AsyncSession, month: date, *, user_id: int | None = None,
                              ) -> list[SponsorToReview]:
    """Sponsors (taking reminders, not blocked) of active pledges with a month `month` (or only `user_id`)."""
    statement = (select(User.telegram_id, User.timezone, User.reminder_hour).distinct()
                 .join(Pledge, Pledge.sponsor_id == User.telegram_id)
                 .join(PledgeMonth, PledgeMonth.pledge_id == Pledge.id)
                 .where(Pledge.status == ACTIVE, PledgeMonth.month == month, PledgeMonth.status != MONTH_CANCELLED,
                        col(User.reminders_enabled).is_(True), col(User.is_blocked).is_(False)))
    if user_id is not None:
        statement = statement.where(User.telegram_id == user_id)
    return [SponsorToReview(*row) for row in (await session.exec(statement)).all()]
