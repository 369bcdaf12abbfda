"""Which DATA_KEY may start against which database: the rule behind refusing a process with the wrong key, and
behind a key rotation where old and new keys are both accepted until every row has moved.

The database records the fingerprint of the key its data is encrypted with (models/data_key.py), and during a
rotation the previous key's too. A process holds one key, or "NEW,OLD" during a rotation (bot/core/crypto.py).
"""

from __future__ import annotations

from dataclasses import dataclass

ROTATE_HELP = "see python -m bot rotate-key --help"


@dataclass(frozen=True)
class KeyAdmission:
    problem: str | None = None  # one line for the operator; the process must not start
    record: tuple[str, str | None] | None = None  # (fingerprint, previous) to store before starting

    @property
    def allowed(self) -> bool:
        return self.problem is None


def admit(process_keys: tuple[str, ...], recorded: str | None, previous: str | None, *,
          stored_data_readable: bool = True) -> KeyAdmission:
    """May a process holding `process_keys` (fingerprints, the encrypting key first) use a database that recorded
    `recorded` (and `previous` while a rotation is under way)?"""
    current, older = process_keys[0], process_keys[1:]
    if recorded is None:  # a new database, or one from before fingerprints were kept
        if not stored_data_readable:
            return KeyAdmission(problem="DATA_KEY cannot read the personal data already in this database: start "
                                        "with the key it was written with")
        return KeyAdmission(record=(current, older[0] if older else None))
    if recorded == current:
        if previous is not None and previous not in older:
            return KeyAdmission(problem=f"a key rotation is under way (to key {recorded}, from {previous}): set "
                                        "DATA_KEY to \"NEW,OLD\" in every process until python -m bot rotate-key "
                                        "has finished")
        return KeyAdmission()
    if previous is not None and previous == current:
        return KeyAdmission(problem=f"this database is moving to another key ({recorded}); set DATA_KEY to "
                                    f"\"NEW,OLD\" with the new key first ({ROTATE_HELP})")
    if recorded in older:
        if previous is not None:
            return KeyAdmission(problem=f"the rotation to key {recorded} has not finished: run python -m bot "
                                        "rotate-key with that key first before starting another")
        return KeyAdmission(record=(current, recorded))  # "NEW,OLD": this process starts the rotation
    return KeyAdmission(problem=f"DATA_KEY is not the key this database's personal data is encrypted with "
                                f"(database key {recorded}, DATA_KEY {current}); start with the original key "
                                f"({ROTATE_HELP})")
