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
