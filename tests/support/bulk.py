"""Helpers for tests and benchmarks that work with thousands of users: rows to insert in bulk, status counts read
straight from the database, waiting for a condition, what the stand-in delivered to whom, and reminders or a
broadcast queued for them."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, text

from bot.infra.database import Database
from models import broadcast
from models.pledge import Pledge, PledgeBeneficiary, PledgeMonth, PledgeWorkerMonth
from models.reminder import Reminder
from models.user import User
from tests.support.databases import run_sync
from tests.support.sim_user import ThreadedSandbox


def user_rows(user_ids: Iterable[int], now: datetime, *, timezone: str = "Asia/Makassar") -> list[dict[str, Any]]:
    """`users` rows with every column set, for one bulk INSERT."""
    return [{"telegram_id": u, "first_name": "U", "language": "id", "role": "user", "timezone": timezone,
             "is_blocked": False, "reminder_opt_in": False, "reminder_hour": 9, "reminder_days_before": 3,
             "reminders_enabled": True, "announcements_opt_out": False, "created_at": now, "updated_at": now}
            for u in user_ids]


def read_rows(url: str, sql: str) -> list[tuple]:
    async def read() -> list[tuple]:
        database = Database(url)
        try:
            async with database.session() as session:
                return [tuple(row) for row in (await session.exec(text(sql))).all()]
        finally:
            await database.dispose()

    return run_sync(read)


def count_by_status(url: str, sql: str) -> Counter:
    """`sql` selects (status, count) pairs."""
    return Counter({status: int(n) for status, n in read_rows(url, sql)})


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def messages_per_chat(box: ThreadedSandbox, users: Iterable[int]) -> Counter:
    """How many messages the stand-in accepted for each of `users`."""
    wanted = set(users)
    return Counter(int(c.params["chat_id"]) for c in box.calls_to("sendMessage")
                   if c.status == 200 and int(c.params.get("chat_id", 0)) in wanted)


def seed_due_reminders(url: str, users: list[int], *, zone: str) -> None:
    """Each user a sponsor with one unpaid pledge month and one reminder of it due a minute ago (in `zone`, a time
    zone where it is midday, so quiet hours never hold one back)."""
    now = datetime.now(timezone.utc)
    month = date(now.year, now.month, 1)

    async def write() -> None:
        database = Database(url)
        try:
            async with database.transaction() as session:
                await session.exec(insert(User.__table__), params=user_rows(users, now, timezone=zone))
                await session.exec(insert(Pledge.__table__), params=[
                    {"id": i + 1, "sponsor_id": u, "status": "active", "months": 1, "first_month": month,
                     "programs": "jkk,jkm", "worker_count": 1, "created_at": now, "reminders_off": False}
                    for i, u in enumerate(users)])
                await session.exec(insert(PledgeBeneficiary.__table__), params=[
                    {"id": i + 1, "pledge_id": i + 1, "position": 1, "occupation": "marbot", "transport": False,
                     "share_with_sponsor": False, "priced_income": 1_000_000} for i in range(len(users))])
                await session.exec(insert(PledgeMonth.__table__), params=[
                    {"id": i + 1, "pledge_id": i + 1, "month": month, "due_date": month.replace(day=15),
                     "amount_due": 16_800, "amount_paid": 0, "status": "due"} for i in range(len(users))])
                await session.exec(insert(PledgeWorkerMonth.__table__), params=[
                    {"id": i + 1, "month_id": i + 1, "beneficiary_id": i + 1, "amount_due": 16_800, "discount": 0,
                     "amount_paid": 0} for i in range(len(users))])
                await session.exec(insert(Reminder.__table__), params=[
                    {"recipient_id": u, "subject": "pledge_month", "subject_id": i + 1, "month": month,
                     "kind": "due", "due_at": now - timedelta(minutes=1), "status": "pending", "attempts": 0}
                    for i, u in enumerate(users)])
        finally:
            await database.dispose()

    run_sync(write)


def queue_broadcast(url: str, users: list[int]) -> None:
    """The users, and a broadcast to all of them waiting to be sent."""
    async def write() -> None:
        database = Database(url)
        try:
            async with database.transaction() as session:
                await session.exec(insert(User.__table__), params=user_rows(users, datetime.now(timezone.utc)))
                await broadcast.create(session, None, broadcast.Audience("everyone"), text_html="Pengumuman uji")
        finally:
            await database.dispose()

    run_sync(write)
