"""Broadcasts in the database and their sender, on each backend, with a fake Telegram: who is reached, one
delivery per recipient, pause/resume/cancel, blocked users, RetryAfter, resuming after a crash."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import update
from telegram.error import Forbidden, RetryAfter

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.broadcast_sender import BroadcastSender
from models import broadcast as table
from models.broadcast import Audience
from models.enrollment import ApplicantDetails, submit
from models.pledge import WorkerDetails, create_pledge
from models.user import User, set_blocked, upsert_user
from tests.support.fake_bot import FakeBot

CIPHER = PersonalDataCipher(new_data_key())
ADMIN = 1
PEOPLE = list(range(20_001, 20_011))  # ten users


async def people(db: Database) -> None:
    async with db.transaction() as session:
        for user_id in PEOPLE:
            await upsert_user(session, telegram_id=user_id, first_name="P", username=None,
                              default_language="en" if user_id % 2 else "id", default_timezone="Asia/Makassar",
                              role="user", interacting=True)
        await session.exec(update(User).where(User.telegram_id.in_(PEOPLE))
                           .values(language="id"))
        await session.exec(update(User).where(User.telegram_id == PEOPLE[1]).values(language="en"))
        await set_blocked(session, PEOPLE[2], True)
        await table.set_opt_out(session, PEOPLE[3], True)
        await submit(session, CIPHER, PEOPLE[4], ApplicantDetails(
            "SITI AMINAH", "6371015708900001", date(1990, 8, 17), "+6281234567890", "pedagang", False,
            "Kalimantan Selatan", "Banjarmasin", 1_500_000, ("jkk", "jkm")))
        await create_pledge(session, CIPHER, PEOPLE[5], [WorkerDetails("AHMAD FAUZI", "marbot", False, None)],
                            months=1, programs=("jkk", "jkm"), first_month=date(2026, 1, 1),
                            current_month=date(2026, 1, 1), discounts=[])


async def hello_to_everyone(db: Database) -> table.Broadcast:
    """The people, and an announcement to all of them waiting to be sent."""
    await people(db)
    async with db.transaction() as session:
        return await table.create(session, ADMIN, Audience("everyone"), text_html="Halo")


def sender(db: Database, bot: FakeBot) -> BroadcastSender:
    return BroadcastSender(db, default_translator(), bot, PacedSender(1000))  # type: ignore[arg-type]


async def test_audiences_never_reach_blocked_or_opted_out_users(db: Database) -> None:
    await people(db)
    async with db.session() as session:
        everyone = await table.count_recipients(session, Audience("everyone"))
        workers = await table.count_recipients(session, Audience("workers"))
        sponsors = await table.count_recipients(session, Audience("sponsors"))
        unpaid = await table.count_recipients(session, Audience("unpaid"))
        english = await table.count_recipients(session, Audience("language", "en"))
        province = await table.count_recipients(session, Audience("province", "Kalimantan Selatan"))
    assert (everyone, workers, sponsors, unpaid, english, province) == (8, 1, 1, 1, 1, 1)


async def test_each_recipient_gets_the_broadcast_once_and_it_finishes(db: Database) -> None:
    await people(db)
    async with db.transaction() as session:
        item = await table.create(session, ADMIN, Audience("everyone"), text_html="<b>Kantor pindah</b>",
                                  buttons=[("Peta", "https://example.org/peta")])
    assert item.recipients == 8
    bot = FakeBot()
    jobs = sender(db, bot)
    first = await jobs.dispatch_once(limit=5)
    second = await jobs.dispatch_once(limit=5)
    assert (first.sent, second.sent, second.finished) == (5, 3, [item.id])
    assert sorted(chat for chat, _, _ in bot.sent) == sorted(set(PEOPLE) - {PEOPLE[2], PEOPLE[3]})
    assert bot.sent[0][2].inline_keyboard[0][0].url == "https://example.org/peta"
    assert (await jobs.dispatch_once()).claimed == 0
    async with db.session() as session:
        figures = await table.figures(session, item.id)
        assert (await session.get(table.Broadcast, item.id)).status == table.DONE
    assert (figures.sent, figures.remaining) == (8, 0)


async def test_pause_resume_and_cancel(db: Database) -> None:
    item = await hello_to_everyone(db)
    bot = FakeBot()
    jobs = sender(db, bot)
    await jobs.dispatch_once(limit=3)
    async with db.transaction() as session:
        assert await table.set_status(session, item.id, table.PAUSED, ADMIN)
        assert not await table.set_status(session, item.id, table.PAUSED, ADMIN)  # pressed twice
    assert (await jobs.dispatch_once()).claimed == 0 and len(bot.sent) == 3
    async with db.transaction() as session:
        assert await table.set_status(session, item.id, table.SENDING, ADMIN)
    await jobs.dispatch_once(limit=2)
    async with db.transaction() as session:
        assert await table.set_status(session, item.id, table.CANCELLED, ADMIN)
        assert not await table.set_status(session, item.id, table.SENDING, ADMIN)
    assert (await jobs.dispatch_once()).claimed == 0 and len(bot.sent) == 5
    async with db.session() as session:
        figures = await table.figures(session, item.id)
    assert (figures.sent, figures.skipped, figures.remaining) == (5, 3, 0)


async def test_blocked_users_are_marked_and_retry_after_only_delays(db: Database) -> None:
    item = await hello_to_everyone(db)
    bot = FakeBot()
    bot.failures[PEOPLE[0]] = [Forbidden("bot was blocked by the user")]
    bot.failures[PEOPLE[1]] = [RetryAfter(0)]
    jobs = sender(db, bot)
    run = await jobs.dispatch_once()
    assert (run.sent, run.blocked, run.retried) == (6, 1, 1)
    run = await jobs.dispatch_once()
    assert run.sent == 1 and run.finished == [item.id]
    async with db.session() as session:
        assert (await session.get(User, PEOPLE[0])).is_blocked
        figures = await table.figures(session, item.id)
    assert (figures.sent, figures.blocked) == (7, 1)


async def test_a_crash_mid_broadcast_resumes_without_resending(db: Database) -> None:
    item = await hello_to_everyone(db)
    bot = FakeBot()
    await sender(db, bot).dispatch_once(limit=4)
    now = datetime.now(timezone.utc)
    async with db.transaction() as session:  # a process claims two more and dies before sending them
        assert len(await table.claim(session, "dead", now, 2)) == 2
    restarted = sender(db, bot)
    assert (await restarted.dispatch_once(now)).sent == 2  # the others; the dead claims wait for their timeout
    assert (await restarted.dispatch_once(now + table.CLAIM_TIMEOUT + timedelta(seconds=1))).sent == 2
    assert sorted(chat for chat, _, _ in bot.sent) == sorted(set(PEOPLE) - {PEOPLE[2], PEOPLE[3]})
    async with db.session() as session:
        assert (await session.get(table.Broadcast, item.id)).status == table.DONE
