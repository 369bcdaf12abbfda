from __future__ import annotations

from sqlalchemy import inspect

from bot.infra import migrations as migrate
from bot.infra.database import Database


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


async def test_an_upgrade_that_fails_part_way_changes_nothing(empty_database_url: str, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Several revisions in one upgrade, the last of which fails after changing things: the database stays exactly
    where it was, on SQLite as on PostgreSQL (SQLite's DDL used to take effect statement by statement)."""
    import shutil

    await migrate.upgrade_async(empty_database_url, "0005_enrollment_applications")
    before = await _tables(empty_database_url)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrate.alembic_config(empty_database_url)).get_current_head()
    (scripts / "versions" / "9999_fails.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "9999_fails"\n'
        f'down_revision = "{head}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        'def upgrade() -> None:\n'
        '    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))\n'
        '    op.add_column("support_tickets", sa.Column("half_done", sa.Integer(), nullable=True))\n'
        '    raise RuntimeError("a migration that fails half-way")\n\n\n'
        'def downgrade() -> None:\n    pass\n')
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    try:
        await migrate.upgrade_async(empty_database_url)
    except RuntimeError as error:
        assert "half-way" in str(error)
    else:
        raise AssertionError("the failing revision did not fail")
    assert await migrate.current_async(empty_database_url) == "0005_enrollment_applications"
    assert await _tables(empty_database_url) == before  # 0006 to head's tables, and half_done, rolled back
    database = Database(empty_database_url)
    try:
        async with database.engine.connect() as connection:
            columns = await connection.run_sync(lambda sync: [c["name"] for c in inspect(sync).get_columns(
                "support_tickets")])
    finally:
        await database.dispose()
    assert "half_done" not in columns
    monkeypatch.undo()
    await migrate.upgrade_async(empty_database_url)  # and the real upgrade still goes through
    assert await migrate.current_async(empty_database_url) == head
