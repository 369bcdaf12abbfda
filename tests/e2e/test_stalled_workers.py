"""Exactly once with real `python -m bot worker` processes, on each backend, for reminders and for broadcasts:
- a worker frozen (SIGSTOP) past its lease while another goes on, then resumed: nobody gets a message twice;
- two slow workers whose batches outlast the lease (Telegram's 429 pauses them longer than it): nobody twice;
- a worker killed (SIGKILL) mid-send: nobody is left out, and only chats whose message was in flight at the kill
  (handed to Telegram, outcome not recorded) may get it twice.
The stand-in counts what each chat received.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.infra import migrations as migrate
from tests.support.bulk import messages_per_chat, wait_until
from tests.support.databases import BACKENDS, discard_database_url, new_database_url, run_sync
from tests.support.sim_user import ThreadedSandbox
from tests.support.workers import WORK, Work, Workers

pytestmark = pytest.mark.e2e
FIRST_USER = 9_300_000


@pytest.fixture(params=[(backend, work) for backend in BACKENDS for work in WORK],
                ids=lambda p: f"{p[0]}-{p[1].name}")
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Work]]:
    backend, work = request.param
    url = new_database_url(backend, tmp_path)
    run_sync(lambda: migrate.upgrade_async(url))
    yield url, work
    discard_database_url(backend, url)


def delivered_once_each(box: ThreadedSandbox, work: Work, url: str, users: list[int], workers: Workers,
                        timeout: float = 90) -> Counter:
    try:
        assert wait_until(lambda: work.statuses(url)["sent"] == len(users), timeout), work.statuses(url)
    finally:
        workers.stop_all()
    return messages_per_chat(box, users)


def test_a_worker_frozen_past_its_lease_sends_nothing_twice(queue: tuple[str, Work], tmp_path: Path) -> None:
    url, work = queue
    users = list(range(FIRST_USER, FIRST_USER + 150))
    work.queue(url, users)
    with ThreadedSandbox() as box:
        box.add_users(users)
        # Claims of 60 (a second's sending): the frozen one always holds claimed rows it has not handed over.
        workers = Workers(box, url, tmp_path, SEND_RATE="60", CLAIM_TIMEOUT="2", IN_FLIGHT_TIMEOUT="300")
        workers.freeze_the_first_while_a_second_works(work, after_sent=20, seconds=4)  # twice its 2-second lease
        per_chat = delivered_once_each(box, work, url, users, workers)
    assert sorted(per_chat) == users
    assert Counter(per_chat.values()) == Counter({1: len(users)})


def test_slow_workers_whose_batches_outlast_the_lease_send_nothing_twice(queue: tuple[str, Work],
                                                                          tmp_path: Path) -> None:
    url, work = queue
    users = list(range(FIRST_USER, FIRST_USER + 80))
    work.queue(url, users)
    with ThreadedSandbox() as box:
        box.add_users(users)
        workers = Workers(box, url, tmp_path, SEND_RATE="20", CLAIM_TIMEOUT="2", IN_FLIGHT_TIMEOUT="300")
        workers.start()
        workers.start()
        assert wait_until(lambda: work.statuses(url)["sent"] >= 10, timeout=60), work.statuses(url)
        # Telegram asks each of them to wait 4 seconds, twice the lease, with claimed rows in hand.
        box.fail("sendMessage", 429, count=2, retry_after=4)
        per_chat = delivered_once_each(box, work, url, users, workers)
    assert sorted(per_chat) == users
    assert Counter(per_chat.values()) == Counter({1: len(users)})


def test_a_killed_worker_repeats_at_most_what_was_in_flight(queue: tuple[str, Work], tmp_path: Path) -> None:
    url, work = queue
    users = list(range(FIRST_USER, FIRST_USER + 200))
    work.queue(url, users)
    with ThreadedSandbox() as box:
        box.add_users(users)
        workers = Workers(box, url, tmp_path, SEND_RATE="150", CLAIM_TIMEOUT="2", IN_FLIGHT_TIMEOUT="3")
        killed = workers.start()
        assert wait_until(lambda: work.statuses(url)["sent"] >= 60, timeout=60), work.statuses(url)
        os.kill(killed.process.pid, signal.SIGKILL)
        killed.process.wait()
        in_flight = work.in_flight(url)
        workers.start()
        per_chat = delivered_once_each(box, work, url, users, workers)
    twice = {chat for chat, n in per_chat.items() if n > 1}
    assert sorted(per_chat) == users  # nobody left out
    assert max(per_chat.values()) <= 2 and twice <= in_flight  # only what was in flight, at most once more
    print(f"\n{work.name}: killed with {len(in_flight)} in flight; {len(twice)} delivered twice")
