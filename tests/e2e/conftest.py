"""End-to-end fixtures: the local Bot API stand-in and a real bot process per module and backend.

Tests in a module share one bot process (starting one costs about a second), so each test talks as
its own user (`user_id` fixture) and never depends on another test's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.devtools.telegram_standin import ThreadedSandbox
from bot.infra import migrations as migrate
from bot.infra.data_key_file import cipher_for
from bot.infra.database import Database
from tests.support.botproc import BotProcess
from tests.support.databases import BACKENDS, discard_database_url, new_database_url, run_sync

ADMIN_ID = 990_000_001
SUPPORT_CHAT_ID = -100_990_000_001


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox() as box:
        yield box


@dataclass
class RunningBot:
    sandbox: ThreadedSandbox
    process: BotProcess
    database_url: str
    backend: str
    workdir: Path

    def rows(self, sql: str, **params: object) -> list[tuple]:
        """Read the bot's database directly (what an operator would see)."""
        async def read() -> list[tuple]:
            database = Database(self.database_url)
            try:
                async with database.session() as session:
                    return [tuple(row) for row in (await session.exec(text(sql), params=params)).all()]
            finally:
                await database.dispose()

        return run_sync(read)

    def execute(self, sql: str, **params: object) -> int:
        """Change the bot's database directly (e.g. make a reminder due now); returns the rows affected."""
        async def write() -> int:
            database = Database(self.database_url)
            try:
                async with database.transaction() as session:
                    return int((await session.exec(text(sql), params=params)).rowcount or 0)
            finally:
                await database.dispose()

        return run_sync(write)

    def scalar(self, sql: str, **params: object) -> object:
        found = self.rows(sql, **params)
        return found[0][0] if found else None

    @property
    def cipher(self) -> PersonalDataCipher:
        return cipher_for(self.process.settings.get("DATA_KEY"), self.database_url)[0]


@pytest.fixture(scope="module", params=BACKENDS)
def running_bot(request: pytest.FixtureRequest, sandbox: ThreadedSandbox,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    workdir = tmp_path_factory.mktemp("bot")
    url = new_database_url(request.param, workdir)
    sandbox.run(lambda: sandbox.sandbox.ensure_group(SUPPORT_CHAT_ID, "Tim Lindungi Pekerja"))
    # SQLite runs as a newcomer would: no DATA_KEY, a key file made beside the database. PostgreSQL needs one.
    keys = {"DATA_KEY": new_data_key()} if request.param == "postgresql" else {}
    process = BotProcess(sandbox, url, workdir, ADMIN_IDS=str(ADMIN_ID),
                         SUPPORT_CHAT_ID=str(SUPPORT_CHAT_ID), DISPATCH_EVERY="0.5", **keys).start()
    try:
        yield RunningBot(sandbox, process, url, request.param, workdir)
    finally:
        process.stop()
        discard_database_url(request.param, url)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(backend, url) of a new, migrated SQLite database, for tests that start their own bot."""
    url = new_database_url("sqlite", tmp_path)
    run_sync(lambda: migrate.upgrade_async(url))
    yield "sqlite", url
