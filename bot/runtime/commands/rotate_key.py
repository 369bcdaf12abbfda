"""`python -m bot rotate-key`: move every encrypted value and NIK lookup hash to a new DATA_KEY.

The steps, also in the README:
1. `python -m bot keygen` prints NEW. Set DATA_KEY="NEW,OLD" in every process and restart them: they read both
   keys and encrypt new data with NEW (the first process to start records that a rotation is under way, and from
   then on a process holding OLD alone is refused).
2. `python -m bot rotate-key` (with the same DATA_KEY) re-encrypts and re-hashes in batches, one transaction each.
   Interrupted, it is simply run again: values already under NEW are skipped.
3. When it says done, set DATA_KEY=NEW alone and restart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.core.settings import Settings, sqlite_path
from bot.infra.database import Database
from bot.runtime.commands.database import prepare_database
from bot.runtime.data_key_check import data_key_problem, settings_cipher
from models import data_key as key_state

USAGE = ('set DATA_KEY to "NEW,OLD": the new key (python -m bot keygen prints one), a comma, then the key the '
         "data is encrypted with now")


def run_rotate_key(settings: Settings, args: argparse.Namespace) -> int:
    keys = [k for k in (settings.data_key.get_secret_value() if settings.data_key else "").split(",") if k.strip()]
    if len(keys) < 2:
        print(f"Cannot rotate: {USAGE}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    return asyncio.run(rotate_data_key(settings, batch_size=args.batch_size))


async def rotate_data_key(settings: Settings, *, batch_size: int = 500, out: TextIO | None = None,
                          after_batch: Callable[[], Awaitable[None]] | None = None) -> int:
    out = out or sys.stdout
    database = Database(settings.database_url)
    try:
        if (problem := await data_key_problem(settings, database)) is not None:
            print(f"Cannot rotate: {problem}", file=sys.stderr)
            return 2
        cipher = settings_cipher(settings)
        moved = unreadable = 0
        for table in key_state.ENCRYPTED_TABLES:
            after, rows = None, 0
            while True:
                async with database.transaction() as session:
                    batch = await key_state.rotate_batch(session, cipher, table, after, batch_size)
                rows += batch.rows_seen
                moved, unreadable = moved + batch.values_moved, unreadable + batch.unreadable
                if after_batch is not None:
                    await after_batch()
                if batch.last_key is None:
                    break
                after = batch.last_key
            print(f"{table.model.__tablename__}: {rows} rows checked", file=out, flush=True)
        if unreadable:
            print(f"Not finished: {unreadable} values cannot be read with any key in DATA_KEY (was it encrypted with "
                  "a third key?). Nothing else was lost; add that key to DATA_KEY and run this again.", file=out)
            return 1
        async with database.transaction() as session:
            await key_state.finish_rotation(session, cipher.fingerprint)
    finally:
        await database.dispose()
    key_file_note = _update_key_file(settings)
    print(f"Done: {moved} values moved to key {cipher.fingerprint}. Every process may now use the new key alone "
          f"(DATA_KEY=NEW){key_file_note}. Keep the old key as long as backups made before today are kept.", file=out)
    return 0


def _update_key_file(settings: Settings) -> str:
    """A SQLite install whose old key lives in data.key gets the new key written there (owner-only, atomically)."""
    database_file = sqlite_path(settings.database_url)
    key_file = database_file.parent / "data.key" if database_file is not None else None
    if key_file is None or not key_file.exists():
        return ""
    new_key, *old_keys = [k.strip() for k in settings.data_key.get_secret_value().split(",") if k.strip()]
    if key_file.read_text().strip() not in old_keys:
        return ""
    temporary = Path(f"{key_file}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_key + "\n")
    os.replace(temporary, key_file)
    return f"; {key_file} now holds the new key"
