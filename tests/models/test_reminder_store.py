"""Reminders in the database and the dispatcher, on each backend, with a frozen clock and a fake Telegram:
planning twice changes nothing, claims never overlap, paid months stop, blocked users get nothing more,
transient errors are retried, quiet hours and downtime are respected."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

from sqlmodel import select
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.reminder_sender import ReminderService
from models import reminder
from models.pledge import cancel
from models.pledge_payments import record_payment
from models.reminder import Reminder, claim_due
from models.user import User
from tests.support.fake_bot import FakeBot
from tests.support.sponsors import BEFORE_DEC, CIPHER, DEC, SPONSOR, add_user, pledge_for

UTC = timezone.utc


def service(db: Database, bot: FakeBot, worker: str = "w1") -> ReminderService:
    return ReminderService(db, default_translator(), CIPHER, bot, PacedSender(1000),  # type: ignore[arg-type]
                           default_timezone="Asia/Makassar", worker=worker)


async def one_pledge_planned(db: Database, bot: FakeBot | None = None) -> tuple[FakeBot, ReminderService, int]:
    """A sponsor with a two-month pledge from December, its reminders planned on 1 December."""
    await add_user(db, SPONSOR)
    pledge_id = await pledge_for(db)
    bot = bot or FakeBot()
    jobs = service(db, bot)
    await jobs.plan_all(datetime(2026, 12, 1, 3, tzinfo=UTC))
    return bot, jobs, pledge_id


async def rows(db: Database) -> list[Reminder]:
    async with db.session() as session:
        return list((await session.exec(select(Reminder).order_by(Reminder.due_at, Reminder.id))).all())


async def test_planning_twice_changes_nothing_and_past_reminders_are_not_planned(db: Database) -> None:
    await add_user(db, SPONSOR)
    await pledge_for(db)
    jobs = service(db, FakeBot())
    now = datetime(2026, 12, 1, 3, tzinfo=UTC)
    first = await jobs.plan_all(now)
    assert first == 3  # December's three; January's are 45 days away, planned later
    assert await jobs.plan_all(now) == 0
    planned = await rows(db)
    assert [(r.month, r.kind, r.due_at) for r in planned[:3]] == [
        (DEC, "before", BEFORE_DEC), (DEC, "due", datetime(2026, 12, 15, 1, tzinfo=UTC)),
        (DEC, "overdue", datetime(2026, 12, 18, 1, tzinfo=UTC))]
    later = datetime(2026, 12, 16, 3, tzinfo=UTC)  # a pledge made after the due date gets only the overdue notice
    await pledge_for(db, sponsor=SPONSOR)
    # The new pledge gets only December's overdue notice and January's three; the first gets January's three.
    assert await jobs.plan_all(later) == 1 + 3 + 3


async def test_a_due_reminder_is_sent_once_with_its_buttons_and_recorded(db: Database) -> None:
    bot, jobs, _ = await one_pledge_planned(db)
    result = await jobs.dispatch_once(BEFORE_DEC + timedelta(minutes=1))
    assert (result.claimed, result.sent) == (1, 1)
    chat_id, text, markup = bot.sent[0]
    assert chat_id == SPONSOR and "Desember 2026" in text and "Rp16.800" in text and "A**** F****" in text
    assert [b.text for row in markup.inline_keyboard for b in row] == [
        "✅ Sudah bayar", "⏰ Ingatkan besok", "🔕 Berhenti pengingat"]
    assert (await jobs.dispatch_once(BEFORE_DEC + timedelta(minutes=2))).claimed == 0
    sent = [r for r in await rows(db) if r.status == reminder.SENT]
    assert len(sent) == 1 and sent[0].message_id == 1 and sent[0].kind == "before"


async def test_paying_the_month_cancels_its_remaining_reminders(db: Database) -> None:
    bot, jobs, pledge_id = await one_pledge_planned(db)
    async with db.transaction() as session:
        await record_payment(session, pledge_id, SPONSOR, 16_800, date(2026, 12, 2), None)
    december = [r for r in await rows(db) if r.month == DEC]
    assert {r.status for r in december} == {reminder.CANCELLED}
    for day in (12, 15, 18):
        await jobs.dispatch_once(datetime(2026, 12, day, 2, tzinfo=UTC))
    assert bot.sent == []
    async with db.transaction() as session:
        await cancel(session, pledge_id, SPONSOR)
    assert {r.status for r in await rows(db)} == {reminder.CANCELLED}


async def test_a_user_who_blocked_the_bot_is_marked_and_gets_nothing_more(db: Database) -> None:
    failing = FakeBot()
    failing.failures[SPONSOR] = [Forbidden("bot was blocked by the user")]
    bot, jobs, _ = await one_pledge_planned(db, failing)
    result = await jobs.dispatch_once(BEFORE_DEC)
    assert result.blocked == 1
    async with db.session() as session:
        assert (await session.get(User, SPONSOR)).is_blocked
    assert {r.status for r in await rows(db)} == {reminder.BLOCKED}
    assert (await jobs.dispatch_once(datetime(2026, 12, 15, 1, tzinfo=UTC))).claimed == 0


async def test_transient_errors_are_retried_with_backoff_and_retry_after_is_respected(db: Database) -> None:
    failing = FakeBot()
    failing.failures[SPONSOR] = [NetworkError("timed out"), RetryAfter(7)]
    bot, jobs, _ = await one_pledge_planned(db, failing)
    assert (await jobs.dispatch_once(BEFORE_DEC)).retried == 1
    waiting = (await rows(db))[0]
    assert waiting.status == reminder.PENDING and waiting.last_error == "NetworkError" and waiting.attempts == 1
    assert (await jobs.dispatch_once(waiting.due_at)).retried == 1  # RetryAfter: later, not lost
    waiting = (await rows(db))[0]
    assert waiting.last_error == "retry_after"
    assert (await jobs.dispatch_once(waiting.due_at)).sent == 1
    assert len(bot.sent) == 1


async def test_quiet_hours_hold_a_reminder_until_seven_and_downtime_expires_old_ones(db: Database) -> None:
    bot, jobs, _ = await one_pledge_planned(db)
    # The bot was down from before 09:00 until 21:30 WITA on the 12th: still the same day, but quiet hours.
    result = await jobs.dispatch_once(datetime(2026, 12, 12, 13, 30, tzinfo=UTC))
    assert result.retried == 1 and bot.sent == []
    held = (await rows(db))[0]
    assert held.due_at == datetime(2026, 12, 12, 23, tzinfo=UTC)  # 07:00 WITA on the 13th
    assert (await jobs.dispatch_once(datetime(2026, 12, 12, 23, 1, tzinfo=UTC))).sent == 1
    # Down over the whole due date: the 15th's reminder is expired on the 16th, never sent late.
    result = await jobs.dispatch_once(datetime(2026, 12, 16, 2, tzinfo=UTC))
    assert result.expired == 1 and len(bot.sent) == 1
    assert [r.status for r in await rows(db) if r.kind == "due" and r.month == DEC] == [reminder.EXPIRED]


async def test_concurrent_claims_never_overlap(db: Database) -> None:
    for user_id in range(8_000, 8_040):
        await add_user(db, user_id)
        await pledge_for(db, sponsor=user_id)
    jobs = service(db, FakeBot())
    await jobs.plan_all(datetime(2026, 12, 1, 3, tzinfo=UTC))

    async def claim(worker: str) -> list[int]:
        taken: list[int] = []
        while True:
            async with db.transaction() as session:
                batch = await claim_due(session, worker, BEFORE_DEC, 7)
                await asyncio.sleep(0.01)  # hold the claim's locks a little, as a sending worker does
            if not batch:
                return taken
            taken += [r.id for r in batch]

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert len(first) + len(second) == 40 and not set(first) & set(second)


async def test_a_claim_left_by_a_dead_process_is_offered_again(db: Database) -> None:
    bot, jobs, _ = await one_pledge_planned(db)
    async with db.transaction() as session:
        assert len(await claim_due(session, "dead", BEFORE_DEC, 10)) == 1  # claimed, then the process died
    assert (await jobs.dispatch_once(BEFORE_DEC + timedelta(minutes=1))).claimed == 0  # not yet: maybe still sending
    result = await jobs.dispatch_once(BEFORE_DEC + reminder.CLAIM_TIMEOUT + timedelta(minutes=1))
    assert result.released == 1 and result.sent == 1
