"""Charts benchmark: how long the pictures take to draw, what the cache saves, how long the dashboard's queries
take on a populated database, and whether drawing stalls the event loop (it must not: chat replies wait on it).

    .venv/bin/python benchmarks/charts_bench.py [--applications 100000] [--database-url postgresql://...] [--save docs/]

Seeds a database (SQLite in a temporary directory unless --database-url) with applications, users, pledges with
their months, reminders and broadcast deliveries spread over 16 weeks, then prints:
- matplotlib import time and memory (paid once per process, on the first chart);
- drawing time per chart (cold) and a cache hit (warm);
- ten concurrent requests for the same new chart: how many drawings they cost (target 1);
- the event loop's longest stall while a chart is drawn off the loop, vs drawn on it (target: < 50 ms off);
- the dashboard queries on the seeded tables.
--save writes the example pictures shown in the README (statistik_coverage.png, statistik_claims.png,
dashboard.png) into the given directory, the dashboard drawn from the seeded data.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from bot.core.i18n import default_translator  # noqa: E402
from bot.infra import migrations as migrate  # noqa: E402
from bot.infra.database import Database  # noqa: E402
from bot.reports.charts import ChartRenderer, render_png  # noqa: E402
from bot.reports.dashboard import dashboard_chart  # noqa: E402
from bot.reports.regional_figures import load_regional_figures  # noqa: E402
from bot.reports.statistics_charts import claims_chart, coverage_chart  # noqa: E402
from models.broadcast import BroadcastDelivery  # noqa: E402
from models.enrollment import EnrollmentApplication  # noqa: E402
from models.pledge import Pledge, PledgeBeneficiary, PledgeMonth, PledgeWorkerMonth  # noqa: E402
from models.reminder import Reminder  # noqa: E402
from models.report import dashboard_figures  # noqa: E402
from models.user import User  # noqa: E402

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
WITA = "Asia/Makassar"
PROVINCES = (("Kalimantan Selatan", 34), ("Kalimantan Timur", 27), ("Kalimantan Barat", 16),
             ("Kalimantan Tengah", 13), ("Kalimantan Utara", 6), ("Jawa Timur", 2), ("Sulawesi Selatan", 2))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def growing_time(rng: random.Random, weeks: int = 16) -> datetime:
    """A moment in the last `weeks` weeks, later ones likelier (the bot is growing)."""
    return NOW - timedelta(days=weeks * 7 * (1 - rng.random() ** 0.6))


async def seed(db: Database, applications: int) -> None:
    rng = random.Random(2026)
    provinces, weights = zip(*PROVINCES)
    users = applications * 3
    pledges = max(applications // 8, 1)
    batch = 5_000
    async with db.transaction() as session:
        for start in range(0, users, batch):
            await session.exec(insert(User), params=[
                {"telegram_id": 10_000_000 + i, "first_name": "U", "language": "id", "role": "user",
                 "province": None, "timezone": WITA, "is_blocked": False, "reminder_opt_in": False,
                 "created_at": growing_time(rng), "updated_at": NOW} for i in range(start, min(users, start + batch))])
        for start in range(0, applications, batch):
            rows = []
            for i in range(start, min(applications, start + batch)):
                created = growing_time(rng)
                status = rng.choices(("submitted", "registered", "rejected"), (25, 68, 7))[0]
                rows.append({"user_id": 10_000_000 + i, "name_encrypted": "x", "nik_encrypted": "x",
                             "nik_hash": f"{i:064d}", "birth_date_encrypted": "x", "phone_encrypted": "x",
                             "occupation": "marbot", "transport": False,
                             "province": rng.choices(provinces, weights)[0], "regency": "-", "income": 1_000_000,
                             "programs": "jkk,jkm", "consent_version": "2026-11", "consent_at": created,
                             "status": status, "created_at": created})
            await session.exec(insert(EnrollmentApplication), params=rows)
        pledge_rows, month_rows, worker_rows, part_rows = [], [], [], []
        for i in range(pledges):
            created = growing_time(rng)
            first = date(created.year, created.month, 1)
            count = rng.choice((1, 2, 2, 3))
            pledge_rows.append({"id": i + 1, "sponsor_id": 20_000_000 + i, "status": "active", "months": 6,
                                "first_month": first, "programs": "jkk,jkm", "worker_count": count,
                                "created_at": created, "reminders_off": False})
            workers = []
            for position in range(1, count + 1):
                opened = rng.random() < 0.8  # most open their invitation, most of those apply
                workers.append(len(worker_rows) + 1)
                worker_rows.append({"id": len(worker_rows) + 1, "pledge_id": i + 1, "position": position,
                                    "occupation": "marbot", "transport": False, "share_with_sponsor": False,
                                    "priced_income": 1_000_000,
                                    "worker_user_id": 30_000_000 + len(worker_rows) if opened else None,
                                    "application_id": rng.randint(1, applications) if opened and rng.random() < 0.8
                                    else None})
            for k in range(6):
                month = date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
                due = month.replace(day=15)
                local_due = datetime(due.year, due.month, due.day, 1, tzinfo=UTC)
                paid_at = None
                if local_due < NOW and rng.random() < 0.9:
                    paid_at = local_due + timedelta(days=rng.choice((-10, -5, -2, -1, 0, 0, 2, 6)))
                elif local_due >= NOW and rng.random() < 0.2:
                    paid_at = NOW - timedelta(days=1)
                month_rows.append({"id": len(month_rows) + 1, "pledge_id": i + 1, "month": month, "due_date": due,
                                   "amount_due": 16_800 * count, "amount_paid": 16_800 * count if paid_at else 0,
                                   "status": "paid" if paid_at else "due", "paid_at": paid_at})
                part_rows += [{"month_id": len(month_rows), "beneficiary_id": worker, "amount_due": 16_800,
                               "discount": 0, "amount_paid": 16_800 if paid_at else 0} for worker in workers]
        await session.exec(insert(Pledge), params=pledge_rows)
        for rows, table in ((worker_rows, PledgeBeneficiary), (month_rows, PledgeMonth), (part_rows, PledgeWorkerMonth)):
            for start in range(0, len(rows), batch):
                await session.exec(insert(table), params=rows[start:start + batch])
        reminders = [{"recipient_id": 20_000_000 + i % pledges, "subject": "pledge_month", "subject_id": i,
                      "month": date(2026, 11, 1), "kind": ("before", "due", "overdue")[i % 3],
                      "due_at": NOW, "status": "sent", "attempts": 1, "sent_at": growing_time(rng)}
                     for i in range(pledges * 3)]
        for start in range(0, len(reminders), batch):
            await session.exec(insert(Reminder), params=reminders[start:start + batch])
        deliveries = [{"broadcast_id": 1 + i % 3, "user_id": 10_000_000 + i, "status": "sent", "attempts": 1}
                      for i in range(min(users, 30_000))]
        for start in range(0, len(deliveries), batch):
            await session.exec(insert(BroadcastDelivery), params=deliveries[start:start + batch])


async def loop_stall(draw) -> float:  # noqa: ANN001
    """Longest gap (ms) between 5 ms ticks of the event loop while `draw()` runs."""
    worst, running = 0.0, True

    async def ticker() -> None:
        nonlocal worst
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            worst = max(worst, now - last - 0.005)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    await draw()
    running = False
    await task
    return worst * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--save", type=Path, help="write the README's example pictures into this directory")
    args = parser.parse_args()
    texts, regional = default_translator(), load_regional_figures()

    before = rss_mb()
    started = time.perf_counter()
    import matplotlib.figure  # noqa: F401

    print(f"matplotlib import: {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"+{rss_mb() - before:.0f} MB peak RSS")
    render_png(claims_chart(regional, texts, "en"))  # fonts and caches warm, as after the first chart

    for name, chart in (("coverage", coverage_chart(regional, texts, "id")),
                        ("claims", claims_chart(regional, texts, "id"))):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            picture = render_png(chart)
            times.append((time.perf_counter() - started) * 1000)
        print(f"draw {name}: median {statistics.median(times):.0f} ms, {len(picture) / 1024:.0f} KB")

    renderer = ChartRenderer()
    chart = coverage_chart(regional, texts, "en")
    await renderer.png(chart)
    started = time.perf_counter()
    for _ in range(1000):
        await renderer.png(chart)
    print(f"cache hit: {(time.perf_counter() - started) * 1000:.1f} µs per picture (1,000 requests), "
          f"drawn {renderer.drawn} time(s)")

    fresh = ChartRenderer()
    concurrent = claims_chart(regional, texts, "id")
    await asyncio.gather(*(fresh.png(concurrent) for _ in range(10)))
    print(f"10 concurrent requests for one new chart: drawn {fresh.drawn} time(s)")

    started = time.perf_counter()
    third = ChartRenderer()
    await third.png(claims_chart(regional, texts, "id"))
    print(f"first chart in a new worker process (start, import, draw): {time.perf_counter() - started:.1f} s")
    process_stall = await loop_stall(lambda: third.png(coverage_chart(regional, texts, "id")))
    threaded = ChartRenderer(in_process=True)
    await threaded.png(claims_chart(regional, texts, "id"))
    thread_stall = await loop_stall(lambda: threaded.png(coverage_chart(regional, texts, "id")))

    async def on_loop() -> None:
        render_png(coverage_chart(regional, texts, "id"))

    on = await loop_stall(on_loop)
    print(f"event loop's longest stall while drawing: in the worker process {process_stall:.1f} ms, "
          f"on a thread {thread_stall:.1f} ms, on the loop {on:.0f} ms")

    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite+aiosqlite:///{workdir}/charts.db"
        if args.database_url:  # a fresh database on that PostgreSQL server, dropped at the end
            from benchmarks.reminders_bench import create_database

            url = await create_database(args.database_url)
        await migrate.upgrade_async(url)
        db = Database(url)
        try:
            started = time.perf_counter()
            await seed(db, args.applications)
            print(f"seeded {args.applications:,} applications, {args.applications * 3:,} users, "
                  f"{args.applications // 8:,} pledges with 6 months each in {time.perf_counter() - started:.1f} s "
                  f"({url.split(':')[0]})")
            times = []
            for _ in range(5):
                started = time.perf_counter()
                async with db.session() as session:
                    figures = await dashboard_figures(session, NOW, WITA)
                times.append((time.perf_counter() - started) * 1000)
            print(f"dashboard queries: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
            started = time.perf_counter()
            dashboard_png = render_png(dashboard_chart(figures, texts, "id"))
            print(f"draw dashboard: {(time.perf_counter() - started) * 1000:.0f} ms, {len(dashboard_png) / 1024:.0f} KB")
        finally:
            await db.dispose()
            if args.database_url:
                from benchmarks.reminders_bench import drop_database

                await drop_database(args.database_url, url)
    renderer.close(), fresh.close(), third.close(), threaded.close()
    print(f"peak RSS: {rss_mb():.0f} MB")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "statistik_coverage.png").write_bytes(render_png(coverage_chart(regional, texts, "id")))
        (args.save / "statistik_claims.png").write_bytes(render_png(claims_chart(regional, texts, "id")))
        (args.save / "dashboard.png").write_bytes(dashboard_png)
        print(f"example pictures written to {args.save}/")


if __name__ == "__main__":
    asyncio.run(main())
