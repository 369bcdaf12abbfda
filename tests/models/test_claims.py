"""Fenced claims, on each backend: a sender that stalls past its lease cannot send or record what another sender
took over, so nobody gets a reminder or an announcement twice; a row already handed to Telegram is left to its
sender until the in-flight timeout says that sender is dead."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.reminder_sender import ReminderService
from models import broadcast as deliveries
from models import claims, reminder
from models.broadcast import Audience
from models.reminder import Reminder, claim_due
from models.user import upsert_user
from tests.support.fake_bot import FakeBot, HoldingBot
from tests.support.sponsors import BEFORE_DEC, CIPHER, add_user, pledge_for

SPONSORS = list(range(31_001, 31_011))  # ten


def reminders_by(db: Database, bot: FakeBot, worker: str) -> ReminderService:
    return ReminderService(db, default_translator(), CIPHER, bot, PacedSender(1000),  # type: ignore[arg-type]
                           default_timezone="Asia/Makassar", worker=worker, concurrency=1)


def per_chat(*bots: FakeBot) -> Counter:
    return Counter(chat for bot in bots for chat, _, _ in bot.sent)


async def test_a_stalled_reminder_worker_sends_nothing_that_another_took_over(db: Database) -> None:
    for sponsor in SPONSORS:
        await add_user(db, sponsor)
        await pledge_for(db, sponsor=sponsor)
    slow_bot, other_bot = HoldingBot(), FakeBot()
    slow = reminders_by(db, slow_bot, "slow")
    await slow.plan_all(datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
    slow_run = asyncio.create_task(slow.dispatch_once(BEFORE_DEC))
    await asyncio.wait_for(slow_bot.holding.wait(), 10)  # one handed to Telegram, nine claimed behind it
    # The lease runs out while the slow worker hangs: the other worker takes over the nine it had not handed yet.
    taken = await reminders_by(db, other_bot, "other").dispatch_once(BEFORE_DEC + reminder.CLAIM_TIMEOUT
                                                                     + timedelta(seconds=1))
    assert (taken.released, taken.sent) == (9, 9)
    slow_bot.go.set()
    result = await asyncio.wait_for(slow_run, 10)
    assert (result.claimed, result.sent, result.taken_over) == (10, 1, 9)
    assert per_chat(slow_bot, other_bot) == Counter(SPONSORS)
    async with db.session() as session:
        statuses = Counter(r.status for r in (await session.exec(
            select(Reminder).where(Reminder.kind == "before"))).all())
    assert statuses == Counter({reminder.SENT: 10})


async def test_a_handed_reminder_waits_for_the_in_flight_timeout_not_the_lease(db: Database) -> None:
    await add_user(db, SPONSORS[0])
    await pledge_for(db, sponsor=SPONSORS[0])
    jobs = reminders_by(db, FakeBot(), "other")
    await jobs.plan_all(datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
    async with db.transaction() as session:  # a worker hands it to Telegram, then dies before recording
        (dead,) = await claim_due(session, "dead", BEFORE_DEC, 10)
        assert await reminder.hand_to_telegram(session, dead, BEFORE_DEC) == claims.HANDED
    assert (await jobs.dispatch_once(BEFORE_DEC + reminder.CLAIM_TIMEOUT * 2)).claimed == 0  # it may have gone out
    late = await jobs.dispatch_once(BEFORE_DEC + reminder.IN_FLIGHT_TIMEOUT + timedelta(seconds=1))
    assert (late.released, late.sent) == (1, 1)  # its process is taken for dead: sent again
    async with db.transaction() as session:  # and the dead worker's claim can no longer record anything
        assert not await reminder.finish(session, dead, reminder.FAILED, error="late")
        assert await reminder.hand_to_telegram(session, dead, BEFORE_DEC) == claims.TAKEN_OVER
        assert (await session.get(Reminder, dead.id)).status == reminder.SENT


async def test_claim_tokens_differ_per_claim_even_in_one_process(db: Database) -> None:
    await add_user(db, SPONSORS[0])
    await pledge_for(db, sponsor=SPONSORS[0])
    await reminders_by(db, FakeBot(), "w").plan_all(datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
    async with db.transaction() as session:
        (first,) = await claim_due(session, "w", BEFORE_DEC, 10)
    async with db.transaction() as session:
        await reminder.release_stale(session, BEFORE_DEC + reminder.CLAIM_TIMEOUT * 2)
        (again,) = await claim_due(session, "w", BEFORE_DEC + reminder.CLAIM_TIMEOUT * 2, 10)
    assert again.id == first.id and again.claimed_by != first.claimed_by
    assert first.claimed_by.startswith("w/") and again.claimed_by.startswith("w/")
    async with db.transaction() as session:
        assert not await reminder.retry_later(session, first, BEFORE_DEC, "late")
        assert await reminder.retry_later(session, again, BEFORE_DEC, "retry")


def broadcasts_by(db: Database, bot: FakeBot, worker: str) -> BroadcastSender:
    return BroadcastSender(db, default_translator(), bot, PacedSender(1000),  # type: ignore[arg-type]
                           concurrency=1, worker=worker)


async def test_a_stalled_broadcast_sender_sends_nothing_that_another_took_over(db: Database) -> None:
    async with db.transaction() as session:
        for user_id in SPONSORS:
            await upsert_user(session, telegram_id=user_id, first_name="P", username=None, default_language="id",
                              default_timezone="Asia/Makassar", role="user", interacting=True)
        item = await deliveries.create(session, 1, Audience("everyone"), text_html="Kantor tutup besok")
    slow_bot, other_bot = HoldingBot(), FakeBot()
    now = datetime.now(timezone.utc)
    slow_run = asyncio.create_task(broadcasts_by(db, slow_bot, "slow").dispatch_once(now))
    await asyncio.wait_for(slow_bot.holding.wait(), 10)
    taken = await broadcasts_by(db, other_bot, "other").dispatch_once(now + claims.CLAIM_TIMEOUT
                                                                      + timedelta(seconds=1))
    assert taken.sent == 9
    slow_bot.go.set()
    result = await asyncio.wait_for(slow_run, 10)
    assert (result.claimed, result.sent, result.taken_over) == (10, 1, 9)
    assert per_chat(slow_bot, other_bot) == Counter(SPONSORS)
    async with db.session() as session:
        figures = await deliveries.figures(session, item.id)
    assert (figures.sent, figures.remaining) == (10, 0)
