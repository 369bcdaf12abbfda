"""What a pledge tells people on its own, through the reminder tables and dispatcher with a frozen clock and a fake
Telegram. At a fixed-length pledge's end: the sponsor is offered one-tap renewal a month before the last month; a
worker who enrolled through the pledge is told when the sponsored months end, what continuing costs and offered
reminders; renewing first means the worker hears nothing; open-ended pledges are never touched. Every month: the
sponsor's statement of the month just ended."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from bot.core.i18n import default_translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender
from bot.jobs.reminder_sender import ReminderService
from bot.pledges.rules import ONGOING
from models import enrollment
from models.pledge import WorkerDetails, create_pledge, extend
from models.pledge_payments import record_payment, verify_payment
from models.pledge_workers import claim_invitation, link_application
from models.reminder import HANDOVER, PLEDGE_END, SPONSOR_STATEMENT, Reminder
from models.report import dashboard_figures
from tests.support.fake_bot import FakeBot
from tests.support.sponsors import CIPHER, DEC, SPONSOR, add_user

UTC = timezone.utc
WORKER = 7_101
JAN = date(2027, 1, 1)
PLANNED_ON = datetime(2026, 12, 1, 3, tzinfo=UTC)  # 1 December, 11:00 in Makassar
APPLICANT = enrollment.ApplicantDetails(
    name="Ahmad Fauzi", nik="6371015708850002", birth_date=date(1985, 8, 17), phone="+6281211112222",
    occupation="marbot", transport=False, province="Kalimantan Selatan", regency="Kota Banjarmasin",
    income=1_500_000, programs=("jkk", "jkm"))


def service(db: Database, bot: FakeBot) -> ReminderService:
    return ReminderService(db, default_translator(), CIPHER, bot, PacedSender(1000),  # type: ignore[arg-type]
                           default_timezone="Asia/Makassar", worker="w1")


async def sponsored_worker(db: Database, months: int) -> int:
    """A pledge from December for one worker, who opened the invitation and applied; returns the pledge id."""
    await add_user(db, SPONSOR)
    await add_user(db, WORKER)
    async with db.transaction() as session:
        created, invitations = await create_pledge(
            session, CIPHER, SPONSOR, [WorkerDetails("Ahmad Fauzi", "marbot", False, None)], months=months,
            programs=("jkk", "jkm"), first_month=DEC, current_month=DEC, discounts=[])
    async with db.transaction() as session:
        invitation, _ = await claim_invitation(session, invitations[0][1], WORKER)
        application = await enrollment.submit(session, CIPHER, WORKER, APPLICANT)
        await link_application(session, invitation.beneficiary.id, WORKER, application.id)
    return created.id


async def ending_rows(db: Database) -> list[Reminder]:
    async with db.session() as session:
        return list((await session.exec(select(Reminder).where(Reminder.subject.in_([PLEDGE_END, HANDOVER]))
                                        .order_by(Reminder.due_at))).all())


async def test_the_sponsor_is_offered_renewal_and_the_worker_told_when_the_months_end(db: Database) -> None:
    pledge_id = await sponsored_worker(db, months=2)  # December and January
    bot = FakeBot()
    jobs = service(db, bot)
    await jobs.plan_all(PLANNED_ON)
    assert await jobs.plan_all(PLANNED_ON) == 0  # planned once
    planned = [(r.recipient_id, r.subject, r.month) for r in await ending_rows(db)]
    assert planned == [(SPONSOR, PLEDGE_END, JAN), (WORKER, HANDOVER, JAN)]

    await jobs.dispatch_once(datetime(2026, 12, 1, 4, tzinfo=UTC))  # the offer's day has come: it goes now
    chat_id, text, markup = bot.sent[-1]
    assert chat_id == SPONSOR and "Janji #" in text and "berakhir bulan Januari 2027" in text
    assert "Februari 2027" in text and "Rp33.600" in text  # two more months at the full minimum
    assert [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row] == [
        ("🔁 Perpanjang 2 bulan", f"j:ext:{pledge_id}:2:2"), ("Biarkan berakhir", "j:keep")]

    await jobs.dispatch_once(datetime(2027, 1, 1, 2, tzinfo=UTC))  # 1 January, 10:00 in Makassar
    chat_id, text, markup = bot.sent[-1]
    assert chat_id == WORKER and "sampai bulan <b>Januari 2027</b>" in text and "Mulai Februari 2027" in text
    assert "<b>Rp21.800</b>" in text  # JKK+JKM on the 1.5 million the worker declared
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["rp:own:on", "m:quote"]
    assert len(bot.sent) == 2

    # The dashboard counts them, and a renewal after the offer.
    async with db.session() as session:
        figures = await dashboard_figures(session, datetime(2027, 1, 2, tzinfo=UTC), "Asia/Makassar")
    assert (figures.renewal_offers, figures.renewed, figures.handovers) == (1, 0, 1)
    async with db.transaction() as session:
        await extend(session, pledge_id, SPONSOR, 2, [], expected_months=2)
    async with db.session() as session:
        figures = await dashboard_figures(session, datetime(2027, 1, 2, tzinfo=UTC), "Asia/Makassar")
    assert (figures.renewal_offers, figures.renewed, figures.handovers) == (1, 1, 1)


async def test_renewing_first_means_the_worker_hears_nothing(db: Database) -> None:
    pledge_id = await sponsored_worker(db, months=2)
    bot = FakeBot()
    jobs = service(db, bot)
    await jobs.plan_all(PLANNED_ON)
    async with db.transaction() as session:
        await extend(session, pledge_id, SPONSOR, 2, [], expected_months=2)
    await jobs.dispatch_once(datetime(2027, 1, 1, 2, tzinfo=UTC))
    assert [chat for chat, _, _ in bot.sent] == []  # the offer and the hand-over are both out of date
    assert {r.status for r in await ending_rows(db)} == {"cancelled"}


async def test_open_ended_pledges_never_end(db: Database) -> None:
    await sponsored_worker(db, months=ONGOING)
    jobs = service(db, FakeBot())
    await jobs.plan_all(PLANNED_ON)
    assert await ending_rows(db) == []


async def test_each_month_the_sponsor_gets_a_statement_of_the_month_just_ended(db: Database) -> None:
    pledge_id = await sponsored_worker(db, months=3)  # December to February
    async with db.transaction() as session:
        application = await session.get(enrollment.EnrollmentApplication, 1)
        await enrollment.set_status(session, application.id, enrollment.REGISTERED, 99, kpj_number="26012345678")
        payment = await record_payment(session, pledge_id, SPONSOR, 16_800, date(2026, 12, 10), None)
        await verify_payment(session, payment.id, 99)
    bot = FakeBot()
    jobs = service(db, bot)
    await jobs.plan_all(datetime(2027, 1, 1, 2, tzinfo=UTC))
    async with db.session() as session:
        statements = (await session.exec(select(Reminder).where(Reminder.subject == SPONSOR_STATEMENT))).all()
    assert [(r.recipient_id, r.month) for r in statements] == [(SPONSOR, DEC)]
    await jobs.dispatch_once(datetime(2027, 1, 1, 2, 5, tzinfo=UTC))
    chat_id, text, markup = next((c, t, m) for c, t, m in bot.sent if "Ringkasan" in t)
    assert chat_id == SPONSOR and "Ringkasan Desember 2026" in text
    assert f"Janji #{pledge_id}: terlindungi: A**** F****." in text and "Dibayar Rp16.800 dari Rp16.800" in text
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["j:list"]
    # a statement not sent in the first week is no longer planned
    async with db.transaction() as session:
        await session.delete(statements[0])
    assert await jobs.plan_all(datetime(2027, 1, 9, 2, tzinfo=UTC)) >= 0
    async with db.session() as session:
        assert (await session.exec(select(Reminder).where(Reminder.subject == SPONSOR_STATEMENT))).all() == []
