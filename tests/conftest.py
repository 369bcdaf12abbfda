"""Fixtures shared by the whole suite. Database tests run once per backend in `tests.databases.BACKENDS`."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.infra import migrations as migrate
from bot.infra.database import Database
from tests.support.databases import BACKENDS, discard_database_url, new_database_url, run_sync

_user_ids = itertools.count(700_000_001)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backends: {', '.join(BACKENDS)}"


@pytest.fixture
def user_id() -> int:
    """A Telegram user id no other test uses (tests share bot processes)."""
    return next(_user_ids)


@pytest.fixture
def new_user_id():  # noqa: ANN201
    return lambda: next(_user_ids)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = new_database_url(request.param, tmp_path_factory.mktemp("db"))
    yield url
    discard_database_url(request.param, url)


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A database migrated to the newest revision."""
    run_sync(lambda: migrate.upgrade_async(empty_database_url))
    return empty_database_url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()
