"""Helpers for tests and benchmarks that work with thousands of users: rows to insert in bulk, status counts read
straight from the database, waiting for a condition, and what the stand-in delivered to whom."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import text

from bot.infra.database import Database
from tests.support.databases import run_sync
from tests.support.sim_user import ThreadedSandbox


def user_rows(user_ids: Iterable[int], now: datetime, *, timezone: str = "Asia/Makassar") -> list[dict[str, Any]]:
    """`users` rows with every column set, for one bulk INSERT."""
    return [{"telegram_id": u, "first_name": "U", "language": "id", "role": "user", "timezone": timezone,
             "is_blocked": False, "reminder_opt_in": False, "reminder_hour": 9, "reminder_days_before": 3,
             "reminders_enabled": True, "announcements_opt_out": False, "created_at": now, "updated_at": now}
            for u in user_ids]


def count_by_status(url: str, sql: str) -> Counter:
    """`sql` selects (status, count) pairs."""
    async def read() -> Counter:
        database = Database(url)
        try:
            async with database.session() as session:
                return Counter({status: int(n) for status, n in (await session.exec(text(sql))).all()})
        finally:
            await database.dispose()

    return run_sync(read)


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
