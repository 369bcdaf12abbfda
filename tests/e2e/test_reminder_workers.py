"""Two `python -m bot worker` processes against one PostgreSQL database and the stand-in: each of 5,000 due reminders
is sent exactly once. (Killed, frozen and slow workers, on each backend: test_stalled_workers.py.)
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from bot.core.crypto import new_data_key
from bot.infra import migrations as migrate
from tests.support.botproc import BotProcess
from tests.support.bulk import count_by_status, messages_per_chat, seed_due_reminders, wait_until
from tests.support.databases import POSTGRES_URL, discard_database_url, new_database_url, run_sync
from tests.support.e2e_steps import midday_zone
from tests.support.sim_user import ThreadedSandbox

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_DATABASE_URL")]
FIRST_USER = 9_100_000


def statuses(url: str) -> Counter:
    return count_by_status(url, "SELECT status, count(*) FROM reminders WHERE kind = 'due' GROUP BY status")


@pytest.fixture
def worker_database(tmp_path: Path):  # noqa: ANN201
    url = new_database_url("postgresql", tmp_path)
    run_sync(lambda: migrate.upgrade_async(url))
    yield url
    discard_database_url("postgresql", url)


def start_worker(box: ThreadedSandbox, url: str, workdir: Path, key: str, **extra: str) -> BotProcess:
    return BotProcess(box, url, workdir, "worker", DATA_KEY=key, SEND_RATE="400", DISPATCH_EVERY="0.2",
                      **extra).start(ready="getMe")


def test_two_workers_send_each_of_5000_reminders_exactly_once(worker_database: str, tmp_path: Path) -> None:
    users = list(range(FIRST_USER, FIRST_USER + 5_000))
    seed_due_reminders(worker_database, users, zone=midday_zone())
    key = new_data_key()
    with ThreadedSandbox() as box:
        box.add_users(users)
        started = time.monotonic()
        workers = [start_worker(box, worker_database, tmp_path, key) for _ in range(2)]
        try:
            done = wait_until(lambda: statuses(worker_database)["sent"] == 5_000, timeout=240)
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                worker.stop()
        per_chat = messages_per_chat(box, users)
    assert done, f"not all sent: {statuses(worker_database)}"
    assert len(per_chat) == 5_000 and set(per_chat.values()) == {1}, Counter(per_chat.values())
    claimed_by = statuses(worker_database)
    print(f"\n5,000 reminders by 2 workers in {elapsed:.1f}s; statuses {dict(claimed_by)}")
