"""A fault of our own (a key that cannot read the stored data, a bug) is retried a bounded number of times and
then parked with its reason, which /status shows; it is never retried forever and never sent half-made."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.reminder_sender import ReminderService
from bot.reminders.rules import MAX_ATTEMPTS
from models import broadcast as deliveries
from models import reminder
from models.broadcast import Audience, BroadcastDelivery
from models.reminder import Reminder
from tests.support.fake_bot import FakeBot
from tests.support.sponsors import BEFORE_DEC, SPONSOR, add_user, pledge_for


async def test_a_reminder_the_key_cannot_read_is_parked_after_its_attempts(db: Database) -> None:
    await add_user(db, SPONSOR)
    await pledge_for(db)  # the worker's name is stored under the sponsors' test key
    bot = FakeBot()
    wrong_key = ReminderService(db, default_translator(), PersonalDataCipher(new_data_key()), bot,  # type: ignore[arg-type]
                                PacedSender(1000), default_timezone="Asia/Makassar")
    await wrong_key.plan_all(BEFORE_DEC - timedelta(days=11))
    now, outcomes = BEFORE_DEC, []
    for _ in range(MAX_ATTEMPTS + 3):
        result = await wrong_key.dispatch_once(now)
        outcomes += [outcome for outcome in result.outcomes.values()]
        now += timedelta(hours=1)  # past every backoff
    assert outcomes == ["retried"] * (MAX_ATTEMPTS - 1) + ["parked"]  # then nothing more is claimed
    assert bot.sent == []
    async with db.session() as session:
        parked = (await session.exec(select(Reminder).where(Reminder.status == reminder.PARKED))).one()
        assert parked.last_error == "internal:DataKeyError"
        assert await reminder.parked_reasons(session) == [("internal:DataKeyError", 1)]


class BrokenBot(FakeBot):
    async def send_message(self, chat_id: int, text: str, reply_markup=None, **_: object):  # noqa: ANN001, ANN201
        raise ZeroDivisionError("a bug of ours, not Telegram's")


async def test_a_delivery_that_hits_a_bug_is_parked_and_counted_as_failed(db: Database) -> None:
    await add_user(db, SPONSOR)
    async with db.transaction() as session:
        item = await deliveries.create(session, 1, Audience("everyone"), text_html="Kantor pindah")
    sender = BroadcastSender(db, default_translator(), BrokenBot(), PacedSender(1000),  # type: ignore[arg-type]
                             claim_timeout=timedelta(seconds=60))
    runs = [await sender.dispatch_once() for _ in range(deliveries.MAX_ATTEMPTS + 2)]
    assert [(run.retried, run.parked) for run in runs] == [(1, 0)] * (deliveries.MAX_ATTEMPTS - 1) + [(0, 1)] + [
        (0, 0)] * 2
    async with db.session() as session:
        delivery = (await session.exec(select(BroadcastDelivery))).one()
        figures = await deliveries.figures(session, item.id)
        assert delivery.last_error == "internal:ZeroDivisionError" and figures.failed == 1 and figures.remaining == 0
        assert (await session.get(deliveries.Broadcast, item.id)).status == deliveries.DONE
