"""Erasure and opt-out reach work already queued, on each backend: after /hapusdata nothing queued for the person
is sent and no delivery names them; after opting out nothing queued goes out; a sender already holding the row
checks again just before sending."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlmodel import select

from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.reminder_sender import ReminderService
from models import broadcast as deliveries
from models import personal_data, reminder
from models.broadcast import Audience, BroadcastDelivery
from models.reminder import Reminder
from models.user import set_reminder_settings, upsert_user
from tests.support.fake_bot import FakeBot, HoldingBot
from tests.support.sponsors import BEFORE_DEC, CIPHER, add_user, pledge_for

PEOPLE = list(range(41_001, 41_006))  # five


async def people(db: Database) -> None:
    async with db.transaction() as session:
        for user_id in PEOPLE:
            await upsert_user(session, telegram_id=user_id, first_name="P", username=None, default_language="id",
                              default_timezone="Asia/Makassar", role="user", interacting=True)


async def announce(db: Database, text: str) -> int:
    async with db.transaction() as session:
        return (await deliveries.create(session, 1, Audience("everyone"), text_html=text)).id


def broadcasts(db: Database, bot: FakeBot) -> BroadcastSender:
    return BroadcastSender(db, default_translator(), bot, PacedSender(1000), concurrency=1)  # type: ignore[arg-type]


async def test_an_erased_person_gets_no_queued_announcement_and_no_delivery_names_them(db: Database) -> None:
    await people(db)
    erased = PEOPLE[-1]
    bot = FakeBot()
    earlier = await announce(db, "Kantor pindah")
    await broadcasts(db, bot).dispatch_once()  # the first reached everyone
    queued = await announce(db, "Diskon iuran")
    async with db.transaction() as session:
        await personal_data.erase(session, erased)
    await broadcasts(db, bot).dispatch_once()
    assert [chat for chat, _, _ in bot.sent].count(erased) == 1  # only the one sent before the erasure
    async with db.session() as session:
        named = (await session.exec(select(BroadcastDelivery).where(BroadcastDelivery.user_id == erased))).all()
        before, after = await deliveries.figures(session, earlier), await deliveries.figures(session, queued)
    assert named == []
    assert (before.sent, after.sent, after.remaining) == (5, 4, 0)  # the earlier figures still count them


async def test_a_claimed_announcement_is_not_sent_to_someone_who_opted_out_meanwhile(db: Database) -> None:
    await people(db)
    await announce(db, "Diskon iuran")
    bot = HoldingBot()
    run = asyncio.create_task(broadcasts(db, bot).dispatch_once())
    await asyncio.wait_for(bot.holding.wait(), 10)  # all five claimed, the first one on its way
    async with db.transaction() as session:
        await deliveries.set_opt_out(session, PEOPLE[-1], True)
        await personal_data.erase(session, PEOPLE[-2])
    bot.go.set()
    result = await asyncio.wait_for(run, 10)
    assert sorted(chat for chat, _, _ in bot.sent) == PEOPLE[:3]
    assert (result.sent, result.skipped) == (3, 1)  # the erased one's row is gone; the opted-out one is skipped


async def test_an_opt_out_skips_what_is_queued(db: Database) -> None:
    await people(db)
    item = await announce(db, "Diskon iuran")
    async with db.transaction() as session:
        await deliveries.set_opt_out(session, PEOPLE[0], True)
    bot = FakeBot()
    await broadcasts(db, bot).dispatch_once()
    assert PEOPLE[0] not in [chat for chat, _, _ in bot.sent] and len(bot.sent) == 4
    async with db.session() as session:
        assert (await deliveries.figures(session, item)).skipped == 1


async def test_a_claimed_reminder_is_not_sent_after_reminders_are_switched_off_or_data_erased(db: Database) -> None:
    for sponsor in PEOPLE:
        await add_user(db, sponsor)
        await pledge_for(db, sponsor=sponsor, months=1)
    bot = HoldingBot()
    jobs = ReminderService(db, default_translator(), CIPHER, bot, PacedSender(1000),  # type: ignore[arg-type]
                           default_timezone="Asia/Makassar", concurrency=1)
    await jobs.plan_all(datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
    run = asyncio.create_task(jobs.dispatch_once(BEFORE_DEC))
    await asyncio.wait_for(bot.holding.wait(), 10)
    async with db.transaction() as session:
        await set_reminder_settings(session, PEOPLE[-1], reminders_enabled=False)
        await personal_data.erase(session, PEOPLE[-2])
    bot.go.set()
    result = await asyncio.wait_for(run, 10)
    assert sorted(chat for chat, _, _ in bot.sent) == PEOPLE[:3]
    async with db.session() as session:
        switched_off = (await session.exec(select(Reminder).where(Reminder.recipient_id == PEOPLE[-1],
                                                                  Reminder.kind == "before"))).one()
        erased = (await session.exec(select(Reminder).where(Reminder.recipient_id == PEOPLE[-2]))).all()
    assert switched_off.status == reminder.CANCELLED and erased == []
    assert result.sent == 3
