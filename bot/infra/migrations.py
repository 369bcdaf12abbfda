"""Alembic, driven from code: `python -m bot db upgrade` and the automatic upgrade at start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.database import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is Alembic's interpolation character; escape it so passwords with % survive.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def _run_with_connection(engine: AsyncEngine, action, *args) -> None:  # noqa: ANN001
    async with engine.begin() as connection:
        def run(sync_connection) -> None:  # noqa: ANN001
            config = alembic_config(str(engine.url.render_as_string(hide_password=False)))
            config.attributes["connection"] = sync_connection
            action(config, *args)

        await connection.run_sync(run)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    engine = make_engine(database_url, migrations=True)
    try:
        await _run_with_connection(engine, command.upgrade, revision)
    finally:
        await engine.dispose()


async def downgrade_async(database_url: str, revision: str) -> None:
    engine = make_engine(database_url, migrations=True)
    try:
        await _run_with_connection(engine, command.downgrade, revision)
    finally:
        await engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`; safe to call on every start (no-op when current)."""
    asyncio.run(upgrade_async(database_url, revision))


def downgrade(database_url: str, revision: str) -> None:
    asyncio.run(downgrade_async(database_url, revision))


async def current_async(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def revision(database_url: str, message: str, autogenerate: bool = True) -> None:
    """Create a new migration file from the difference between the tables and the database."""
    config = alembic_config(database_url)
    command.revision(config, message=message, autogenerate=autogenerate)
