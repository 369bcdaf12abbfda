"""The users table on each backend."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.infra.database import Database
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


async def test_a_user_writing_again_soon_is_not_written_again_unless_something_changed(db: Database) -> None:
    from types import SimpleNamespace

    from sqlalchemy import delete
    from sqlalchemy import update as sql_update

    from bot.core.settings import Settings
    from handlers import users

    settings = Settings(bot_token=None, admin_ids="5")
    context = SimpleNamespace(user_data={}, services=SimpleNamespace(settings=settings, db=db))

    def update(name: str, *, membership: bool = False):  # noqa: ANN202
        person = SimpleNamespace(id=4_001, first_name=name, username=None, is_bot=False)
        return SimpleNamespace(effective_user=person, my_chat_member=object() if membership else None)

    async def stored_name() -> str:
        async with db.session() as session:
            return (await get_user(session, 4_001)).first_name

    await users.remember_user(update("Siti"), context)
    assert context.user_data["profile"].telegram_id == 4_001 and await stored_name() == "Siti"
    async with db.transaction() as session:  # someone else renames the row: a skipped write leaves it alone
        await session.exec(sql_update(User).where(User.telegram_id == 4_001)
                           .values(first_name="(unchanged)"))
    await users.remember_user(update("Siti"), context)
    assert await stored_name() == "(unchanged)"  # same name a moment later: no write
    await users.remember_user(update("Siti Aminah"), context)
    assert await stored_name() == "Siti Aminah"  # a new name is written at once
    await users.remember_user(update("Siti Aminah", membership=True), context)  # membership updates always write
    users.forget_profile(context)  # after /hapusdata the next update writes the row again
    async with db.transaction() as session:
        await session.exec(delete(User).where(User.telegram_id == 4_001))
    await users.remember_user(update("Siti Aminah"), context)
    assert await stored_name() == "Siti Aminah"


def test_a_profile_is_written_again_after_a_minute_or_as_soon_as_it_changes() -> None:
    from bot.core.profile_refresh import profile_is_current, stamp_after_write

    siti = ("Siti", None, ROLE_USER)
    stamp = stamp_after_write(siti, interacting=True, blocked=False, now=100.0)
    assert profile_is_current(stamp, siti, interacting=True, now=159.9)
    assert not profile_is_current(stamp, siti, interacting=True, now=160.0)  # a minute on: written again
    assert not profile_is_current(stamp, ("Siti Aminah", None, ROLE_USER), interacting=True, now=101.0)
    assert not profile_is_current(stamp, ("Siti", None, ROLE_ADMIN), interacting=True, now=101.0)
    assert not profile_is_current(stamp, siti, interacting=False, now=101.0)  # blocked or unblocked the bot
    assert not profile_is_current(None, siti, interacting=True, now=101.0)
    # A user marked as having blocked the bot is written on their next message, which unblocks them.
    assert stamp_after_write(siti, interacting=True, blocked=True, now=1.0) is None
    assert stamp_after_write(siti, interacting=False, blocked=False, now=1.0) is None
