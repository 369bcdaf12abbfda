"""The bulk side of a process: reminders and broadcasts, sent on a schedule by their own Bot through one paced budget.

Built here once for both processes that send: `run` (beside the chat, when RUN_SCHEDULER) and `worker` (alone).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.core.crypto import PersonalDataCipher
from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.infra.database import Database
from bot.infra.pacing import MessageBudget, PacedSender
from bot.infra.transport import bot_api_request
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.reminder_sender import ReminderService
from bot.jobs.scheduler import Jobs, start_scheduler

if TYPE_CHECKING:  # only a type here: the worker process never loads the chat handlers
    from handlers.services import Services

log = logging.getLogger(__name__)


class BulkSending:
    """The bulk Bot, its PacedSender, the ReminderService and the BroadcastSender; `start`/`stop` for `run`,
    `run_until_signalled` for `worker`."""

    def __init__(self, settings: Settings, database: Database, texts: Translator, cipher: PersonalDataCipher, *,
                 budget: MessageBudget | None = None) -> None:
        # Its own Bot (own connections, no retry-in-place), so a long run never holds up chat replies.
        self.bot = bulk_bot_for(settings)
        # One bulk budget for reminders and broadcasts, inside the process's overall `budget` when it has one.
        pacer = PacedSender(settings.send_rate, budget=budget)
        self.reminders = _reminder_service(settings, database, texts, cipher, self.bot, pacer)
        self.broadcasts = BroadcastSender(database, texts, self.bot, pacer, **_leases(settings))
        self.dispatch_every = settings.dispatch_every
        self.jobs: Jobs | None = None

    async def start(self) -> None:
        await self.bot.initialize()
        self.jobs = start_scheduler(self.reminders, dispatch_every=self.dispatch_every, broadcasts=self.broadcasts)

    async def stop(self) -> None:
        """Graceful: sends in flight finish and are recorded before the bulk Bot closes (see `Jobs.stop`)."""
        if self.jobs is not None:
            await self.jobs.stop()
        await self.bot.shutdown()

    async def run_until_signalled(self) -> None:
        """Send until SIGTERM or SIGINT, then stop gracefully."""
        async with self.bot:
            # Installed once the Bot is up: until then Ctrl-C still interrupts a start-up that hangs.
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            self.jobs = start_scheduler(self.reminders, dispatch_every=self.dispatch_every,
                                        broadcasts=self.broadcasts)
            log.info("reminder worker %s started", self.reminders.worker)
            await stop.wait()
            await self.jobs.stop()
            log.info("reminder worker %s stopped", self.reminders.worker)


def bulk_bot_for(settings: Settings) -> ExtBot:
    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
    return ExtBot(settings.token, base_url=settings.api_base_url, base_file_url=settings.api_file_url,
                  defaults=defaults, request=bot_api_request(settings, pool_size=32))


def reminder_service(services: Services, bot: Bot, pacer: PacedSender) -> ReminderService:
    """A ReminderService on a running bot's services (tests drive one by hand)."""
    return _reminder_service(services.settings, services.db, services.texts, services.cipher, bot, pacer)


def _reminder_service(settings: Settings, database: Database, texts: Translator, cipher: PersonalDataCipher,
                      bot: Bot, pacer: PacedSender) -> ReminderService:
    return ReminderService(database, texts, cipher, bot, pacer, default_timezone=settings.default_timezone,
                           **_leases(settings))


def _leases(settings: Settings) -> dict[str, timedelta]:
    return {"claim_timeout": timedelta(seconds=settings.claim_timeout),
            "in_flight_timeout": timedelta(seconds=settings.in_flight_timeout)}
