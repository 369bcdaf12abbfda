"""Reminder benchmark (PostgreSQL): planning for 100,000 pledge months, dispatch rate against the configured send
rate through the local Bot API stand-in, and the time of one dispatch claim at 10,000 and 1,000,000 rows.

    .venv/bin/python benchmarks/reminders_bench.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                                   [--months 100000] [--rate 25] [--dispatch 500] [--workers-users 3000]

Last, two real worker processes share --workers-users due reminders, one frozen (SIGSTOP) past its lease and
resumed: their rate, lost and duplicated (targets 0 and 0; benchmarks/two_workers.py).
A scratch database is created on the server and dropped at the end. Prints its figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import Defaults, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from benchmarks.two_workers import two_workers_one_frozen  # noqa: E402
from bot.core.crypto import PersonalDataCipher, new_data_key  # noqa: E402
from bot.core.i18n import default_translator  # noqa: E402
from bot.devtools.telegram_standin import RateLimits  # noqa: E402
from bot.infra import migrations as migrate  # noqa: E402
from bot.infra.database import Database  # noqa: E402
from bot.infra.pacing import PacedSender  # noqa: E402
from bot.jobs.reminder_sender import ReminderService  # noqa: E402
from models.reminder import claim_due  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.sim_user import ThreadedSandbox  # noqa: E402

NOW = datetime(2026, 12, 10, 3, tzinfo=timezone.utc)  # 11:00 WITA: inside sending hours
MONTH = date(2026, 12, 1)


async def seed_pledges(db: Database, count: int, first_user: int = 10_000_000, due_day: int = 12) -> None:
    """`count` sponsors with one unpaid pledge month each, in bulk (INSERT ... SELECT generate_series)."""
    async with db.transaction() as session:
        params = {"n": count, "base": first_user, "now": NOW, "month": MONTH, "due": MONTH.replace(day=due_day)}
        await session.exec(text(
            "INSERT INTO users (telegram_id, first_name, language, role, timezone, is_blocked, reminder_opt_in, "
            "reminder_hour, reminder_days_before, reminders_enabled, created_at, updated_at) "
            "SELECT :base + g, 'S', 'id', 'user', 'Asia/Makassar', false, false, 9, 3, true, :now, :now "
            "FROM generate_series(1, :n) g"), params=params)
        await session.exec(text(
            "INSERT INTO pledges (sponsor_id, status, months, first_month, programs, worker_count, created_at, "
            "reminders_off) SELECT :base + g, 'active', 1, :month, 'jkk,jkm', 1, :now, false "
            "FROM generate_series(1, :n) g"), params=params)
        await session.exec(text(
            "INSERT INTO pledge_months (pledge_id, month, due_date, amount_due, amount_paid, status) "
            "SELECT id, :month, :due, 16800, 0, 'due' FROM pledges WHERE sponsor_id > :base"), params=params)


TOKEN = "123456789:BENCH-token-for-the-local-stand-in-01"


class CountingBot:
    """Stands in for the Bot API in the dispatch-rate part: answers at once, so only pacing limits the rate."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_message(self, chat_id: int, text: str, reply_markup=None):  # noqa: ANN001, ANN201
        self.sent += 1
        return type("Sent", (), {"message_id": self.sent})()


async def planning(url: str, months: int) -> None:
    db = Database(url)
    try:
        await seed_pledges(db, months)
        service = ReminderService(db, default_translator(), PersonalDataCipher(new_data_key()), CountingBot(),
                                  PacedSender(25), default_timezone="Asia/Makassar")
        started = time.perf_counter()
        added = await service.plan_all(NOW - timedelta(days=5))
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = await service.plan_all(NOW - timedelta(days=5))
        second = time.perf_counter() - started
        print(f"planning: {months:,} pledge months -> {added:,} reminders in {first:.1f} s "
              f"({months / first:,.0f} months/s); planning again added {again} in {second:.1f} s")
    finally:
        await db.dispose()


async def dispatch_rate(url: str, rate: float, count: int) -> None:
    """Reminders sent through the real Bot API client to the local stand-in (with Telegram's limits on)."""
    db = Database(url)
    box = ThreadedSandbox(limits=RateLimits())
    box.start()
    try:
        async with db.transaction() as session:
            await session.exec(text("UPDATE reminders SET status = 'cancelled'"))
            await session.exec(text(
                "UPDATE reminders SET status = 'pending', due_at = :due WHERE id IN "
                "(SELECT id FROM reminders WHERE kind = 'before' ORDER BY id LIMIT :n)"),
                params={"due": NOW - timedelta(minutes=1), "n": count})
        async with db.session() as session:
            recipients = [r[0] for r in (await session.exec(text(
                "SELECT recipient_id FROM reminders WHERE status = 'pending'"))).all()]
        box.add_users(recipients)
        bot = ExtBot(TOKEN, base_url=f"{box.base_url}/bot", defaults=Defaults(parse_mode=ParseMode.HTML),
                     request=HTTPXRequest(connection_pool_size=32))
        sent = 0
        async with bot:
            service = ReminderService(db, default_translator(), PersonalDataCipher(new_data_key()), bot,
                                      PacedSender(rate), default_timezone="Asia/Makassar")
            started = time.perf_counter()
            while sent < count:
                result = await service.dispatch_once(NOW, limit=200)
                sent += result.sent
                if result.claimed == 0:
                    break
            elapsed = time.perf_counter() - started
        refused = sum(1 for c in box.calls_to("sendMessage") if c.status == 429)
        achieved = sent / elapsed
        print(f"dispatch: {sent:,} reminders through the stand-in (Telegram's limits on) in {elapsed:.1f} s = "
              f"{achieved:.1f}/s at a configured {rate:g}/s -> {achieved / rate:.2f} of the send rate; "
              f"429s: {refused}")
    finally:
        box.stop()
        await db.dispose()


async def claim_time(url: str, rows: int) -> None:
    """Fill the reminders table to `rows` (a realistic mix: nearly all sent or cancelled, some pending in the
    future, 100 due now) and time the dispatch claim, rolled back so every run sees the same table."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            await session.exec(text("TRUNCATE reminders"))
            await session.exec(text(
                "INSERT INTO reminders (recipient_id, subject, subject_id, month, kind, due_at, status, attempts) "
                "SELECT g, 'pledge_month', g, :month, 'due', CAST(:now AS timestamptz) - make_interval(mins => g % 50000), "
                "CASE WHEN g % 10 = 0 THEN 'pending' WHEN g % 3 = 0 THEN 'cancelled' ELSE 'sent' END, 1 "
                "FROM generate_series(1, :n) g"), params={"n": rows - 100, "month": MONTH, "now": NOW})
            # Pending rows in the future, plus exactly 100 due now.
            await session.exec(text("UPDATE reminders SET due_at = :later WHERE status = 'pending'"),
                               params={"later": NOW + timedelta(days=3)})
            await session.exec(text(
                "INSERT INTO reminders (recipient_id, subject, subject_id, month, kind, due_at, status, attempts) "
                "SELECT g, 'pledge_month', g, :month, 'before', :due, 'pending', 0 FROM generate_series(1, 100) g"),
                params={"month": MONTH, "due": NOW - timedelta(minutes=1)})
        async with db.session() as session:
            await session.exec(text("ANALYZE reminders"))
        timings = []
        for _ in range(30):
            async with db.sessions() as session:
                await session.begin()
                started = time.perf_counter()
                claimed = await claim_due(session, "bench", NOW, 100)
                timings.append((time.perf_counter() - started) * 1000)
                await session.rollback()
            assert len(claimed) == 100
        async with db.session() as session:
            plan = (await session.exec(text(
                "EXPLAIN SELECT id FROM reminders WHERE status = 'pending' AND due_at <= :now "
                "ORDER BY due_at LIMIT 100 FOR UPDATE SKIP LOCKED"), params={"now": NOW})).all()
        uses_index = any("ix_reminders_status_due_at" in row[0] for row in plan)
        print(f"claim of 100 due rows at {rows:>9,} rows: median {statistics.median(timings):.2f} ms, "
              f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.2f} ms "
              f"(index ix_reminders_status_due_at used: {uses_index})")
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--months", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--dispatch", type=int, default=500)
    parser.add_argument("--workers-users", type=int, default=3000)
    args = parser.parse_args()
    url = create_postgres_database(args.database_url)
    try:
        await migrate.upgrade_async(url)
        await planning(url, args.months)
        await dispatch_rate(url, args.rate, args.dispatch)
        for rows in (10_000, 1_000_000):
            await claim_time(url, rows)
    finally:
        drop_postgres_database(url, args.database_url)
    await asyncio.to_thread(two_workers_one_frozen, args.database_url, "reminders", args.workers_users, args.rate)


if __name__ == "__main__":
    asyncio.run(main())
