"""Where a user is in a multi-step flow (a quote, later an enrollment or a pledge), kept across restarts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Column, Text, delete
from sqlalchemy.orm.util import identity_key
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.crypto import PersonalDataCipher
from models.base import UTCDateTime, insert_for, utcnow

# A flow left alone this long no longer captures the user's free text. Flows where people type personal data
# (and may go to fetch their KTP) wait a day, so a NIK typed late is still an answer, not a question.
FLOW_TIMEOUT = timedelta(hours=2)
LONG_FLOW_TIMEOUT = timedelta(hours=24)
LONG_FLOWS = frozenset({"enroll", "pledge", "payment", "admin_application"})


def timeout_of(flow: str) -> timedelta:
    return LONG_FLOW_TIMEOUT if flow in LONG_FLOWS else FLOW_TIMEOUT


class FlowState(SQLModel, table=True):
    __tablename__ = "flow_states"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def values(self) -> dict[str, Any]:
        if self.data.startswith(SEALED):
            raise ValueError("sealed flow data: use unseal(state, cipher)")
        return json.loads(self.data or "{}")


# Flows that hold personal data (an enrollment's NIK and phone) store it encrypted, like the final records.
SEALED = "sealed:"


def unseal(state: FlowState, cipher: PersonalDataCipher) -> dict[str, Any]:
    if state.data.startswith(SEALED):
        return json.loads(cipher.decrypt(state.data[len(SEALED):]))
    return state.values


async def current_flow(session: AsyncSession, user_id: int) -> FlowState | None:
    state = await session.get(FlowState, user_id)
    if state is None or utcnow() - state.updated_at > timeout_of(state.flow):
        return None
    return state


async def save_flow(session: AsyncSession, user_id: int, flow: str, step: str, values: dict[str, Any],
                    cipher: PersonalDataCipher | None = None) -> None:
    """Remember where the user is; with `cipher`, the answers are stored encrypted."""
    data = json.dumps(values, default=str)
    if cipher is not None:
        data = SEALED + cipher.encrypt(data)
    now = utcnow()
    loaded = session.sync_session.identity_map.get(identity_key(FlowState, user_id))
    if loaded is not None:  # this session already holds the row: change it in place
        loaded.flow, loaded.step, loaded.data, loaded.updated_at = flow, step, data, now
        return
    # Otherwise one statement (every step of every conversation writes here, so it is worth a round trip).
    insert = insert_for(session)
    statement = insert(FlowState.__table__).values(user_id=user_id, flow=flow, step=step, data=data, updated_at=now)
    await session.exec(statement.on_conflict_do_update(
        index_elements=[FlowState.__table__.c.user_id],
        set_={"flow": statement.excluded.flow, "step": statement.excluded.step, "data": statement.excluded.data,
              "updated_at": statement.excluded.updated_at}))


async def claim_flow(session: AsyncSession, user_id: int, flow: str) -> bool:
    """Remove the user's `flow` and say whether this call removed it: of two presses of one "confirm" button,
    only the first gets True (on PostgreSQL the second waits for the first transaction, then finds nothing)."""
    result = await session.exec(delete(FlowState).where(FlowState.user_id == user_id, FlowState.flow == flow))
    return bool(result.rowcount)


async def clear_flow(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(FlowState).where(FlowState.user_id == user_id))
