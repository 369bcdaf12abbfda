"""A worker stopped gracefully (SIGTERM) in the middle of a broadcast and started again: it exits promptly, what it
sent is recorded, what it had claimed but not sent is pending again at once, and after a restart every recipient
has exactly one message. (Killed, frozen and slow workers: test_stalled_workers.py.)"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.infra import migrations as migrate
from bot.infra.database import Database
from models import broadcast as table
from models.user import User
from tests.support.botproc import BotProcess
from tests.support.bulk import count_by_status, messages_per_chat, user_rows, wait_until
from tests.support.databases import run_sync
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e
FIRST = 970_000_000
COUNT = 600


def seed_and_queue(url: str) -> None:
    async def write() -> None:
        database = Database(url)
        now = datetime.now(timezone.utc)
        try:
            async with database.transaction() as session:
                await session.exec(insert(User.__table__), params=user_rows(range(FIRST, FIRST + COUNT), now))
                await table.create(session, None, table.Audience("everyone"), text_html="Pengumuman uji")
        finally:
            await database.dispose()

    run_sync(write)


def statuses(url: str) -> Counter:
    return count_by_status(url, "SELECT status, count(*) FROM broadcast_deliveries GROUP BY status")


def queued_broadcast(tmp_path: Path) -> str:
    """A migrated SQLite database with COUNT users and a broadcast to all of them waiting to be sent."""
    url = f"sqlite+aiosqlite:///{tmp_path}/broadcast.db"
    asyncio.run(migrate.upgrade_async(url))
    seed_and_queue(url)
    return url


def restart_until_all_sent(box: ThreadedSandbox, url: str, tmp_path: Path, settings: dict[str, str]) -> None:
    restarted = BotProcess(box, url, tmp_path, "worker", **settings).start(ready="getMe")
    try:
        assert wait_until(lambda: statuses(url)["sent"] == COUNT, timeout=90), statuses(url)
    finally:
        restarted.stop()


def test_sigterm_mid_broadcast_leaves_nothing_claimed_and_sends_nothing_twice(tmp_path: Path) -> None:
    url = queued_broadcast(tmp_path)
    users = set(range(FIRST, FIRST + COUNT))
    with ThreadedSandbox() as box:
        box.add_users(users)
        # A long claim timeout: if unsent claims were only released by the timeout, the restart would stall.
        settings = {"SEND_RATE": "150", "DISPATCH_EVERY": "60", "CLAIM_TIMEOUT": "600"}
        worker = BotProcess(box, url, tmp_path, "worker", **settings).start(ready="getMe")
        assert wait_until(lambda: statuses(url)["sent"] >= 150, timeout=60), statuses(url)
        assert statuses(url)["sending"] + statuses(url)["handed"] > 0  # a batch is mid-way: the stop has work
        stopping = time.monotonic()
        assert worker.stop() == 0
        assert time.monotonic() - stopping < 10
        after_stop = statuses(url)
        assert after_stop["sending"] == after_stop["handed"] == 0 and after_stop["pending"] > 0
        assert sum(messages_per_chat(box, users).values()) == after_stop["sent"]  # every send recorded
        restart_until_all_sent(box, url, tmp_path, settings)
        delivered = messages_per_chat(box, users)
    assert set(delivered) == users and set(delivered.values()) == {1}
