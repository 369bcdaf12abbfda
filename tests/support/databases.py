"""Test databases: a fresh SQLite file, and (when TEST_DATABASE_URL is set) a fresh PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

from bot.core.settings import normalise_database_url

T = TypeVar("T")

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip() or None
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def run_sync(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running event loop's thread."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(factory())
        except BaseException as error:  # noqa: BLE001 - re-raised below
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _admin_dsn(server: str | None = None) -> str:
    assert server or POSTGRES_URL
    url = make_url(normalise_database_url(server or POSTGRES_URL or ""))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _on_server(statement: str, server: str | None) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(_admin_dsn(server))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    run_sync(run)


def create_postgres_database(server: str | None = None) -> str:
    """A new, empty database on `server` (default: the test server); returns its async URL."""
    name = f"lp_test_{uuid.uuid4().hex[:12]}"
    _on_server(f'CREATE DATABASE "{name}"', server)
    url = make_url(normalise_database_url(server or POSTGRES_URL or "")).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_postgres_database(url: str, server: str | None = None) -> None:
    """Drop a database made by create_postgres_database on `server` (default: the test server)."""
    _on_server(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)', server)


def new_database_url(backend: str, directory: os.PathLike[str]) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{os.fspath(directory)}/lindungi-test-{uuid.uuid4().hex[:8]}.db"
    return create_postgres_database()


def discard_database_url(backend: str, url: str) -> None:
    if backend == "postgresql":
        drop_postgres_database(url)
