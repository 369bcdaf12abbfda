"""Before a process touches personal data: is its DATA_KEY the one this database's data is encrypted with?

Run by every process and command that reads or writes personal data (run, worker, console, export,
rotate-key). A mismatch is one line and exit status 2, instead of a bot that starts, fails every read and accepts
a second application for the same NIK (its lookup hash would differ). The rule is bot/privacy/data_keys.py.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.core.crypto import DataKeyError, PersonalDataCipher
from bot.core.settings import Settings
from bot.infra.data_key_file import cipher_for
from bot.infra.database import Database
from bot.privacy.data_keys import admit
from models import data_key as key_state

log = logging.getLogger(__name__)


def settings_cipher(settings: Settings) -> PersonalDataCipher:
    """The cipher from DATA_KEY (or the key file beside a SQLite database). Raises DataKeyError."""
    cipher, _ = cipher_for(settings.data_key.get_secret_value() if settings.data_key else None,
                           settings.database_url)
    return cipher


async def data_key_problem(settings: Settings, database: Database | None = None) -> str | None:
    """None when this process may use the database with its DATA_KEY (recording the key's fingerprint on first
    use, or the start of a rotation); otherwise one line saying why not."""
    try:
        cipher = settings_cipher(settings)
    except DataKeyError as error:
        return str(error)
    db = database or Database(settings.database_url)
    try:
        for _ in range(2):  # again when another process recorded a key at the same moment
            async with db.transaction() as session:
                state = await key_state.recorded(session)
                readable = True
                if state is None and (sample := await key_state.sample_token(session)) is not None:
                    try:
                        cipher.decrypt(sample)
                    except DataKeyError:
                        readable = False
                admission = admit(cipher.fingerprints, state.fingerprint if state else None,
                                  state.previous_fingerprint if state else None, stored_data_readable=readable)
                if admission.record is None:
                    return admission.problem
                stored = await key_state.record(session, *admission.record, replacing=state)
            if stored:
                fingerprint, previous = admission.record
                if previous is not None:
                    log.warning("Key rotation under way: new data is encrypted with key %s; run python -m bot "
                                "rotate-key to move the rest from key %s", fingerprint, previous)
                else:
                    log.info("Personal data in this database is encrypted with key %s", fingerprint)
                return None
        return "another process changed the database's key record at the same moment: start again"
    finally:
        if database is None:
            await db.dispose()


def ready_for_personal_data(settings: Settings, failing: str) -> PersonalDataCipher | int:
    """For a command about to read or write personal data, in this order: the key (before touching the database:
    a deployment without its key must not start at all), the database migrated, and the key being the database's.
    Returns the cipher, or the exit status to stop with, the reason printed in one line after `failing`
    ("Cannot start", "Cannot export")."""
    from bot.runtime.commands.database import prepare_database

    try:
        cipher = settings_cipher(settings)
    except DataKeyError as error:
        print(f"{failing}: {error}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    if (problem := check_data_key(settings)) is not None:
        print(f"{failing}: {problem}", file=sys.stderr)
        return 2
    return cipher


def check_data_key(settings: Settings) -> str | None:
    """data_key_problem, for the synchronous command line."""
    return asyncio.run(data_key_problem(settings))
