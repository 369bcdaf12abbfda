"""The dashboard's figures, counted in the database (a handful of aggregate queries; no rows are loaded)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.calendar import add_months
from bot.enrollment.statuses import APPLICATION_STATUSES, REGISTERED
from bot.pledges.worker_status import LAPSED_AFTER, STATUSES, PaidMonth, worker_status
from bot.reports.dashboard import (
    DashboardFigures,
    MonthOutcomes,
    WeekCounts,
    month_outcome,
    week_starts,
)
from models import broadcast, reminder
from models.enrollment import EnrollmentApplication
from models.pledge import (
    ACTIVE,
    MONTH_CANCELLED,
    MONTH_DUE,
    MONTH_PAID,
    Pledge,
    PledgeBeneficiary,
    PledgeMonth,
    PledgePayment,
    PledgePaymentAllocation,
    PledgeWorkerMonth,
)
from models.reminder_planning import last_months
from models.user import User


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


async def dashboard_figures(session: AsyncSession, now: datetime, timezone: str) -> DashboardFigures:
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    today = local_now.date()

    by_status = {status: 0 for status in APPLICATION_STATUSES}
    rows = await session.exec(select(EnrollmentApplication.status, func.count())
                              .group_by(EnrollmentApplication.status))
    by_status.update({status: count for status, count in rows.all()})
    rows = await session.exec(select(EnrollmentApplication.province, func.count())
                              .group_by(EnrollmentApplication.province))
    by_province = {province: count for province, count in rows.all()}

    active, sponsored = (await session.exec(
        select(func.count(), func.coalesce(func.sum(Pledge.worker_count), 0)).where(Pledge.status == ACTIVE))).one()
    enrolled = (await session.exec(
        select(func.count()).select_from(PledgeBeneficiary).join(Pledge, Pledge.id == PledgeBeneficiary.pledge_id)
        .where(Pledge.status == ACTIVE, PledgeBeneficiary.application_id.is_not(None)))).one()

    reminders_sent, reminders_week = (await session.exec(
        select(func.count(), func.coalesce(func.sum(case((reminder.Reminder.sent_at >= now - timedelta(days=7), 1),
                                                         else_=0)), 0))
        .where(reminder.Reminder.status == reminder.SENT))).one()
    broadcasts, broadcast_messages = (await session.exec(
        select(func.count(distinct(broadcast.BroadcastDelivery.broadcast_id)), func.count())
        .where(broadcast.BroadcastDelivery.status == broadcast.SENT))).one()

    ended = await _pledge_endings(session)
    workers = await _workers_by_status(session, today)

    return DashboardFigures(
        generated_at=local_now, timezone=timezone, applications_by_status=by_status,
        applications_by_province=by_province, active_pledges=active, workers_sponsored=int(sponsored),
        sponsored_enrolled=enrolled, months=await _month_outcomes(session, today, zone),
        reminders_sent=reminders_sent, reminders_sent_week=int(reminders_week), broadcasts=broadcasts,
        broadcast_messages=broadcast_messages, weeks=await _weekly(session, today, zone), workers_by_status=workers,
        **ended)


async def _pledge_endings(session: AsyncSession) -> dict[str, int]:
    """Renewal offers sent, the pledges renewed after one (their last month moved past the offer's), and workers
    told that their sponsored months end."""
    sent = (reminder.Reminder.status == reminder.SENT)
    last = last_months()
    offers, renewed = (await session.exec(
        select(func.count(), func.coalesce(func.sum(case((last.c.last_month > reminder.Reminder.month, 1),
                                                         else_=0)), 0))
        .select_from(reminder.Reminder).join(last, last.c.pledge_id == reminder.Reminder.subject_id)
        .where(reminder.Reminder.subject == reminder.PLEDGE_END, sent))).one()
    handovers = (await session.exec(select(func.count()).select_from(reminder.Reminder)
                                    .where(reminder.Reminder.subject == reminder.HANDOVER, sent))).one()
    return {"renewal_offers": int(offers), "renewed": int(renewed), "handovers": int(handovers)}


async def _workers_by_status(session: AsyncSession, today: date) -> dict[str, int]:
    """The workers of active pledges by where they stand (bot/pledges/worker_status.py), in three queries whatever
    the number of pledges: the workers counted by invitation opened and application status, then the registered
    workers' months that decide where they stand (the last LAPSED_AFTER past their due date, and this month), then
    which of this month's wait on an unverified payment."""
    counts = dict.fromkeys(STATUSES, 0)
    opened = PledgeBeneficiary.worker_user_id.is_not(None)
    groups = (await session.exec(
        select(opened, EnrollmentApplication.status, func.count())
        .select_from(PledgeBeneficiary).join(Pledge, Pledge.id == PledgeBeneficiary.pledge_id)
        .join(EnrollmentApplication, EnrollmentApplication.id == PledgeBeneficiary.application_id, isouter=True)
        .where(Pledge.status == ACTIVE).group_by(opened, EnrollmentApplication.status))).all()
    for was_opened, status, count in groups:
        if status != REGISTERED:  # where they stand does not depend on months yet
            counts[worker_status(opened=bool(was_opened), application_status=status, months=(), today=today)] += count
    this_month = today.replace(day=1)
    parts = (await session.exec(
        select(PledgeWorkerMonth.id, PledgeWorkerMonth.beneficiary_id, PledgeMonth.month, PledgeMonth.due_date,
               PledgeWorkerMonth.amount_paid >= PledgeWorkerMonth.amount_due)
        .join(PledgeMonth, PledgeMonth.id == PledgeWorkerMonth.month_id)
        .join(PledgeBeneficiary, PledgeBeneficiary.id == PledgeWorkerMonth.beneficiary_id)
        .join(Pledge, Pledge.id == PledgeBeneficiary.pledge_id)
        .join(EnrollmentApplication, EnrollmentApplication.id == PledgeBeneficiary.application_id)
        .where(Pledge.status == ACTIVE, EnrollmentApplication.status == REGISTERED,
               PledgeMonth.status != MONTH_CANCELLED, PledgeMonth.month >= add_months(this_month, -LAPSED_AFTER),
               or_(PledgeMonth.due_date < today, PledgeMonth.month == this_month)))).all()
    waiting = set((await session.exec(
        select(PledgePaymentAllocation.worker_month_id)
        .join(PledgePayment, PledgePayment.id == PledgePaymentAllocation.payment_id)
        .join(PledgeMonth, PledgeMonth.id == PledgePaymentAllocation.month_id)
        .where(PledgePayment.verified_at.is_(None), PledgeMonth.month == this_month))).all())
    months: dict[int, list[PaidMonth]] = {}
    for part_id, worker_id, month, due, paid in parts:
        months.setdefault(worker_id, []).append(
            PaidMonth(month, due, bool(paid), bool(paid) and part_id not in waiting))
    registered = sum(count for _opened, status, count in groups if status == REGISTERED)
    for seen in months.values():
        counts[worker_status(opened=True, application_status=REGISTERED, months=seen, today=today)] += 1
    # a registered worker with no month yet to count stands as registered
    without_months = registered - len(months)
    counts[worker_status(opened=True, application_status=REGISTERED, months=(), today=today)] += without_months
    return counts


async def _month_outcomes(session: AsyncSession, today: date, zone: ZoneInfo) -> MonthOutcomes:
    counts = {"on_time": 0, "late": 0, "unpaid": 0, "upcoming": 0}
    rows = (await session.exec(select(PledgeMonth.status, PledgeMonth.due_date, func.count())
                               .where(PledgeMonth.status.in_((MONTH_DUE, MONTH_PAID)))
                               .group_by(PledgeMonth.status, PledgeMonth.due_date))).all()
    paid_due_dates = []
    for status, due_date, count in rows:
        if status == MONTH_PAID:
            paid_due_dates.append(due_date)
            counts["late"] += count  # the on-time ones are moved below
        else:
            counts[month_outcome(status, due_date, None, today)] += count
    if paid_due_dates:
        # On time = recorded before the end of the due date, local time. Due dates are few (one a month), so one
        # condition per due date keeps the count in the database on both backends.
        on_time = (await session.exec(select(func.count()).where(
            PledgeMonth.status == MONTH_PAID,
            or_(*(and_(PledgeMonth.due_date == day, PledgeMonth.paid_at < _local_midnight(day + timedelta(days=1), zone))
                  for day in paid_due_dates))))).one()
        counts["on_time"] += on_time
        counts["late"] -= on_time
    return MonthOutcomes(**counts)


async def _weekly(session: AsyncSession, today: date, zone: ZoneInfo) -> tuple[WeekCounts, ...]:
    mondays = week_starts(today)
    edges = [_local_midnight(day, zone) for day in mondays] + [_local_midnight(mondays[-1] + timedelta(weeks=1), zone)]

    async def per_week(column) -> list[int]:  # noqa: ANN001
        # One pass: each row's week number from a CASE over the (ascending) week boundaries, then GROUP BY.
        week = case(*((column < end, index) for index, end in enumerate(edges[1:])), else_=-1).label("week")
        counts = [0] * len(mondays)
        rows = await session.exec(select(week, func.count()).where(column >= edges[0]).group_by(week))
        for index, count in rows.all():
            if 0 <= index < len(counts):
                counts[index] = count
        return counts

    users = await per_week(User.created_at)
    applications = await per_week(EnrollmentApplication.created_at)
    pledges = await per_week(Pledge.created_at)
    return tuple(WeekCounts(day, u, a, p) for day, u, a, p in zip(mondays, users, applications, pledges))
