from __future__ import annotations

from sqlalchemy import inspect

from bot import migrate
from bot.database import Database


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await database.dispose()


async def test_upgrade_creates_the_tables_and_downgrade_removes_them(empty_database_url: str) -> None:
    await migrate.upgrade_async(empty_database_url)
    assert "users" in await _tables(empty_database_url)
    assert await migrate.current_async(empty_database_url) is not None
    await migrate.upgrade_async(empty_database_url)  # a second start changes nothing

    await migrate.downgrade_async(empty_database_url, "base")
    assert "users" not in await _tables(empty_database_url)
    await migrate.upgrade_async(empty_database_url)
    assert "users" in await _tables(empty_database_url)


async def test_migrations_match_the_table_definitions(database_url: str) -> None:
    """A model change without a migration fails here (autogenerate finds a difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import models

    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}),
                                              models.metadata))
    finally:
        await database.dispose()
    assert diff == []
