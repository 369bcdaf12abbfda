"""Real `python -m bot worker` processes on one database and one stand-in, and the two kinds of work they share
(reminders, broadcast deliveries): for the stalled-worker tests and the two-worker benchmarks."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.core.crypto import new_data_key
from tests.support.botproc import BotProcess
from tests.support.bulk import count_by_status, queue_broadcast, read_rows, seed_due_reminders, wait_until
from tests.support.e2e_steps import midday_zone
from tests.support.sim_user import ThreadedSandbox


@dataclass(frozen=True)
class Work:
    """Reminders or broadcast deliveries: how to queue them and how to read their rows."""

    name: str
    table: str
    chat_column: str

    def queue(self, url: str, users: list[int]) -> None:
        if self.name == "reminders":
            seed_due_reminders(url, users, zone=midday_zone())
        else:
            queue_broadcast(url, users)

    def statuses(self, url: str) -> Counter:
        return count_by_status(url, f"SELECT status, count(*) FROM {self.table} GROUP BY status")

    def in_flight(self, url: str) -> set[int]:
        """Chats whose message was handed to Telegram with no outcome recorded."""
        return {int(chat) for (chat,) in read_rows(url, f"SELECT {self.chat_column} FROM {self.table} "
                                                        "WHERE status = 'handed'")}


WORK = [Work("reminders", "reminders", "recipient_id"), Work("broadcasts", "broadcast_deliveries", "user_id")]


class Workers:
    """Worker processes on one database and one stand-in, with the same key and settings."""

    def __init__(self, box: ThreadedSandbox, url: str, workdir: Path, **settings: str) -> None:
        self.box, self.url, self.workdir = box, url, workdir
        self.settings = {"DATA_KEY": new_data_key(), "DISPATCH_EVERY": "0.2", **settings}
        self.running: list[BotProcess] = []

    def start(self) -> BotProcess:
        worker = BotProcess(self.box, self.url, self.workdir, "worker", **self.settings).start(ready="getMe")
        self.running.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.running:
            if worker.process is not None and worker.process.poll() is None:
                os.kill(worker.process.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            worker.stop()

    def freeze_the_first_while_a_second_works(self, work: Work, *, after_sent: int, seconds: float) -> None:
        """Start a worker; once `after_sent` rows are sent, freeze it (SIGSTOP) with a claim in hand, start a
        second one, and resume the first `seconds` later."""
        frozen = self.start()
        assert wait_until(lambda: work.statuses(self.url)["sent"] >= after_sent, timeout=120), work.statuses(self.url)
        os.kill(frozen.process.pid, signal.SIGSTOP)
        self.start()
        time.sleep(seconds)  # the scenario's length, not a wait for something to happen
        os.kill(frozen.process.pid, signal.SIGCONT)
