"""Stopping the sender mid-run (what SIGTERM does): messages already handed to Telegram are recorded, claimed rows
that were not sent go back to pending at once without using up an attempt, and a later run sends each exactly
once. On each backend, with a fake Telegram."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, insert
from sqlmodel import select

from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender, SenderStopping
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.scheduler import send_broadcasts
from models import broadcast as table
from models.user import User
from tests.support.bulk import user_rows
from tests.support.fake_bot import FakeBot

USERS = range(31_000, 31_060)


async def queue_broadcast(db: Database) -> None:
    async with db.transaction() as session:
        await session.exec(insert(User.__table__), params=user_rows(USERS, datetime.now(timezone.utc)))
        await table.create(session, None, table.Audience("everyone"), text_html="Pengumuman")


async def deliveries(db: Database) -> tuple[Counter, int]:
    async with db.session() as session:
        rows = (await session.exec(select(table.BroadcastDelivery.status, func.count())
                                   .group_by(table.BroadcastDelivery.status))).all()
        attempts = (await session.exec(select(func.max(table.BroadcastDelivery.attempts))
                                       .where(table.BroadcastDelivery.status == table.PENDING))).one()
    return Counter(dict(rows)), attempts or 0


async def test_stopping_mid_broadcast_records_what_went_and_returns_the_rest(db: Database) -> None:
    await queue_broadcast(db)
    bot, pacer = FakeBot(), PacedSender(50)
    sender = BroadcastSender(db, default_translator(), bot, pacer)  # type: ignore[arg-type]
    running = asyncio.create_task(send_broadcasts(sender))
    while len(bot.sent) < 10:
        await asyncio.sleep(0.01)
    pacer.stop()
    await asyncio.wait_for(running, 5)  # returns promptly, without waiting for the rest of the batch's slots
    counted, attempts = await deliveries(db)
    assert counted[table.CLAIMED] == 0
    assert counted[table.SENT] == len(bot.sent) and counted[table.PENDING] == len(USERS) - len(bot.sent)
    assert attempts == 0  # the stop did not use up an attempt
    assert (await sender.dispatch_once()).claimed == 0  # a stopped sender claims nothing more

    later_bot = FakeBot()
    resumed = BroadcastSender(db, default_translator(), later_bot, PacedSender(1000))  # type: ignore[arg-type]
    await send_broadcasts(resumed)
    every = Counter(chat for chat, _, _ in bot.sent + later_bot.sent)
    assert set(every) == set(USERS) and set(every.values()) == {1}


async def test_a_stopped_pacer_refuses_slots_even_while_paused_by_telegram() -> None:
    pacer = PacedSender(1)
    pacer.pause(30)  # Telegram said RetryAfter 30
    waiting = asyncio.create_task(pacer.slot())
    await asyncio.sleep(0.05)
    pacer.stop()
    with pytest.raises(SenderStopping):
        await asyncio.wait_for(waiting, 1)  # wakes at once, not after 30 s
    with pytest.raises(SenderStopping):
        await pacer.slot()


async def test_a_stopping_process_never_returns_a_claim_another_process_took_over(db: Database) -> None:
    from datetime import timedelta

    from models import reminder
    from models.reminder import Reminder

    await queue_broadcast(db)
    now = datetime.now(timezone.utc)
    async with db.transaction() as session:
        await table.start_due(session, now)
        (mine, _), *_ = await table.claim(session, "worker-a", now, 1)
        session.add(Reminder(recipient_id=USERS[0], subject="pledge_month", subject_id=1, month=now.date(),
                             kind="due", due_at=now))
    async with db.transaction() as session:
        (my_reminder,) = await reminder.claim_due(session, "worker-a", now, 10)
    later = now + timedelta(minutes=5)  # worker A stalled; B took both over as stale
    async with db.transaction() as session:
        await reminder.release_stale(session, later, timedelta(minutes=2))
        (theirs,) = await reminder.claim_due(session, "worker-b", later, 10)
        (taken, _), *_ = await table.claim(session, "worker-b", later, 1, timedelta(minutes=2))
    assert theirs.id == my_reminder.id and taken.id == mine.id
    async with db.transaction() as session:  # A stops now and tries to hand its old claims back
        await reminder.unclaim(session, my_reminder)
        await table.unclaim(session, mine)
    async with db.session() as session:
        stored_reminder = await session.get(Reminder, my_reminder.id)
        stored_delivery = await session.get(table.BroadcastDelivery, mine.id)
    assert (stored_reminder.status, stored_reminder.claimed_by) == (reminder.SENDING, theirs.claimed_by)
    assert theirs.claimed_by.startswith("worker-b/")
    assert stored_delivery.status == table.CLAIMED and stored_delivery.attempts == 2
    async with db.transaction() as session:  # B's own unclaim works
        await reminder.unclaim(session, theirs)
        await table.unclaim(session, taken)
    async with db.session() as session:
        assert (await session.get(Reminder, my_reminder.id)).status == reminder.PENDING
        assert (await session.get(table.BroadcastDelivery, mine.id)).status == table.PENDING
