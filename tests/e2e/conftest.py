"""End-to-end fixtures: the local Bot API stand-in and a real bot process per module and backend.

Tests in a module share one bot process (starting one costs about a second), so each test talks as
its own user (`user_id` fixture) and never depends on another test's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.crypto import new_data_key
from bot.infra import migrations as migrate
from tests.support.botproc import BotProcess
from tests.support.databases import BACKENDS, discard_database_url, new_database_url, run_sync
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot
from tests.support.sim_user import ThreadedSandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox() as box:
        yield box


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
