"""The users table on each backend."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.database import Database
from models.user import ROLE_ADMIN, ROLE_USER, User, get_user, set_blocked, set_language, upsert_user


async def _upsert(db: Database, user_id: int, *, name: str = "Siti", role: str = ROLE_USER,
                  interacting: bool = True):  # noqa: ANN202
    async with db.transaction() as session:
        return await upsert_user(session, telegram_id=user_id, first_name=name, username=None,
                                 default_language="id", default_timezone="Asia/Makassar", role=role,
                                 interacting=interacting)


async def test_first_contact_creates_the_user_and_later_contact_refreshes_name_only(db: Database) -> None:
    big_id = 7_123_456_789  # Telegram ids need 64 bits
    profile = await _upsert(db, big_id)
    assert (profile.telegram_id, profile.language, profile.role) == (big_id, "id", ROLE_USER)

    async with db.transaction() as session:
        await set_language(session, big_id, "en")
    profile = await _upsert(db, big_id, name="Siti Aminah", role=ROLE_ADMIN)
    assert profile.language == "en" and profile.role == ROLE_ADMIN

    async with db.session() as session:
        row = await get_user(session, big_id)
    assert row is not None and row.first_name == "Siti Aminah"
    assert row.created_at.tzinfo is not None and row.updated_at >= row.created_at


async def test_blocked_flag_is_cleared_only_when_the_user_writes_again(db: Database) -> None:
    await _upsert(db, 5)
    async with db.transaction() as session:
        assert await set_blocked(session, 5, True)
        assert not await set_blocked(session, 6, True)  # unknown user: nothing to mark
    assert (await _upsert(db, 5, interacting=False)).is_blocked
    assert not (await _upsert(db, 5, interacting=True)).is_blocked


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.transaction() as session:
            session.add(User(telegram_id=9, created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)))
