"""Personal data at rest: encrypted with a key from the environment (DATA_KEY), found again by a keyed hash.

NIK and phone numbers are stored as Fernet tokens (AES-128-CBC with HMAC-SHA256, from `cryptography`), so a copy
of the database reveals nothing without the key. Duplicates ("this NIK already applied") are found through an
HMAC of the normalised value under a key derived from DATA_KEY, never through the plaintext. Where the key comes
from when DATA_KEY is unset (a key file beside a SQLite database) is `bot.infra.data_key_file`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


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
