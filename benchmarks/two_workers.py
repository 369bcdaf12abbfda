"""Two `python -m bot worker` processes sharing one queue on PostgreSQL, one of them frozen (SIGSTOP) past its lease
while the other works on, then resumed: the rate they reach together (freeze included) and how many messages were
lost or sent twice (targets 0 and 0). Used by reminders_bench.py and broadcast_bench.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.infra import migrations as migrate  # noqa: E402
from tests.support.bulk import messages_per_chat, wait_until  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database, run_sync  # noqa: E402
from tests.support.sim_user import ThreadedSandbox  # noqa: E402
from tests.support.workers import WORK, Workers  # noqa: E402

FIRST_USER = 70_000_000


def two_workers_one_frozen(server: str, kind: str, users: int, rate: float, *, lease: float = 5.0,
                           freeze: float = 12.0) -> dict[str, float]:
    """Run the scenario for `kind` ("reminders" or "broadcasts") in a scratch database on `server`; print one line
    and return the figures."""
    work = next(w for w in WORK if w.name == kind)
    url = create_postgres_database(server)
    recipients = list(range(FIRST_USER, FIRST_USER + users))
    try:
        run_sync(lambda: migrate.upgrade_async(url))
        work.queue(url, recipients)
        with ThreadedSandbox() as box:
            box.add_users(recipients)
            workers = Workers(box, url, Path(tempfile.mkdtemp(prefix="lp-two-workers-")), SEND_RATE=f"{rate:g}",
                              CLAIM_TIMEOUT=f"{lease:g}", IN_FLIGHT_TIMEOUT="300", LOG_LEVEL="WARNING")
            try:
                workers.freeze_the_first_while_a_second_works(work, after_sent=users // 10, seconds=freeze)
                done = wait_until(lambda: work.statuses(url)["sent"] >= users, timeout=users / rate * 2 + 120)
            finally:
                workers.stop_all()
            per_chat = messages_per_chat(box, recipients)
            times = sorted(c.at for c in box.calls_to("sendMessage")
                           if c.status == 200 and int(c.params.get("chat_id", 0)) in set(recipients))
    finally:
        drop_postgres_database(url, server)
    elapsed = max(times[-1] - times[0], 1e-9) if len(times) > 1 else 0.0
    figures = {"messages": len(times), "seconds": elapsed, "rate": (len(times) - 1) / elapsed if elapsed else 0.0,
               "lost": len(set(recipients) - set(per_chat)), "duplicated": sum(n - 1 for n in per_chat.values())}
    print(f"{kind}, two workers at SEND_RATE={rate:g}/s each, one frozen (SIGSTOP) {freeze:g} s past a {lease:g} s "
          f"lease, then resumed: {figures['messages']:,} messages to {users:,} chats in {elapsed:.1f} s = "
          f"{figures['rate']:.1f}/s; lost: {figures['lost']}; duplicated: {figures['duplicated']}"
          + ("" if done else " (timed out before every row was sent)"), flush=True)
    return figures
