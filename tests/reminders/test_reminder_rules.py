"""When reminders go out: local hours in WIB and WITA, quiet hours, month boundaries, downtime, backoff."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.reminders.rules import (
    BEFORE,
    DUE,
    OVERDUE,
    Preferences,
    outside_quiet_hours,
    plan,
    retry_at,
    still_useful,
    tomorrow,
)

UTC = timezone.utc
WITA, WIB = "Asia/Makassar", "Asia/Jakarta"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_three_reminders_at_nine_local_time_in_wita_and_wib() -> None:
    wita = {r.kind: r.due_at for r in plan(date(2026, 12, 15), Preferences(WITA))}
    wib = {r.kind: r.due_at for r in plan(date(2026, 12, 15), Preferences(WIB))}
    assert wita == {BEFORE: utc(2026, 12, 12, 1), DUE: utc(2026, 12, 15, 1), OVERDUE: utc(2026, 12, 18, 1)}
    assert wib == {BEFORE: utc(2026, 12, 12, 2), DUE: utc(2026, 12, 15, 2), OVERDUE: utc(2026, 12, 18, 2)}


def test_preferences_move_the_hour_and_the_days_before() -> None:
    planned = {r.kind: r.due_at for r in plan(date(2027, 3, 15), Preferences(WIB, hour=19, days_before=7))}
    assert planned[BEFORE] == utc(2027, 3, 8, 12)  # 19:00 WIB on the 8th
    assert planned[DUE] == utc(2027, 3, 15, 12)


@pytest.mark.parametrize("hour, local_hour", [(5, 7), (22, 20), (0, 7), (7, 7), (20, 20)])
def test_a_preferred_hour_inside_quiet_hours_is_moved_out(hour: int, local_hour: int) -> None:
    due = plan(date(2026, 12, 15), Preferences(WITA, hour=hour))[1].due_at
    assert (due + timedelta(hours=8)).hour == local_hour


def test_a_month_boundary_does_not_confuse_the_before_reminder() -> None:
    # February: 7 days before the 15th is the 8th; a March due date's "before" can fall in March only.
    assert plan(date(2027, 2, 15), Preferences(WITA, days_before=7))[0].due_at == utc(2027, 2, 8, 1)
    assert plan(date(2027, 1, 15), Preferences(WITA, days_before=3))[0].due_at.date() == date(2027, 1, 12)


@pytest.mark.parametrize("moment, tz, expected", [
    (utc(2026, 12, 1, 13, 30), WITA, utc(2026, 12, 1, 23)),   # 21:30 WITA -> 07:00 WITA next day
    (utc(2026, 12, 1, 22, 59), WITA, utc(2026, 12, 1, 23)),   # 06:59 WITA -> 07:00 WITA same day
    (utc(2026, 12, 1, 23, 0), WITA, utc(2026, 12, 1, 23, 0)),  # 07:00 WITA is allowed
    (utc(2026, 12, 1, 13, 30), WIB, utc(2026, 12, 1, 13, 30)),  # 20:30 WIB is allowed
    (utc(2026, 12, 1, 14, 0), WIB, utc(2026, 12, 2, 0)),       # 21:00 WIB -> 07:00 WIB next day
])
def test_nothing_goes_out_between_nine_at_night_and_seven_in_the_morning(moment: datetime, tz: str,
                                                                          expected: datetime) -> None:
    assert outside_quiet_hours(moment, tz) == expected


def test_after_downtime_only_reminders_of_the_same_local_day_are_still_useful() -> None:
    due = utc(2026, 12, 15, 1)  # 09:00 WITA on the 15th
    assert still_useful(due, utc(2026, 12, 15, 12), WITA)      # 20:00 WITA the same day
    assert not still_useful(due, utc(2026, 12, 15, 16), WITA)  # 00:00 WITA the 16th
    # 23:30 UTC on the 15th is already the 16th in WITA but still the 16th 06:30 in WIB: the user's zone decides.
    assert not still_useful(due, utc(2026, 12, 15, 23, 30), WITA)
    assert still_useful(utc(2026, 12, 15, 2), utc(2026, 12, 15, 16, 30), WIB)


def test_remind_me_tomorrow_crosses_the_month_end() -> None:
    assert tomorrow(utc(2026, 11, 30, 4), WITA, 9) == utc(2026, 12, 1, 1)
    assert tomorrow(utc(2026, 12, 31, 15, 30), WITA, 9) == utc(2027, 1, 1, 1)  # 23:30 WITA on the 31st
    assert tomorrow(utc(2026, 12, 31, 16, 30), WITA, 9) == utc(2027, 1, 2, 1)  # already 00:30 WITA on Jan 1


def test_retries_back_off() -> None:
    now = utc(2026, 12, 1, 3)
    assert [int((retry_at(n, now) - now).total_seconds()) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_every_reminder_kind_and_subject_fits_its_column() -> None:
    # PostgreSQL refuses a longer value where SQLite would keep it: checked here, on any backend.
    from bot.reminders import rules
    from models import reminder

    kinds = [rules.BEFORE, rules.DUE, rules.OVERDUE, rules.RENEW, rules.HANDOVER, rules.STATEMENT]
    subjects = [reminder.PLEDGE_MONTH, reminder.OWN_CONTRIBUTION, reminder.PLEDGE_END, reminder.HANDOVER,
                reminder.SPONSOR_STATEMENT]
    assert all(len(kind) <= reminder.Reminder.model_fields["kind"].metadata[0].max_length for kind in kinds)
    assert all(len(subject) <= 16 for subject in subjects)


def test_the_end_of_a_pledge_and_the_statement_are_announced_on_their_first_days() -> None:
    from bot.reminders.rules import Preferences, handover_notice, renewal_offer, statement_notice

    makassar = Preferences("Asia/Makassar", 9)
    early = datetime(2026, 11, 20, tzinfo=timezone.utc)
    # the offer on 1 December at 09:00 WITA for a pledge ending in January; the hand-over on 1 January
    assert [r.due_at for r in renewal_offer(date(2027, 1, 1), makassar, early)] == [
        datetime(2026, 12, 1, 1, tzinfo=timezone.utc)]
    assert [r.due_at for r in handover_notice(date(2027, 1, 1), makassar, early)] == [
        datetime(2027, 1, 1, 1, tzinfo=timezone.utc)]
    # late: now (a minute on), while it still helps; past the last month's due date the offer is not made
    late = datetime(2027, 1, 10, tzinfo=timezone.utc)
    assert [r.due_at for r in renewal_offer(date(2027, 1, 1), makassar, late)] == [late + timedelta(minutes=1)]
    assert renewal_offer(date(2027, 1, 1), makassar, datetime(2027, 1, 16, tzinfo=timezone.utc)) == []
    assert statement_notice(date(2026, 12, 1), makassar, datetime(2027, 1, 8, tzinfo=timezone.utc)) == []
