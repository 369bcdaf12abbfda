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

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DataKeyError(ValueError):
    """DATA_KEY is missing or not a Fernet key."""


class PersonalDataCipher:
    """Encrypts with the first key of DATA_KEY; reads with any of them.

    DATA_KEY is one key, or during a key rotation "NEW,OLD": the new key encrypts, both decrypt (MultiFernet), and
    lookups try the hashes of both, so nothing is unreadable or missed while `python -m bot rotate-key` moves the
    rows to the new key.
    """

    def __init__(self, data_key: str) -> None:
        keys = [part.strip() for part in (data_key or "").split(",") if part.strip()]
        if not keys:
            raise DataKeyError("DATA_KEY must be a Fernet key (python -m bot keygen prints one)")
        raws = [_raw_key(key) for key in keys]
        if len(set(raws)) != len(raws):
            raise DataKeyError("DATA_KEY lists the same key twice")
        self._fernets = [Fernet(key.encode()) for key in keys]
        self._multi = MultiFernet(self._fernets)
        # A separate key for lookups, so a hash leak does not weaken the encryption key.
        self._lookup_keys = [hashlib.sha256(b"lindungi-lookup:" + raw).digest() for raw in raws]
        # Names a key without revealing it: stored in the database to refuse a process started with another key.
        self.fingerprints = tuple(hashlib.sha256(b"lindungi-fingerprint:" + raw).hexdigest()[:16] for raw in raws)

    @property
    def fingerprint(self) -> str:
        """The key new data is encrypted with."""
        return self.fingerprints[0]

    def encrypt(self, value: str) -> str:
        return self._fernets[0].encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(token.encode()).decode()
        except InvalidToken:
            raise DataKeyError("stored data cannot be read with this DATA_KEY") from None

    def under_current_key(self, token: str) -> bool:
        """Whether a stored token is already encrypted with the first key (a rotation can skip it)."""
        try:
            self._fernets[0].decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def lookup_hash(self, value: str) -> str:
        """The hash stored with new rows (first key)."""
        return hmac.new(self._lookup_keys[0], value.encode(), hashlib.sha256).hexdigest()

    def lookup_hashes(self, value: str) -> list[str]:
        """Every hash a stored row may carry for this value: one per key, current first."""
        return [hmac.new(key, value.encode(), hashlib.sha256).hexdigest() for key in self._lookup_keys]


def _raw_key(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise DataKeyError("DATA_KEY must be a Fernet key (python -m bot keygen prints one)") from None
    if len(raw) != 32:
        raise DataKeyError("DATA_KEY must be a Fernet key (python -m bot keygen prints one)")
    return raw


def new_data_key() -> str:
    return Fernet.generate_key().decode()
