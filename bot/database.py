"""Async engine and session factory; the same code serves SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.settings import sqlite_path


def make_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Sessions always end their transaction, so the pool's extra rollback on check-in would be one more
        # round trip to the connection's thread per session for nothing.
        engine = create_async_engine(database_url, echo=echo, connect_args={"timeout": 30},
                                     pool_reset_on_return=None)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if database_url.startswith("sqlite"):
        return create_async_engine(database_url, echo=echo)
    return create_async_engine(database_url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    # WAL lets readers run while one writer commits; NORMAL sync is durable enough in WAL mode and
    # avoids an fsync per commit; busy_timeout waits for the writer instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after commit without a lazy load (MissingGreenlet).
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


class Database:
    """The engine and a unit-of-work helper: `async with db.transaction() as session: ...`."""

    def __init__(self, database_url: str, *, echo: bool = False) -> None:
        self.url = database_url
        self.engine = make_engine(database_url, echo=echo)
        event.listen(self.engine.sync_engine, "before_cursor_execute", _without_nul, retval=True)
        self.sessions = make_session_factory(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


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
