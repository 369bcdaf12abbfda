"""Fenced claims on rows that senders work through (reminders, broadcast deliveries), so no row is sent twice.

A claim is a lease: `claimed_by` holds a token new for every claim, `claimed_at` when it was taken or renewed.
- pending → sending: claimed in a batch. Not yet handed to Telegram, so when the lease runs out (the process
  stalled or died) another process may take the row over: nothing was sent.
- sending → handed: just before the message goes to Telegram, one conditional update checks that the row is still
  this claim's and renews the lease. If another process took it over meanwhile, nothing changes and the row is
  skipped. A handed row may already be with Telegram, so it is taken over only after the much longer in-flight
  timeout (the process is then taken for dead): a crash between Telegram's answer and the record is the one way
  to a duplicate, and only for sends that were in flight.
- sending | handed → an outcome (sent, failed, ..., or back to pending): only while this claim still holds it.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

PENDING, SENDING, HANDED = "pending", "sending", "handed"
OPEN = (PENDING, SENDING, HANDED)  # work not finished yet
# A claim not renewed for this long belongs to a process that stalled or died.
CLAIM_TIMEOUT = timedelta(minutes=2)
# A row handed to Telegram this long ago without an outcome: its process is taken for dead.
IN_FLIGHT_TIMEOUT = timedelta(minutes=10)


def this_process() -> str:
    """Which process claimed a row (host:pid), the readable part of its claim tokens."""
    return f"{socket.gethostname()}:{os.getpid()}"[:48]


def new_claim_token(worker: str) -> str:
    """Unique per claim, so a process that took the same rows before and again later still tells them apart."""
    return f"{worker[:48]}/{secrets.token_hex(6)}"


def lapsed(model: Any, now: datetime, claim_timeout: timedelta, in_flight_timeout: timedelta):  # noqa: ANN201
    """Rows whose claim may be taken over: claimed and not renewed within the lease, or handed and never
    recorded within the in-flight timeout."""
    return or_(and_(model.status == SENDING, model.claimed_at < now - claim_timeout),
               and_(model.status == HANDED, model.claimed_at < now - in_flight_timeout))


def held(model: Any, row_id: int, token: str | None, *statuses: str):  # noqa: ANN201
    """The row, only while this claim holds it (in one of `statuses`, by default claimed or handed)."""
    return and_(model.id == row_id, model.claimed_by == token, col(model.status).in_(statuses or (SENDING, HANDED)))


TAKEN_OVER, UNWANTED = "taken_over", "unwanted"


async def hand_over(session: AsyncSession, model: Any, row_id: int, token: str | None, now: datetime,
                    recipient_wants_it: Any = None) -> str:
    """Just before sending: is the row still this claim's, and (`recipient_wants_it`, a condition checked in the
    same statement) does its recipient still exist and want it? Then it is marked handed, its lease renewed, and
    HANDED returned. Otherwise TAKEN_OVER (another process has it) or UNWANTED (still ours; the recipient erased
    their data, opted out or blocked the bot since it was claimed)."""
    statement = update(model).where(held(model, row_id, token, SENDING))
    if recipient_wants_it is not None:
        statement = statement.where(recipient_wants_it)
    if (await session.exec(statement.values(status=HANDED, claimed_at=now))).rowcount:
        return HANDED
    if recipient_wants_it is not None and (await session.exec(
            select(model.id).where(held(model, row_id, token, SENDING)))).first() is not None:
        return UNWANTED
    return TAKEN_OVER


async def settle(session: AsyncSession, model: Any, row_id: int, token: str | None, **values: Any) -> bool:
    """Record an outcome (or send the row back) only while this claim holds it; False if another took it over."""
    result = await session.exec(update(model).where(held(model, row_id, token)).values(**values))
    return bool(result.rowcount)
