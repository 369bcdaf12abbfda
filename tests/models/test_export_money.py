"""The exports' money adds up, on random pledges and payments (SQLite and PostgreSQL).

For any dates, the verified money in the pledge-months file is the sum of the verified payments in the payments
file; a pledge file's rows (one per worker) add up to what was recorded; and each row names its sponsor.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import update

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from bot.pledges.rules import PledgeError
from bot.reports.export import ExportRequest
from models.export import export_csv
from models.pledge import PledgePayment, WorkerDetails, cancel, create_pledge
from models.pledge_payments import record_payment, reject_payment, verify_payment
from models.user import upsert_user
from tests.support.discounts import PP50

CIPHER = PersonalDataCipher(new_data_key())
ZONE = "Asia/Makassar"
ADMIN = 99
OCCUPATIONS = ("marbot", "penjaga", "kebersihan")


def read(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def export(db: Database, kind: str, since: date | None = None, until: date | None = None,
                 ) -> list[dict[str, str]]:
    async with db.session() as session:
        content, count = await export_csv(session, CIPHER, ExportRequest(kind, None, since, until).checked(), ZONE)
    rows = read(content)
    assert len(rows) == count
    return rows


async def random_world(db: Database, seed: int) -> dict[int, str]:
    """Sponsors with pledges of 1-3 workers, payments of random amounts recorded on random days of 2026 (some
    verified, some rejected, some waiting), a cancelled pledge. Returns sponsor id -> the name they gave."""
    rng = random.Random(seed)
    sponsors = {7_000 + n: f"Sponsor {n} 🌙" for n in range(rng.randint(2, 4))}
    async with db.transaction() as session:
        for sponsor, name in sponsors.items():
            await upsert_user(session, telegram_id=sponsor, first_name=name, username=None, default_language="id",
                              default_timezone=ZONE, role="user", interacting=True)
    pledges: list[tuple[int, int]] = []
    for sponsor in sponsors:
        for _ in range(rng.randint(1, 2)):
            workers = [WorkerDetails(f"Pekerja {sponsor} {w}", rng.choice(OCCUPATIONS), rng.random() < 0.3, None)
                       for w in range(rng.randint(1, 3))]
            first = date(2026, rng.randint(1, 10), 1)
            async with db.transaction() as session:
                pledge, _ = await create_pledge(session, CIPHER, sponsor, workers, months=rng.choice((1, 3, 6)),
                                                programs=rng.choice((("jkk", "jkm"), ("jkk", "jkm", "jht"))),
                                                first_month=first, current_month=first, discounts=PP50)
            assert pledge.id is not None
            pledges.append((pledge.id, sponsor))
    for _ in range(rng.randint(8, 20)):
        pledge_id, sponsor = rng.choice(pledges)
        try:
            async with db.transaction() as session:
                payment = await record_payment(session, pledge_id, sponsor, rng.choice((1, 5_000, 8_400, 16_800,
                                                                                       25_000, 33_600)),
                                               date(2026, 6, 1), rng.choice((None, "TRX")))
                recorded = datetime.combine(date(2026, 1, 1) + timedelta(days=rng.randint(0, 364)),
                                            time(rng.randint(0, 23), rng.randint(0, 59)), timezone.utc)
                await session.exec(update(PledgePayment).where(PledgePayment.id == payment.id)
                                   .values(created_at=recorded))
        except PledgeError:  # too much for what is left, or a cancelled pledge: nothing recorded
            continue
        decision = rng.random()
        async with db.transaction() as session:
            if decision < 0.5:
                await verify_payment(session, payment.id, ADMIN)
            elif decision < 0.7:
                await reject_payment(session, payment.id, ADMIN, "Jumlahnya tidak sesuai")
        if rng.random() < 0.1:
            async with db.transaction() as session:
                try:
                    await cancel(session, pledge_id, sponsor)
                except PledgeError:
                    pass
    return sponsors


def total(rows: list[dict[str, str]], column: str, **where: str) -> int:
    return sum(int(r[column]) for r in rows if all(r[k] == v for k, v in where.items()))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_verified_money_in_the_months_file_is_the_verified_payments_for_any_dates(db: Database,
                                                                                        seed: int) -> None:
    sponsors = await random_world(db, seed)
    rng = random.Random(seed * 101)
    windows: list[tuple[date | None, date | None]] = [(None, None), (date(2026, 1, 1), date(2026, 12, 31))]
    for _ in range(12):
        a, b = sorted(date(2026, 1, 1) + timedelta(days=rng.randint(-30, 400)) for _ in range(2))
        windows.append(rng.choice([(a, b), (a, None), (None, b), (a, a)]))
    for since, until in windows:
        months = await export(db, "pledge_months", since, until)
        payments = await export(db, "payments", since, until)
        verified = total(payments, "jumlah", status="terverifikasi")
        waiting = total(payments, "jumlah", status="belum_diverifikasi")
        assert total(months, "dibayar_terverifikasi") == verified, (since, until)
        assert total(months, "menunggu_verifikasi") == waiting, (since, until)
        # every payment number a month names is a payment of the same dates that was not rejected
        listed = {r["no_pembayaran"] for r in payments if r["status"] != "ditolak"}
        named = {n for r in months for n in r["no_pembayaran"].split()}
        assert named <= listed

    everything = await export(db, "payments")
    pledges = await export(db, "pledges")
    # one row per worker: the rows add up to what was recorded and not rejected, and nothing is owed twice
    assert total(pledges, "dibayar_pekerja") == sum(int(r["jumlah"]) for r in everything if r["status"] != "ditolak")
    for row in pledges:
        assert int(row["sisa_pekerja"]) == int(row["iuran_pekerja"]) - int(row["dibayar_pekerja"]) >= 0
    months = await export(db, "pledge_months")
    for row in pledges:
        own = [m for m in months if (m["no_janji"], m["pekerja_ke"]) == (row["no_janji"], row["pekerja_ke"])]
        assert total(own, "dibayar") == int(row["dibayar_pekerja"])
    # each sponsor has one number, on all their pledges, and the name they gave
    numbers: dict[str, set[str]] = {}
    for row in pledges:
        numbers.setdefault(row["nama_sponsor"], set()).add(row["no_sponsor"])
    assert set(numbers) == set(sponsors.values())
    assert all(len(found) == 1 and next(iter(found)).startswith("SP-") for found in numbers.values())
    assert len({n for found in numbers.values() for n in found}) == len(sponsors)
