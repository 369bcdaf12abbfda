"""Personal data at rest: encrypted with a key from the environment (DATA_KEY), found again by a keyed hash.

NIK and phone numbers are stored as Fernet tokens (AES-128-CBC with HMAC-SHA256, from `cryptography`), so a copy
of the database reveals nothing without the key. Duplicates ("this NIK already applied") are found through an
HMAC of the normalised value under a key derived from DATA_KEY, never through the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from bot.core.logs import redact_in_logs


class DataKeyError(ValueError):
    """DATA_KEY is missing or not a Fernet key."""


class PersonalDataCipher:
    def __init__(self, data_key: str) -> None:
        try:
            raw = base64.urlsafe_b64decode(data_key.encode())
            if len(raw) != 32:
                raise ValueError
            self._fernet = Fernet(data_key.encode())
        except (ValueError, TypeError):
            raise DataKeyError("DATA_KEY must be a Fernet key (python -m bot keygen prints one)") from None
        # A separate key for lookups, so a hash leak does not weaken the encryption key.
        self._lookup_key = hashlib.sha256(b"lindungi-lookup:" + raw).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise DataKeyError("stored data cannot be read with this DATA_KEY") from None

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()


def new_data_key() -> str:
    return Fernet.generate_key().decode()


def resolve_data_key(data_key: str | None, database_url: str) -> tuple[str, Path | None]:
    """The DATA_KEY to use, and the key file it came from when DATA_KEY is unset.

    A local SQLite install works out of the box: a key is generated once into `data.key` beside the database
    file (owner-only permissions) and reused. PostgreSQL serves deployments where several processes must share
    one key, so there DATA_KEY must be set explicitly.
    """
    if data_key:
        return data_key, None
    from bot.core.settings import sqlite_path

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
    import sqlite3

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
