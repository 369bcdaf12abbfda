"""A real bot process under test, as the end-to-end tests see it: its stand-in, its process, and direct reads and
writes of its database (what an operator would see or change)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bot.core.crypto import PersonalDataCipher
from bot.infra.data_key_file import cipher_for
from bot.infra.database import Database
from tests.support.botproc import BotProcess
from tests.support.databases import run_sync
from tests.support.sim_user import ThreadedSandbox

ADMIN_ID = 990_000_001
SUPPORT_CHAT_ID = -100_990_000_001


class DirectDatabase:
    """Reads and writes of a bot's database as an operator would make them; the class gives `database_url`."""

    database_url: str

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


@dataclass
class RunningBot(DirectDatabase):
    sandbox: ThreadedSandbox
    process: BotProcess
    database_url: str
    backend: str
    workdir: Path

    @property
    def cipher(self) -> PersonalDataCipher:
        return cipher_for(self.process.settings.get("DATA_KEY"), self.database_url)[0]
