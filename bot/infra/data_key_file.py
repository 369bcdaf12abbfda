"""Finding DATA_KEY: from the environment, or from `data.key` beside a SQLite database (made there on first start).

Kept apart from `bot.core.crypto` (the pure cipher) because it reads the database URL and touches files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.core.crypto import DataKeyError, PersonalDataCipher, new_data_key
from bot.core.logs import redact_in_logs
from bot.core.settings import sqlite_path


def resolve_data_key(data_key: str | None, database_url: str) -> tuple[str, Path | None]:
    """The DATA_KEY to use, and the key file it came from when DATA_KEY is unset.

    A local SQLite install works out of the box: a key is generated once into `data.key` beside the database
    file (owner-only permissions) and reused. PostgreSQL serves deployments where several processes must share
    one key, so there DATA_KEY must be set explicitly.
    """
    if data_key:
        return data_key, None
    database_file = sqlite_path(database_url)
    if database_file is None:
        raise DataKeyError("DATA_KEY is required with this DATABASE_URL: set it to the output of "
                           "python -m bot keygen (the same value in every process)")
    key_file = database_file.parent / "data.key"
    if not key_file.exists():
        if _holds_encrypted_data(database_file):
            raise DataKeyError(f"{key_file} is missing but the database holds encrypted personal data: restore the "
                               "key file from your backup (a new key could not read that data)")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago: use theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(new_data_key() + "\n")
    return key_file.read_text().strip(), key_file


def _holds_encrypted_data(database_file: Path) -> bool:
    """Whether a SQLite database already has rows that only the lost key can read."""
    if not database_file.exists() or database_file.stat().st_size == 0:
        return False
    connection = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        checks = {"enrollment_applications": "SELECT 1 FROM enrollment_applications LIMIT 1",
                  "pledge_beneficiaries": "SELECT 1 FROM pledge_beneficiaries WHERE name_encrypted IS NOT NULL LIMIT 1",
                  "flow_states": "SELECT 1 FROM flow_states WHERE data LIKE 'sealed:%' LIMIT 1"}
        return any(connection.execute(sql).fetchone() for table, sql in checks.items() if table in tables)
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def cipher_for(data_key: str | None, database_url: str) -> tuple[PersonalDataCipher, Path | None]:
    key, key_file = resolve_data_key(data_key, database_url)
    redact_in_logs(key)  # a key read from data.key is as secret as DATA_KEY, which the log already hides
    if key_file is not None:
        try:
            return PersonalDataCipher(key), key_file
        except DataKeyError:
            raise DataKeyError(f"the key file {key_file} is damaged: restore it from a backup") from None
    return PersonalDataCipher(key), None
