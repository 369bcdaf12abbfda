"""Async engine and session factory; the same code serves SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session as SyncSession
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.settings import sqlite_path
from bot.infra.sqlite_driver import one_trip_dbapi


def make_engine(database_url: str, *, echo: bool = False, reads_only: bool = False,
                migrations: bool = False) -> AsyncEngine:
    """An engine for transactions, or (`reads_only`) one whose sessions only read.

    A read session needs no transaction of its own: on PostgreSQL (READ COMMITTED) every statement sees its own
    snapshot either way, and SQLite starts no transaction for a SELECT. In autocommit mode it also skips the
    BEGIN and ROLLBACK round trips, which were half the database traffic of a typical update (load_bench.py)."""
    reads = {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True} if reads_only else {}
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_owner_only(path)
        # Sessions always end their transaction, so the pool's extra rollback on check-in would be one more
        # round trip to the connection's thread per session for nothing.
        engine = create_async_engine(database_url, echo=echo, connect_args={"timeout": 30},
                                     pool_reset_on_return=None, module=one_trip_dbapi(), **reads)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if migrations:
            _transactional_ddl(engine)
        return engine
    if database_url.startswith("sqlite"):
        return create_async_engine(database_url, echo=echo)
    # pool_pre_ping: a connection the server or the network dropped (a restart, an idle timeout in a NAT or load
    # balancer) is replaced before a user's statement meets it. In autocommit it is one round trip (";"); for
    # transactions asyncpg makes it three. Two engines of 5 + 5 keep the 20 connections one engine had.
    engine = create_async_engine(database_url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                 **reads)
    return engine


def _create_owner_only(path: Path) -> None:
    """The database holds personal data: a new file is readable by its owner only (0600, whatever the umask).
    SQLite gives its -wal and -shm files the database file's permissions."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _transactional_ddl(engine: AsyncEngine) -> None:
    """SQLAlchemy's documented recipe for SQLite: Python's sqlite3 starts a transaction only before INSERT, UPDATE
    and DELETE, so a migration's CREATE and ALTER statements took effect one by one, and an upgrade over several
    revisions that failed half-way left the database half-migrated. Here the driver starts nothing itself and every
    transaction begins with an explicit BEGIN, so all of an upgrade commits, or none of it."""
    def no_implicit_transactions(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None

    def begin(connection) -> None:  # noqa: ANN001
        connection.exec_driver_sql("BEGIN")

    event.listen(engine.sync_engine, "connect", no_implicit_transactions)
    event.listen(engine.sync_engine, "begin", begin)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    # WAL lets readers run while one writer commits; NORMAL sync is durable enough in WAL mode and
    # avoids an fsync per commit; busy_timeout waits for the writer instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: AsyncEngine, *, reads_only: bool = False) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after commit without a lazy load (MissingGreenlet).
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False,
                              sync_session_class=ReadOnlySession if reads_only else SyncSession)


class ReadOnlySession(SyncSession):
    """The session behind `Database.session()`. It runs in autocommit, so a write there would take effect
    statement by statement and could not be rolled back: an ORM write is refused before it reaches the database."""


class WriteInReadSession(RuntimeError):
    pass


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_writes(session, _flush_context, _instances) -> None:  # noqa: ANN001
    if session.new or session.deleted or any(session.is_modified(item) for item in session.dirty):
        raise WriteInReadSession("db.session() only reads; write inside db.transaction()")


class Database:
    """Two session kinds: `async with db.transaction() as session:` for anything that writes (one unit of work,
    committed at the end), and `async with db.session() as session:` for reads only (autocommit, no transaction;
    a write there would not be atomic, so none is made)."""

    def __init__(self, database_url: str, *, echo: bool = False) -> None:
        self.url = database_url
        self.engine = make_engine(database_url, echo=echo)
        # An in-memory SQLite database exists once per connection pool: it gets one engine for both.
        separate = sqlite_path(database_url) is not None or not database_url.startswith("sqlite")
        self.read_engine = make_engine(database_url, echo=echo, reads_only=True) if separate else self.engine
        for engine in {self.engine, self.read_engine}:
            event.listen(engine.sync_engine, "before_cursor_execute", _without_nul, retval=True)
        self.sessions = make_session_factory(self.engine)
        self.read_sessions = make_session_factory(self.read_engine, reads_only=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.read_sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _without_nul(_connection, _cursor, statement, parameters, _context, executemany):  # noqa: ANN001, ANN202
    """PostgreSQL text cannot hold U+0000, and a Telegram user can send it (in a name, a question, a reason...).
    It means nothing, so it is dropped from every value on the way in, on every backend alike."""
    def clean(value):  # noqa: ANN001, ANN202
        return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value

    def clean_row(values):  # noqa: ANN001, ANN202
        if isinstance(values, dict):
            return {key: clean(value) for key, value in values.items()}
        if isinstance(values, (list, tuple)):
            return type(values)(clean(value) for value in values)
        return values

    if executemany and isinstance(parameters, (list, tuple)):
        return statement, type(parameters)(clean_row(values) for values in parameters)
    return statement, clean_row(parameters)
