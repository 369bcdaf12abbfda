"""The data key as an operator meets it, through the real command line: a process started with another key is
refused with one line and exit status 2 before it reads anything, and `rotate-key` moves the data to a new key
(writing it into data.key on a local install), after which the old key is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from models.enrollment import submit
from tests.support.applicants import SITI
from tests.support.botproc import TEST_TOKEN, run_cli
from tests.support.databases import run_sync

pytestmark = pytest.mark.e2e


def _one_line(result) -> str:  # noqa: ANN001
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    return lines[0]


def _enroll_with(url: str, key: str) -> None:
    async def enroll() -> None:
        database = Database(url)
        try:
            async with database.transaction() as session:
                await submit(session, PersonalDataCipher(key), 11, SITI)
        finally:
            await database.dispose()

    run_sync(enroll)


def test_another_key_is_refused_and_rotate_key_moves_a_local_install_to_a_new_key(tmp_path: Path,
                                                                                  fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    assert run_cli("export", "applications", cwd=tmp_path, DATABASE_URL=url).returncode == 0  # makes data.key
    key_file = Path(url.split("///", 1)[1]).parent / "data.key"
    old_key, new_key = key_file.read_text().strip(), new_data_key()
    _enroll_with(url, old_key)

    for command in (("worker",), ("run",), ("export", "applications")):
        refused = run_cli(*command, cwd=tmp_path, BOT_TOKEN=TEST_TOKEN, DATABASE_URL=url, DATA_KEY=new_key)
        assert refused.returncode == 2 and "not the key" in _one_line(refused), command
        assert new_key not in refused.stderr and SITI.nik not in refused.stdout

    rotated = run_cli("rotate-key", "--batch-size", "1", cwd=tmp_path, DATABASE_URL=url,
                      DATA_KEY=f"{new_key},{old_key}")
    assert rotated.returncode == 0 and "Done: 4 values moved" in rotated.stdout, rotated.stderr
    assert key_file.read_text().strip() == new_key and key_file.stat().st_mode & 0o077 == 0

    exported = run_cli("export", "applications", cwd=tmp_path, DATABASE_URL=url)  # the key file's new key alone
    assert exported.returncode == 0 and SITI.nik in exported.stdout
    old = run_cli("export", "applications", cwd=tmp_path, DATABASE_URL=url, DATA_KEY=old_key)
    assert old.returncode == 2 and "not the key" in _one_line(old)


def test_rotate_key_without_new_comma_old_says_how(tmp_path: Path, fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    result = run_cli("rotate-key", cwd=tmp_path, DATABASE_URL=url, DATA_KEY=new_data_key())
    assert result.returncode == 2 and "NEW,OLD" in _one_line(result)
