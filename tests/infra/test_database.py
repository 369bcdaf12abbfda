"""The database layer under the models: read sessions, the SQLite driver, and PostgreSQL connections that the server
closed. What a user would notice if these broke: answers lost to errors, or data written half or twice."""

from __future__ import annotations

import asyncio

import aiosqlite
import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.infra.database import Database, WriteInReadSession
from models.support import SupportTicket
from models.user import User, upsert_user
from tests.support.databases import _admin_dsn


async def test_statements_report_rows_ids_and_counts_and_a_failed_write_leaves_nothing(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all([User(telegram_id=1001, first_name="Siti"), User(telegram_id=1002, first_name="Rahmat")])
        ticket = SupportTicket(user_id=1001, question="Bagaimana cara klaim JHT?")
        session.add(ticket)
        await session.flush()
        assert ticket.id is not None  # the new row's id came back
    async with db.transaction() as session:
        changed = await session.exec(text("UPDATE users SET language = 'en' WHERE telegram_id IN (1001, 1002)"))
        assert changed.rowcount == 2
    with pytest.raises(IntegrityError):  # the same Telegram id twice, with a valid row in the same transaction
        async with db.transaction() as session:
            session.add(User(telegram_id=1003, first_name="Baru"))
            await session.flush()
            session.add(User(telegram_id=1001, first_name="Kembar"))
            await session.flush()
    async with db.session() as session:
        rows = (await session.exec(text("SELECT telegram_id, first_name, language FROM users ORDER BY 1"))).all()
        assert [tuple(r) for r in rows] == [(1001, "Siti", "en"), (1002, "Rahmat", "en")]
        assert (await session.get(SupportTicket, ticket.id)).question == "Bagaimana cara klaim JHT?"


async def test_a_read_session_refuses_writes_instead_of_committing_them_piecemeal(db: Database) -> None:
    async with db.transaction() as session:
        session.add(User(telegram_id=3001, first_name="Ijul"))
    async with db.session() as session:
        session.add(User(telegram_id=3002, first_name="Tidak"))
        with pytest.raises(WriteInReadSession):
            await session.flush()
    async with db.session() as session:
        user = await session.get(User, 3001)
        user.first_name = "Diubah"
        with pytest.raises(WriteInReadSession):
            await session.flush()
    async with db.session() as session:
        assert (await session.get(User, 3001)).first_name == "Ijul" and await session.get(User, 3002) is None


async def test_a_sqlite_statement_is_one_trip_to_the_connection_thread(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """bot/infra/sqlite_driver.py: the cursor's work is done in one hand-off (it was four). If aiosqlite's internals it
    uses change, this fails rather than the bot."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    try:
        async with db.transaction() as session:
            await session.exec(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
        trips: list[str] = []
        original = aiosqlite.Connection._execute

        async def counted(self, fn, *args, **kwargs):  # noqa: ANN001, ANN202
            trips.append(getattr(fn, "__name__", "?"))
            return await original(self, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        async with db.session() as session:
            await session.exec(text("SELECT 1"))  # a pooled connection, so the count is the statement's own
            trips.clear()
            assert (await session.exec(text("SELECT count(*) FROM t"))).scalar_one() == 0
        assert trips == ["_run"]  # and no rollback: a read session has no transaction to end
        async with db.transaction() as session:
            trips.clear()
            inserted = await session.exec(text("INSERT INTO t (name) VALUES ('Marbot')"))
            assert inserted.lastrowid == 1
        assert trips == ["_run", "commit"]
    finally:
        await db.dispose()


async def test_connections_postgresql_closed_are_replaced_without_failing_anyone(db: Database) -> None:
    """A PostgreSQL restart or idle timeout closes the pool's connections; the next users must not get errors."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    async with db.session() as reading, db.transaction() as writing:  # two pooled connections, one of each kind
        await reading.exec(text("SELECT 1"))
        await writing.exec(text("SELECT 1"))
    admin = await asyncpg.connect(_admin_dsn())
    try:
        closed = await admin.fetchval("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                                      .replace("current_database()", f"'{db.engine.url.database}'"))
        assert closed >= 2
    finally:
        await admin.close()
    await asyncio.sleep(0.2)  # the server's goodbye reaches the pool's sockets
    async with db.transaction() as session:
        session.add(User(telegram_id=2001, first_name="Ijul"))
    async with db.session() as session:
        assert (await session.get(User, 2001)).first_name == "Ijul"


async def test_a_new_sqlite_database_and_its_journal_are_readable_by_the_owner_only(tmp_path) -> None:  # noqa: ANN001
    import os
    import stat

    from bot.infra import migrations as migrate

    old_umask = os.umask(0o022)  # the usual default, under which files come out world-readable
    try:
        url = f"sqlite+aiosqlite:///{tmp_path}/people.db"
        await migrate.upgrade_async(url)
        database = Database(url)
        try:
            async with database.transaction() as session:  # a write, so the -wal and -shm files exist
                await upsert_user(session, telegram_id=5, first_name="Siti", username=None, default_language="id",
                                  default_timezone="Asia/Makassar", role="user", interacting=True)
            files = sorted(tmp_path.glob("people.db*"))
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        finally:
            await database.dispose()
    finally:
        os.umask(old_umask)
    assert "people.db" in modes and set(modes.values()) == {0o600}, modes
