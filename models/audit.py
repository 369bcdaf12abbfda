"""What admins did, by whom and when (who changed a discount, exported records, broadcast...)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    action: str = Field(max_length=64)
    subject: str = Field(default="", max_length=128)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON, never personal data
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


async def record(session: AsyncSession, actor_id: int | None, action: str, subject: str = "",
                 **details: Any) -> None:
    session.add(AuditEntry(actor_id=actor_id, action=action, subject=subject,
                           details=json.dumps(details, default=str, sort_keys=True)))


async def entries(session: AsyncSession, action: str | None = None, limit: int = 100) -> list[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        statement = statement.where(AuditEntry.action == action)
    return list((await session.exec(statement)).all())
