"""The admins' dashboard: the figures counted from seeded tables on each backend, and the numbers behind the
picture and the summary."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.core.i18n import default_translator, plain
from bot.infra.database import Database
from bot.reports.charts import render_png
from bot.reports.dashboard import (
    DashboardFigures,
    MonthOutcomes,
    WeekCounts,
    dashboard_chart,
    month_outcome,
    province_rows,
    summary,
    week_starts,
)
from models import enrollment
from models.broadcast import BroadcastDelivery
from models.enrollment import EnrollmentApplication
from models.pledge import Pledge, PledgeBeneficiary, PledgeMonth, WorkerDetails, create_pledge, overview
from models.pledge_payments import record_payment, verify_payment
from models.pledge_workers import claim_invitation, link_application
from models.reminder import Reminder
from models.report import dashboard_figures
from models.user import User

TEXTS = default_translator()
WITA = "Asia/Makassar"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 24 November, 10.00 WITA


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def seed(db: Database) -> None:
    async with db.transaction() as session:
        for user_id, created in ((1, utc(2026, 11, 23, 3)), (2, utc(2026, 11, 24, 1)),
                                 (3, utc(2026, 11, 22, 16, 30)),  # Monday 00.30 WITA: this week, not last
                                 (4, utc(2026, 11, 16, 5)), (5, utc(2026, 11, 20, 5)),
                                 (6, utc(2026, 8, 1))):  # before the 12 weeks
            session.add(User(telegram_id=user_id, first_name="U", created_at=created))
        applications = (("submitted", "Kalimantan Selatan", utc(2026, 11, 23, 4)),
                        ("submitted", "Kalimantan Selatan", utc(2026, 11, 23, 5)),
                        ("registered", "Kalimantan Timur", utc(2026, 11, 23, 6)),
                        ("registered", "Kalimantan Timur", utc(2026, 11, 24, 1)),
                        ("registered", "Jawa Timur", utc(2026, 10, 5, 3)),
                        ("rejected", "Kalimantan Barat", utc(2026, 10, 6, 3)))
        for index, (status, province, created) in enumerate(applications):
            session.add(EnrollmentApplication(
                user_id=100 + index, name_encrypted="x", nik_encrypted="x", nik_hash=f"h{index}",
                birth_date_encrypted="x", phone_encrypted="x", occupation="marbot", province=province,
                regency="Banjarmasin", income=1_000_000, programs="jkk,jkm", consent_version="2026-11",
                consent_at=created, status=status, created_at=created))
        pledges = [Pledge(sponsor_id=1, months=3, first_month=date(2026, 10, 1), programs="jkk,jkm", worker_count=2,
                          created_at=utc(2026, 11, 23, 2)),
                   Pledge(sponsor_id=2, months=0, first_month=date(2026, 11, 1), programs="jkk,jkm", worker_count=3,
                          created_at=utc(2026, 11, 24, 1)),
                   Pledge(sponsor_id=3, months=1, first_month=date(2026, 9, 1), programs="jkk,jkm", worker_count=5,
                          status="cancelled", created_at=utc(2026, 9, 6, 16))]  # Monday 7 Sep 00.00 WITA
        session.add_all(pledges)
        await session.flush()
        first, second, cancelled = (p.id for p in pledges)
        session.add_all([
            PledgeBeneficiary(pledge_id=first, position=1, occupation="marbot", application_id=1),
            PledgeBeneficiary(pledge_id=first, position=2, occupation="marbot"),
            PledgeBeneficiary(pledge_id=cancelled, position=1, occupation="marbot", application_id=2),
        ])
        months = (
            (first, date(2026, 10, 1), "paid", utc(2026, 10, 15, 15, 59)),  # 23.59 WITA on the 15th: on time
            (first, date(2026, 11, 1), "paid", utc(2026, 11, 10, 3)),  # early: on time
            (second, date(2026, 10, 1), "paid", utc(2026, 10, 15, 16, 1)),  # 00.01 WITA on the 16th: late
            (second, date(2026, 11, 1), "due", None),  # the 15th has passed: unpaid
            (second, date(2026, 12, 1), "due", None),  # upcoming
            (cancelled, date(2026, 9, 1), "cancelled", None),
        )
        for pledge_id, month, status, paid_at in months:
            session.add(PledgeMonth(pledge_id=pledge_id, month=month, due_date=month.replace(day=15),
                                    amount_due=16_800, amount_paid=16_800 if paid_at else 0, status=status,
                                    paid_at=paid_at))
        for index, (status, sent_at) in enumerate((("sent", utc(2026, 11, 20)), ("sent", utc(2026, 11, 23)),
                                                   ("sent", utc(2026, 10, 20)), ("pending", None),
                                                   ("failed", None))):
            session.add(Reminder(recipient_id=1, subject="pledge_month", subject_id=index, month=date(2026, 11, 1),
                                 kind="due", due_at=utc(2026, 11, 15), status=status, sent_at=sent_at))
        for broadcast_id, user_id, status in ((1, 1, "sent"), (1, 2, "sent"), (1, 3, "failed"), (2, 1, "sent"),
                                              (3, 1, "pending"), (3, 2, "pending")):
            session.add(BroadcastDelivery(broadcast_id=broadcast_id, user_id=user_id, status=status))


async def test_figures_are_counted_from_the_tables_in_local_weeks_and_days(db: Database) -> None:
    await seed(db)
    async with db.session() as session:
        figures = await dashboard_figures(session, NOW, WITA)
    assert figures.applications_by_status == {"submitted": 2, "registered": 3, "rejected": 1}
    assert figures.applications_by_province == {"Kalimantan Selatan": 2, "Kalimantan Timur": 2, "Jawa Timur": 1,
                                                "Kalimantan Barat": 1}
    assert (figures.active_pledges, figures.workers_sponsored, figures.sponsored_enrolled) == (2, 5, 1)
    assert figures.months == MonthOutcomes(on_time=2, late=1, unpaid=1, upcoming=1)
    assert (figures.reminders_sent, figures.reminders_sent_week) == (3, 2)
    assert (figures.broadcasts, figures.broadcast_messages) == (2, 3)
    weeks = {w.week_start: w for w in figures.weeks}
    assert len(figures.weeks) == 12 and figures.weeks[0].week_start == date(2026, 9, 7)
    assert weeks[date(2026, 11, 23)] == WeekCounts(date(2026, 11, 23), users=3, applications=4, pledges=2)
    assert weeks[date(2026, 11, 16)] == WeekCounts(date(2026, 11, 16), users=2, applications=0, pledges=0)
    assert weeks[date(2026, 10, 5)].applications == 2
    assert weeks[date(2026, 9, 7)].pledges == 1  # exactly at the first Monday's midnight, local time
    assert sum(w.users for w in figures.weeks) == 5  # the user from August is older than 12 weeks
    assert figures.generated_at.utcoffset().total_seconds() == 8 * 3600


async def test_an_empty_database_gives_zeros_and_a_picture_that_says_so(db: Database) -> None:
    async with db.session() as session:
        figures = await dashboard_figures(session, NOW, WITA)
    assert figures.applications == 0 and figures.months == MonthOutcomes()
    assert all(w.users == w.applications == w.pledges == 0 for w in figures.weeks)
    chart = dashboard_chart(figures, TEXTS, "id")
    assert [p.title for p in chart.panels if p.is_empty] == [
        "Pendaftaran per status", "Pendaftaran per provinsi", "Bulan janji yang sudah jatuh tempo",
        "Baru per minggu, 12 minggu terakhir"]
    assert render_png(chart).startswith(b"\x89PNG")


def figures_for_chart() -> DashboardFigures:
    mondays = week_starts(date(2026, 11, 24))
    return DashboardFigures(
        generated_at=NOW.astimezone(__import__("zoneinfo").ZoneInfo(WITA)), timezone=WITA,
        applications_by_status={"submitted": 1200, "registered": 3400, "rejected": 56},
        applications_by_province={"Kalimantan Selatan": 2100, "Kalimantan Timur": 1500, "Jawa Timur": 3,
                                  "Bali": 2, "Aceh": 1, "Papua": 1},
        active_pledges=310, workers_sponsored=640, sponsored_enrolled=402,
        months=MonthOutcomes(on_time=1500, late=230, unpaid=41, upcoming=600), reminders_sent=5210,
        reminders_sent_week=480, broadcasts=4, broadcast_messages=12_345,
        weeks=tuple(WeekCounts(day, 10 * i, 5 * i, i) for i, day in enumerate(mondays)))


def test_the_picture_shows_exactly_the_figures_in_indonesian_formatting() -> None:
    figures = figures_for_chart()
    chart = dashboard_chart(figures, TEXTS, "id")
    tiles, by_status, by_province, by_outcome, growth = chart.panels
    assert [(t.value, t.label) for t in tiles.tiles] == [
        ("4.656", "pendaftaran"), ("3.400", "sudah terdaftar"), ("310", "janji sponsor aktif"),
        ("640", "pekerja disponsori"), ("5.210", "pengingat terkirim"), ("12.345", "pesan siaran terkirim")]
    assert [(b.label, b.value, b.text) for b in by_status.bars] == [
        ("Diajukan", 1200, "1.200"), ("Terdaftar", 3400, "3.400"), ("Ditolak", 56, "56")]
    # The five Kalimantan provinces always; the largest other one; the remaining three summed as "Lainnya".
    assert [(b.label, b.value) for b in by_province.bars] == [
        ("Kalsel", 2100), ("Kaltim", 1500), ("Lainnya", 4), ("Jawa Timur", 3), ("Kalbar", 0), ("Kaltara", 0),
        ("Kalteng", 0)]
    assert [b.value for b in by_province.bars] == sorted((b.value for b in by_province.bars), reverse=True)
    assert [(b.label, b.value) for b in by_outcome.bars] == [("Tepat waktu", 1500), ("Terlambat", 230),
                                                             ("Belum dibayar", 41)]
    assert growth.x_labels[0] == "7 Sep" and growth.x_labels[-1] == "23 Nov"
    assert [s.label for s in growth.series] == ["Pengguna", "Pendaftaran", "Janji"]
    assert growth.series[0].values == tuple(10 * i for i in range(12))
    assert "24 November 2026" in chart.footer and "WITA" in chart.footer
    assert len({b.colour for b in by_outcome.bars}) == 3  # and each bar is labelled, so colour is never alone


def test_the_picture_is_cached_by_its_content_not_by_the_minute() -> None:
    figures = figures_for_chart()
    later = DashboardFigures(**{**figures.__dict__, "generated_at": figures.generated_at.replace(hour=17)})
    assert dashboard_chart(figures, TEXTS, "id").key == dashboard_chart(later, TEXTS, "id").key
    changed = DashboardFigures(**{**figures.__dict__, "active_pledges": 311})
    assert dashboard_chart(changed, TEXTS, "id").key != dashboard_chart(figures, TEXTS, "id").key
    assert dashboard_chart(figures, TEXTS, "en").key != dashboard_chart(figures, TEXTS, "id").key


def test_summary_and_json_carry_the_same_figures() -> None:
    figures = figures_for_chart()
    text = plain(summary(figures, TEXTS, "id"))
    assert "Pendaftaran: 4.656 (diajukan 1.200, terdaftar 3.400, ditolak 56)" in text
    assert "Janji aktif: 310, untuk 640 pekerja (402 sudah mengajukan pendaftaran lewat undangan)" in text
    assert "tepat waktu 1.500, terlambat 230, belum dibayar 41; belum jatuh tempo 600" in text
    assert "Pengingat terkirim: 5.210 (7 hari terakhir 480)" in text
    assert "24 November 2026 10.00 WITA" in text
    assert "+660 pengguna" in text  # 10 × (0 + 1 + … + 11)
    assert len(text) <= 1024  # fits a photo caption
    english = plain(summary(figures, TEXTS, "en"))
    assert "Applications: 4,656 (submitted 1,200" in english
    data = json.loads(json.dumps(figures.as_json()))
    assert data["applications"] == 4656 and data["months"]["late"] == 230
    assert data["weeks"][-1] == {"week_start": "2026-11-23", "users": 110, "applications": 55, "pledges": 11}


def test_month_outcomes_and_province_rows() -> None:
    today = date(2026, 11, 24)
    assert month_outcome("paid", date(2026, 11, 15), date(2026, 11, 15), today) == "on_time"
    assert month_outcome("paid", date(2026, 11, 15), date(2026, 11, 16), today) == "late"
    assert month_outcome("due", date(2026, 11, 24), None, today) == "upcoming"
    assert month_outcome("due", date(2026, 11, 23), None, today) == "unpaid"
    assert month_outcome("cancelled", date(2026, 11, 15), None, today) is None
    rows = province_rows({"Kalimantan Timur": 4, "Bali": 9}, "Lainnya")
    assert rows[0] == ("Bali", 9) and ("Kaltara", 0) in rows and len(rows) == 6


async def test_report_command_prints_the_same_figures_as_text_json_and_png(db: Database, database_url: str,
                                                                          tmp_path) -> None:  # noqa: ANN001
    from tests.support.botproc import run_cli

    await seed(db)
    env = {"DATABASE_URL": database_url, "DEFAULT_TIMEZONE": WITA}
    as_json = run_cli("report", "--format", "json", cwd=tmp_path, **env)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["applications_by_status"] == {"submitted": 2, "registered": 3, "rejected": 1}
    assert (data["active_pledges"], data["workers_sponsored"]) == (2, 5)
    assert data["timezone"] == WITA and data["generated_at"].endswith("+08:00")
    text = run_cli("report", cwd=tmp_path, **env).stdout
    assert "Pendaftaran: 6 (diajukan 2, terdaftar 3, ditolak 1)" in text and "<b>" not in text
    english = run_cli("report", "--lang", "en", cwd=tmp_path, **env).stdout
    assert "Applications: 6 (submitted 2, registered 3, rejected 1)" in english
    picture = run_cli("report", "--format", "png", "-o", str(tmp_path / "d.png"), cwd=tmp_path, **env)
    assert picture.returncode == 0, picture.stderr
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"


async def test_sponsored_workers_are_counted_by_status_in_the_words_of_janji(db: Database) -> None:
    """Workers at every stage, counted in the database, agree with what each pledge's /janji card says of them."""
    cipher = PersonalDataCipher(new_data_key())
    today = NOW.date()  # 24 November: October is overdue, November is this month
    async with db.transaction() as session:
        pledge, invitations = await create_pledge(
            session, cipher, 1, [WorkerDetails(f"PEKERJA {n}", "marbot", False, None) for n in range(6)], months=3,
            programs=("jkk", "jkm"), first_month=date(2026, 10, 1), current_month=date(2026, 10, 1), discounts=[])
        other, _ = await create_pledge(
            session, cipher, 2, [WorkerDetails("PEKERJA", "marbot", False, None)], months=3, programs=("jkk", "jkm"),
            first_month=date(2026, 8, 1), current_month=date(2026, 8, 1), discounts=[])
    for number, (_, token) in enumerate(invitations[1:], start=1):  # the first never opens the link
        async with db.transaction() as session:
            invitation, _ = await claim_invitation(session, token, 500 + number)
            assert invitation is not None
            if number == 1:
                continue  # opened, not applied
            application = await enrollment.submit(session, cipher, 500 + number, enrollment.ApplicantDetails(
                name="PEKERJA", nik=f"63710157088500{number:02d}", birth_date=date(1985, 8, 17), phone="+62812111122",
                occupation="marbot", transport=False, province="Kalimantan Selatan", regency="Banjarmasin",
                income=1_000_000, programs=("jkk", "jkm")))
            await link_application(session, invitation.beneficiary.id, 500 + number, application.id)
            if number >= 3:
                await enrollment.set_status(session, application.id, enrollment.REGISTERED, 99,
                                            kpj_number=f"2601234567{number}")
    async with db.transaction() as session:
        # October and November for workers 1-5 (the payment fills each month's workers in order, so workers 1 to 5
        # of November are paid, the sixth is not): verified, so worker 4's and 5's November protects them...
        paid = await record_payment(session, pledge.id, 1, 16_800 * 6 + 16_800 * 5, date(2026, 11, 2), None)
        await verify_payment(session, paid.id, 99)
    async with db.session() as session:
        figures = await dashboard_figures(session, NOW, WITA)
        said = Counter()
        for item in (await session.get(Pledge, pledge.id), await session.get(Pledge, other.id)):
            seen = await overview(session, item)
            said.update(seen.worker_status(b, today) for b in seen.beneficiaries)
    assert figures.workers_by_status == {**dict.fromkeys(figures.workers_by_status, 0), **said}
    assert said == Counter({"invited": 2, "opened": 1, "applied": 1, "protected": 2, "lapsing": 1})
