"""Broadcast benchmark: the real bot process sends one broadcast to N users (default 10,000) through the local
Bot API stand-in with Telegram's limits on (30/s overall, 1/s per chat, 429 when exceeded), while a simulated user
asks a question every second.

    .venv/bin/python benchmarks/broadcast_bench.py [--users 10000] [--rate 25] [--database-url URL]
                                                   [--workers-users 3000]

Prints: achieved rate as a share of the configured rate (target >= 0.95), 429s received, deliveries lost and
duplicated (target 0 and 0), and p50/p95 reply time to the questions during the broadcast (target p95 < 1 s).
With a PostgreSQL --database-url (a server: scratch databases are created on it and dropped), then two worker
processes share a broadcast to --workers-users people, one frozen (SIGSTOP) past its lease and resumed: their
rate, lost and duplicated (benchmarks/two_workers.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from benchmarks.two_workers import two_workers_one_frozen  # noqa: E402
from bot.core.crypto import new_data_key  # noqa: E402
from bot.core.settings import normalise_database_url  # noqa: E402
from bot.devtools.telegram_standin import RateLimits  # noqa: E402
from bot.infra import migrations as migrate  # noqa: E402
from bot.infra.database import Database  # noqa: E402
from models import broadcast as table  # noqa: E402
from models.user import User  # noqa: E402
from tests.support.botproc import BotProcess  # noqa: E402
from tests.support.bulk import user_rows  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.sim_user import ThreadedSandbox  # noqa: E402

FIRST_USER = 50_000_000
ASKER = 49_999_999


def seed(url: str, users: int) -> None:
    async def write() -> None:
        database = Database(url)
        now = datetime.now(timezone.utc)
        try:
            async with database.transaction() as session:
                await session.exec(insert(User.__table__), params=user_rows(range(FIRST_USER, FIRST_USER + users),
                                                                             now))
        finally:
            await database.dispose()

    asyncio.run(write())


def queue(url: str) -> int:
    async def create() -> int:
        database = Database(url)
        try:
            async with database.transaction() as session:
                item = await table.create(session, None, table.Audience("everyone"),
                                          text_html="📣 <b>Pengumuman</b>: kantor cabang buka Sabtu.")
                return item.id
        finally:
            await database.dispose()

    return asyncio.run(create())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--database-url", default=None, help="default: a scratch SQLite file")
    parser.add_argument("--debug", action="store_true", help="list the calls for the asking user's chat")
    parser.add_argument("--workers-users", type=int, default=3000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lp-broadcast-"))
    server = normalise_database_url(args.database_url) if args.database_url else None
    postgres = server is not None and server.startswith("postgresql")
    url = create_postgres_database(server) if postgres else server or f"sqlite+aiosqlite:///{workdir}/bench.db"
    try:
        one_process(args, workdir, url)
    finally:
        if postgres:
            drop_postgres_database(url, server)
    if postgres:
        two_workers_one_frozen(server, "broadcasts", args.workers_users, args.rate)


def one_process(args: argparse.Namespace, workdir: Path, url: str) -> None:
    asyncio.run(migrate.upgrade_async(url))
    seed(url, args.users)
    recipients = set(range(FIRST_USER, FIRST_USER + args.users))
    with ThreadedSandbox(limits=RateLimits()) as box:
        box.add_users(recipients)
        process = BotProcess(box, url, workdir, SEND_RATE=str(args.rate), DISPATCH_EVERY="5",
                             LOG_LEVEL="WARNING", DATA_KEY=new_data_key()).start()
        try:
            broadcast_id = queue(url)  # the asking user joins after: the broadcast is not for them
            asker = box.user(ASKER)
            asker.send("/start")
            asker.replies(timeout=10, settle=1.5)  # greeting and menu (the second waits out the chat limit)
            time.sleep(1.0)
            started = time.monotonic()
            replies: list[float] = []
            rounds = 0
            while True:
                rounds += 1
                if rounds % 5 == 0:  # counting scans every call the stand-in recorded: not every second
                    sent_ok = sum(1 for c in box.calls_to("sendMessage")
                                  if c.status == 200 and int(c.params.get("chat_id", 0)) in recipients)
                    if sent_ok >= args.users or time.monotonic() - started > args.users / args.rate * 3 + 60:
                        break
                asked = time.monotonic()
                asker.send("iuran bpu berapa sebulan")
                answer = asker.replies(timeout=10, settle=0.05)
                if answer:
                    replies.append(time.monotonic() - asked)
                time.sleep(1.0)  # reads the answer, asks again a second later
            elapsed = time.monotonic() - started
        finally:
            process.stop()
        calls = box.calls_to("sendMessage")
        every_call = box.run(lambda: list(box.sandbox.calls))
    ok = [c for c in calls if c.status == 200 and int(c.params.get("chat_id", 0)) in recipients]
    delivered = Counter(int(c.params["chat_id"]) for c in ok)
    sending_time = max(ok[-1].at - ok[0].at, 1e-9) if len(ok) > 1 else elapsed  # first to last delivery
    refused = sum(1 for c in calls if c.status == 429)
    refused_asker = sum(1 for c in calls if c.status == 429 and int(c.params.get("chat_id", 0)) == ASKER)
    to_asker = Counter((c.method, c.status) for c in every_call
                       if str(c.params.get("chat_id", "")) == str(ASKER))
    print(f"calls for the asking user's chat: {dict(to_asker)}")
    for c in every_call:
        if str(c.params.get("chat_id", "")) == str(ASKER) and "--debug" in sys.argv:
            print(f"  {c.at:.3f} {c.method} {c.status} {str(c.params.get('text', ''))[:50]!r}")
    lost = len(recipients - set(delivered))
    duplicated = sum(n - 1 for n in delivered.values() if n > 1)
    achieved = (len(ok) - 1) / sending_time if len(ok) > 1 else 0.0
    replies.sort()
    print(f"broadcast #{broadcast_id} to {args.users:,} users: {sending_time:.1f} s from first to last delivery "
          f"({elapsed:.1f} s from queueing, including the scheduler's first run)")
    print(f"achieved rate: {achieved:.2f}/s at a configured {args.rate:g}/s -> {achieved / args.rate:.3f}")
    print(f"429s received: {refused} ({refused - refused_asker} on broadcast messages, retried; {refused_asker} on "
          f"replies to the user); lost: {lost}; duplicated: {duplicated}")
    if replies:
        p95 = replies[min(len(replies) - 1, int(len(replies) * 0.95))]
        print(f"replies to {len(replies)} questions during the broadcast: p50 {statistics.median(replies) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {replies[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
