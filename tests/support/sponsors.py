"""Sponsors with a one-worker pledge from December 2026, for the reminder and claim tests (Asia/Makassar)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from models.pledge import WorkerDetails, create_pledge
from models.user import upsert_user

CIPHER = PersonalDataCipher(new_data_key())
SPONSOR = 7_001
DEC = date(2026, 12, 1)
# 2026-12-12 09:00 WITA is 01:00 UTC: the "before" reminder of December.
BEFORE_DEC = datetime(2026, 12, 12, 1, tzinfo=timezone.utc)


async def add_user(db: Database, user_id: int, tz: str = "Asia/Makassar") -> None:
    async with db.transaction() as session:
        await upsert_user(session, telegram_id=user_id, first_name="Rahmat", username=None, default_language="id",
                          default_timezone=tz, role="user", interacting=True)


async def pledge_for(db: Database, sponsor: int = SPONSOR, months: int = 3) -> int:
    async with db.transaction() as session:
        created, _ = await create_pledge(
            session, CIPHER, sponsor, [WorkerDetails("AHMAD FAUZI", "marbot", False, None)], months=months,
            programs=("jkk", "jkm"), first_month=DEC, current_month=DEC, discounts=[])
        return created.id


