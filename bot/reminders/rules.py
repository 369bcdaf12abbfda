"""Payment reminders, without Telegram or tables: when each reminder is due, quiet hours, what is still worth
sending after downtime, and the retry backoff.

Informal workers pay by the 15th of the month being paid for, and three unpaid months in a row end the protection
(shared/domain §2). For each unpaid month a recipient gets, at their preferred hour in their own time zone:
- "before": a few days before the due date (3 by default),
- "due": on the due date if still unpaid,
- "overdue": one notice after it that explains the three-month rule.
Nothing is ever sent between 21:00 and 07:00 local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.core.calendar import add_months, due_date

BEFORE, DUE, OVERDUE = "before", "due", "overdue"
KINDS = (BEFORE, DUE, OVERDUE)
DEFAULT_HOUR = 9
DEFAULT_DAYS_BEFORE = 3
OVERDUE_AFTER_DAYS = 3
HOUR_CHOICES = (7, 9, 12, 16, 19)
DAYS_BEFORE_CHOICES = (1, 3, 5, 7)
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)
MAX_ATTEMPTS = 5  # transient send errors are retried this many times, with backoff


@dataclass(frozen=True)
class Preferences:
    timezone: str = "Asia/Makassar"
    hour: int = DEFAULT_HOUR
    days_before: int = DEFAULT_DAYS_BEFORE


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    due_at: datetime  # UTC


def _at_local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), zone).astimezone(timezone.utc)


def outside_quiet_hours(moment: datetime, tz: str) -> datetime:
    """`moment`, or the next 07:00 local time when it falls between 21:00 and 07:00 there."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    if local.time() >= QUIET_FROM:
        return datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, zone).astimezone(timezone.utc)
    if local.time() < QUIET_UNTIL:
        return datetime.combine(local.date(), QUIET_UNTIL, zone).astimezone(timezone.utc)
    return moment


def plan(due_date: date, preferences: Preferences) -> list[PlannedReminder]:
    """The three reminders for one unpaid month, at the preferred hour (kept out of quiet hours)."""
    zone = ZoneInfo(preferences.timezone)
    hour = min(max(preferences.hour, QUIET_UNTIL.hour), QUIET_FROM.hour - 1)
    days = {BEFORE: due_date - timedelta(days=preferences.days_before), DUE: due_date,
            OVERDUE: due_date + timedelta(days=OVERDUE_AFTER_DAYS)}
    return [PlannedReminder(kind, _at_local(day, hour, zone)) for kind, day in days.items()]


def still_useful(due_at: datetime, now: datetime, tz: str) -> bool:
    """A reminder that came due while nothing was running goes out if it is still the same local day."""
    zone = ZoneInfo(tz)
    return now.astimezone(zone).date() <= due_at.astimezone(zone).date()


def retry_at(attempts: int, now: datetime) -> datetime:
    """Backoff after a transient failure: 30 s, 1 min, 2 min, 4 min, ..."""
    return now + timedelta(seconds=30 * 2 ** max(0, attempts - 1))


def tomorrow(now: datetime, tz: str, hour: int) -> datetime:
    """'Ingatkan besok': the preferred hour of the next local day."""
    zone = ZoneInfo(tz)
    return _at_local(now.astimezone(zone).date() + timedelta(days=1), hour, zone)


# A fixed-length pledge's end (bot/jobs/reminder_sender.py): the sponsor is offered a renewal from the first day of
# the month before its last month, and each enrolled worker is told it ends from the first day of that last month
# (when it was not renewed by then). A notice whose day has passed goes out now, while it still helps: the renewal
# until the last month's due date, the hand-over until the next month's.
RENEW, HANDOVER = "renew", "handover"


def _notice(first_day: date, useful_until: date, preferences: Preferences, now: datetime) -> datetime | None:
    zone = ZoneInfo(preferences.timezone)
    if now.astimezone(zone).date() > useful_until:
        return None
    hour = min(max(preferences.hour, QUIET_UNTIL.hour), QUIET_FROM.hour - 1)
    return max(_at_local(first_day, hour, zone), now + timedelta(minutes=1))


def renewal_offer(last_month: date, preferences: Preferences, now: datetime) -> list[PlannedReminder]:
    """When to offer the sponsor one-tap renewal of a pledge whose last month is `last_month`."""
    at = _notice(add_months(last_month, -1), due_date(last_month), preferences, now)
    return [PlannedReminder(RENEW, at)] if at else []


def handover_notice(last_month: date, preferences: Preferences, now: datetime) -> list[PlannedReminder]:
    """When to tell a sponsored worker that the sponsor's months end with `last_month`."""
    at = _notice(last_month, due_date(add_months(last_month, 1)), preferences, now)
    return [PlannedReminder(HANDOVER, at)] if at else []


# A sponsor's monthly statement (bot/jobs/reminder_sender.py): on the first day of each month, at their hour, about
# the month just ended; a statement still unsent after the first week is no longer news.
STATEMENT = "review"  # the reminder kind (at most 8 characters)
STATEMENT_USEFUL_DAYS = 7


def statement_notice(month_ended: date, preferences: Preferences, now: datetime) -> list[PlannedReminder]:
    """When to send the statement of `month_ended` (the first day of the month after it)."""
    first = add_months(month_ended, 1)
    at = _notice(first, first + timedelta(days=STATEMENT_USEFUL_DAYS - 1), preferences, now)
    return [PlannedReminder(STATEMENT, at)] if at else []
