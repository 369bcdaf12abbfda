"""Sending admin broadcasts: claim pending deliveries, send them through the paced sender (its own budget, so
people chatting with the bot are answered promptly), record each outcome as soon as Telegram answers, and keep the
admin's progress message up to date.

RetryAfter pauses this budget for the time Telegram asks (not the bot); Forbidden marks the user blocked; other
errors are retried up to MAX_ATTEMPTS times, then recorded as failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.core.i18n import Translator
from bot.infra.database import Database
from bot.infra.pacing import PacedSender, SenderStopping, retry_after_seconds
from models import broadcast as table
from models.base import utcnow
from models.claims import TAKEN_OVER, UNWANTED, this_process
from models.user import set_blocked

log = logging.getLogger(__name__)
PROGRESS_EVERY = 3.0  # seconds between edits of the admin's progress message (Telegram: ~1 edit/s per chat)
PAID_RATE = 1000.0  # messages per second with allow_paid_broadcast
STATUS_TTL = 0.5


@dataclass
class BroadcastRun:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    unsent: int = 0  # claimed, then not sent because this process is stopping (back to pending)
    taken_over: int = 0  # claimed here, then taken over by another sender while this one was slow: not sent
    skipped: int = 0  # the recipient erased their data, opted out or blocked the bot after the claim
    parked: int = 0  # failed inside the bot MAX_ATTEMPTS times: kept aside with the reason, shown in /status
    finished: list[int] = field(default_factory=list)


def markup(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)] for label, url in buttons])


async def send_broadcast_message(bot: Bot, chat_id: int, item: table.Broadcast, *, paid: bool = False) -> Message:
    """The broadcast exactly as recipients see it (also used for the admin's preview)."""
    extra = {"allow_paid_broadcast": True} if paid else {}
    keyboard = markup(item.button_rows)
    if item.media_kind == "photo":
        return await bot.send_photo(chat_id, item.media_file_id, caption=item.text_html or None,
                                    reply_markup=keyboard, **extra)
    if item.media_kind == "document":
        return await bot.send_document(chat_id, item.media_file_id, caption=item.text_html or None,
                                       reply_markup=keyboard, **extra)
    return await bot.send_message(chat_id, item.text_html, reply_markup=keyboard, **extra)


class BroadcastSender:
    def __init__(self, db: Database, texts: Translator, bot: Bot, sender: PacedSender, *,
                 concurrency: int = 16, claim_timeout: timedelta = table.CLAIM_TIMEOUT,
                 in_flight_timeout: timedelta = table.IN_FLIGHT_TIMEOUT, worker: str | None = None) -> None:
        self.db, self.texts, self.bot, self.sender = db, texts, bot, sender
        self.paid_sender = PacedSender(PAID_RATE)
        self.concurrency = concurrency
        self.claim_timeout = claim_timeout
        self.in_flight_timeout = in_flight_timeout
        self.worker = worker or this_process()
        self._progress_at: dict[int, float] = {}
        self._status: dict[int, tuple[str, float]] = {}

    async def dispatch_once(self, now: datetime | None = None, limit: int = 200) -> BroadcastRun:
        run = BroadcastRun()
        now = now or utcnow()
        if self.sender.stopping:
            return run
        async with self.db.session() as session:
            if not await table.anything_to_do(session, now):
                return run
        async with self.db.transaction() as session:
            await table.start_due(session, now)
            claimed = await table.claim(session, self.worker, now,
                                        self.sender.batch_within(self.claim_timeout.total_seconds(), limit),
                                        self.claim_timeout, self.in_flight_timeout)
            for broadcast_id in {b.id for _, b in claimed}:
                await table.mark_started(session, broadcast_id, now)
        run.claimed = len(claimed)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(delivery: table.BroadcastDelivery, item: table.Broadcast) -> None:
            async with gate:
                try:
                    outcome = await self._deliver(delivery, item)
                except Exception as error:  # noqa: BLE001 - one bad row must not stop the others
                    log.exception("broadcast delivery %s could not be handled", delivery.id)
                    outcome = await self._internal_error(delivery, error)
                setattr(run, outcome, getattr(run, outcome) + 1)

        await asyncio.gather(*(one(d, b) for d, b in claimed))
        async with self.db.transaction() as session:
            run.finished = await table.complete_finished(session)
        for broadcast_id in {b.id for _, b in claimed} | set(run.finished):
            await self.show_progress(broadcast_id, final=broadcast_id in run.finished)
        return run

    async def _internal_error(self, delivery: table.BroadcastDelivery, error: Exception) -> str:
        """A fault of ours, not Telegram's: back to pending a bounded number of times, then parked with its
        reason for admins (/status) instead of retried forever."""
        reason = f"internal:{type(error).__name__}"[:64]
        async with self.db.transaction() as session:
            if delivery.attempts >= table.MAX_ATTEMPTS:
                await table.finish(session, delivery, table.PARKED, error=reason)
                return "parked"
            await table.release(session, delivery, reason)
        return "retried"

    async def _current_status(self, broadcast_id: int) -> str:
        """The broadcast's status, re-read at most every STATUS_TTL seconds: a pause or cancel takes effect
        within that time even for deliveries already claimed."""
        cached = self._status.get(broadcast_id)
        if cached is not None and time.monotonic() - cached[1] < STATUS_TTL:
            return cached[0]
        async with self.db.session() as session:
            item = await session.get(table.Broadcast, broadcast_id)
        status = item.status if item else table.CANCELLED
        self._status[broadcast_id] = (status, time.monotonic())
        return status

    async def _deliver(self, delivery: table.BroadcastDelivery, item: table.Broadcast) -> str:
        try:
            await (self.paid_sender if item.paid else self.sender).slot()
        except SenderStopping:
            async with self.db.transaction() as session:
                await table.unclaim(session, delivery)
            return "unsent"
        status = await self._current_status(item.id)
        if status != table.SENDING:  # paused or cancelled since this row was claimed
            async with self.db.transaction() as session:
                if status == table.CANCELLED:
                    await table.finish(session, delivery, table.SKIPPED, error="cancelled")
                else:
                    await table.release(session, delivery, "paused")
            return "retried"
        async with self.db.transaction() as session:
            handed = await table.hand_to_telegram(session, delivery, utcnow())
            if handed == UNWANTED:  # erased, opted out or blocked since the delivery was claimed
                await table.finish(session, delivery, table.SKIPPED, error="recipient")
                return "skipped"
            if handed == TAKEN_OVER:  # this sender stalled past its lease; another has the delivery now
                return "taken_over"
        try:
            sent = await send_broadcast_message(self.bot, delivery.user_id, item, paid=item.paid)
        except Forbidden:
            async with self.db.transaction() as session:
                await set_blocked(session, delivery.user_id, True)
                await table.finish(session, delivery, table.BLOCKED, error="forbidden")
            return "blocked"
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            (self.paid_sender if item.paid else self.sender).pause(float(wait))
            async with self.db.transaction() as session:
                await table.release(session, delivery, "retry_after")
            return "retried"
        except BadRequest as error:
            async with self.db.transaction() as session:
                await table.finish(session, delivery, table.FAILED, error=type(error).__name__)
            return "failed"
        except TelegramError as error:
            async with self.db.transaction() as session:
                if delivery.attempts >= table.MAX_ATTEMPTS:
                    await table.finish(session, delivery, table.FAILED, error=type(error).__name__)
                    return "failed"
                await table.release(session, delivery, type(error).__name__)
            return "retried"
        # Recorded at once: a crash can only repeat a message between Telegram's answer and this commit.
        async with self.db.transaction() as session:
            await table.finish(session, delivery, table.SENT, message_id=sent.message_id)
        return "sent"

    async def show_progress(self, broadcast_id: int, *, final: bool = False) -> None:
        """Edit the admin's progress message: sent, failed, blocked, remaining, rate, estimated finish."""
        moment = time.monotonic()
        if not final and moment - self._progress_at.get(broadcast_id, 0) < PROGRESS_EVERY:
            return
        self._progress_at[broadcast_id] = moment
        async with self.db.session() as session:
            item = await session.get(table.Broadcast, broadcast_id)
            if item is None or item.progress_chat_id is None or item.progress_message_id is None:
                return
            figures = await table.figures(session, broadcast_id)
        text, keyboard = progress_view(self.texts, item, figures, utcnow())
        try:
            await self.bot.edit_message_text(text, chat_id=item.progress_chat_id,
                                             message_id=item.progress_message_id, reply_markup=keyboard)
        except TelegramError as error:  # "not modified", or the admin deleted it: the sending goes on
            log.debug("progress message not updated: %s", type(error).__name__)


def progress_view(texts: Translator, item: table.Broadcast, figures: table.Figures,
                  now: datetime) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = "id"
    elapsed = max((now - item.started_at).total_seconds(), 1.0) if item.started_at else 0.0
    rate = figures.sent / elapsed if elapsed else 0.0
    eta = int(figures.remaining / rate) if rate > 0 else None
    text = texts.t(lang, f"broadcast.progress_{item.status}", id=item.id, sent=figures.sent, failed=figures.failed,
                   blocked=figures.blocked, remaining=figures.remaining, total=figures.recipients,
                   rate=f"{rate:.1f}", eta=texts.t(lang, "broadcast.eta", minutes=eta // 60, seconds=eta % 60)
                   if eta is not None else "-")
    buttons = []
    if item.status == table.SENDING:
        buttons = [InlineKeyboardButton(texts.t(lang, "broadcast.pause"), callback_data=f"bc:pause:{item.id}"),
                   InlineKeyboardButton(texts.t(lang, "broadcast.cancel"), callback_data=f"bc:cancel:{item.id}")]
    elif item.status == table.PAUSED:
        buttons = [InlineKeyboardButton(texts.t(lang, "broadcast.resume"), callback_data=f"bc:resume:{item.id}"),
                   InlineKeyboardButton(texts.t(lang, "broadcast.cancel"), callback_data=f"bc:cancel:{item.id}")]
    return text, InlineKeyboardMarkup([buttons]) if buttons else None
