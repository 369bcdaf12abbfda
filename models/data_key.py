"""Which data key this database's personal data is encrypted with, and moving every encrypted value to a new key.

The database keeps the key's fingerprint, never the key. During a rotation it also keeps the previous key's
fingerprint until every row has been moved (`python -m bot rotate-key`). Which processes may start against which
state is bot/privacy/data_keys.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.crypto import DataKeyError, PersonalDataCipher
from models.base import UTCDateTime, insert_for, utcnow
from models.enrollment import EnrollmentApplication
from models.flow import SEALED, FlowState
from models.pledge import PledgeBeneficiary

STATE_ROW = 1


class DataKeyState(SQLModel, table=True):
    __tablename__ = "data_key_state"

    id: int = Field(default=STATE_ROW, primary_key=True)
    fingerprint: str = Field(max_length=16)  # the key data is (or, during a rotation, is being) encrypted with
    previous_fingerprint: str | None = Field(default=None, max_length=16)  # set only while a rotation is under way
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


async def recorded(session: AsyncSession) -> DataKeyState | None:
    return await session.get(DataKeyState, STATE_ROW)


async def record(session: AsyncSession, fingerprint: str, previous: str | None, *,
                 replacing: DataKeyState | None) -> bool:
    """Store the key state if it is still `replacing` (None: no state yet). False when another process changed it
    first: the caller reads it again."""
    now = utcnow()
    if replacing is None:
        statement = insert_for(session)(DataKeyState).values(id=STATE_ROW, fingerprint=fingerprint,
                                                             previous_fingerprint=previous, updated_at=now)
        result = await session.exec(statement.on_conflict_do_nothing(index_elements=["id"]))
    else:
        was_previous = DataKeyState.previous_fingerprint
        result = await session.exec(
            update(DataKeyState).where(DataKeyState.id == STATE_ROW,
                                       DataKeyState.fingerprint == replacing.fingerprint,
                                       was_previous.is_(None) if replacing.previous_fingerprint is None
                                       else was_previous == replacing.previous_fingerprint)
            .values(fingerprint=fingerprint, previous_fingerprint=previous, updated_at=now))
    return bool(result.rowcount)


async def finish_rotation(session: AsyncSession, fingerprint: str) -> bool:
    """Every row is under `fingerprint`'s key: forget the previous key (processes may now hold the new key alone)."""
    result = await session.exec(update(DataKeyState).where(DataKeyState.id == STATE_ROW,
                                                           DataKeyState.fingerprint == fingerprint)
                                .values(previous_fingerprint=None, updated_at=utcnow()))
    return bool(result.rowcount)


async def sample_token(session: AsyncSession) -> str | None:
    """One encrypted value already stored, if any: a key can be tried on it before it is recorded."""
    for column in (EnrollmentApplication.nik_encrypted, PledgeBeneficiary.name_encrypted):
        token = (await session.exec(select(column).where(column.is_not(None)).limit(1))).first()
        if token:
            return token
    data = (await session.exec(select(FlowState.data).where(FlowState.data.startswith(SEALED)).limit(1))).first()
    return data[len(SEALED):] if data else None


# Every table with encrypted columns, the columns, and (for applications) the lookup hash made from one of them.
@dataclass(frozen=True)
class EncryptedTable:
    model: type[SQLModel]
    key: str
    columns: tuple[str, ...]
    prefix: str = ""  # flow states mark encrypted data with "sealed:"; plain data is left alone


ENCRYPTED_TABLES = (
    EncryptedTable(EnrollmentApplication, "id", ("name_encrypted", "nik_encrypted", "birth_date_encrypted",
                                                 "phone_encrypted")),
    EncryptedTable(PledgeBeneficiary, "id", ("name_encrypted", "phone_encrypted")),
    EncryptedTable(FlowState, "user_id", ("data",), prefix=SEALED),
)


@dataclass
class RotatedBatch:
    last_key: int | None  # where the next batch starts; None when the table is done
    rows_seen: int = 0
    values_moved: int = 0
    unreadable: int = 0  # tokens no key in DATA_KEY can read (left as they are, counted)


async def rotate_batch(session: AsyncSession, cipher: PersonalDataCipher, table: EncryptedTable,
                       after: int | None, limit: int) -> RotatedBatch:
    """Re-encrypt with the first key every value of up to `limit` rows after `after` that is not under it yet, and
    re-hash the NIK lookup. Each write is conditional on the value still being the one read, so a row the bot
    changed meanwhile (a flow step) keeps the bot's version; values already under the new key are skipped, which
    is what makes a rerun after a crash safe."""
    key_column = getattr(table.model, table.key)
    query = select(table.model).order_by(key_column).limit(limit)
    if after is not None:
        query = query.where(key_column > after)
    rows = list((await session.exec(query)).all())
    batch = RotatedBatch(last_key=getattr(rows[-1], table.key) if len(rows) == limit else None, rows_seen=len(rows))
    for row in rows:
        for name in table.columns:
            stored = getattr(row, name)
            if not stored or not stored.startswith(table.prefix):
                continue
            token = stored[len(table.prefix):]
            if cipher.under_current_key(token):
                continue
            try:
                plain = cipher.decrypt(token)
            except DataKeyError:
                batch.unreadable += 1
                continue
            values = {name: table.prefix + cipher.encrypt(plain)}
            if name == "nik_encrypted":
                values["nik_hash"] = cipher.lookup_hash(plain)
            batch.values_moved += await move_value(session, table, getattr(row, table.key), name, stored, values)
    return batch


async def move_value(session: AsyncSession, table: EncryptedTable, key: int, name: str, stored: str,
                     values: dict[str, str]) -> bool:
    """Write the re-encrypted value only if the row still holds `stored`: a row the bot changed since it was read
    (a flow step, written with the new key already) keeps the bot's version."""
    result = await session.exec(update(table.model).where(getattr(table.model, table.key) == key,
                                                          getattr(table.model, name) == stored).values(**values))
    return bool(result.rowcount)

