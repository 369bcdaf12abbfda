"""The scheduler (APScheduler 3, in the bot's event loop) runs three jobs: "plan" reminders every ten minutes,
"dispatch" the reminders that are due every DISPATCH_EVERY seconds, and send "broadcasts" every second.

Jobs are not persisted: the state is in our reminders and broadcast tables, so a restart loses nothing and several
processes can run these jobs at once (claims are atomic). APScheduler's default misfire grace time is one second, so
a busy loop would silently skip runs; every job gets a generous one and coalesces missed runs into one.

`python -m bot worker` runs only this (no updates received); `python -m bot run` runs it beside the chat unless
RUN_SCHEDULER=false.

Stopping (SIGTERM) is graceful: no new runs start, messages already handed to Telegram finish and are recorded, and
rows claimed but not yet sent go straight back to pending (not after the claim timeout), so nothing is lost and
nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.infra.pacing import PacedSender
from bot.jobs.broadcast_sender import BroadcastSender
from bot.jobs.reminder_sender import ReminderService

log = logging.getLogger(__name__)
PLAN_EVERY_SECONDS = 600
FIRST_RUN_DELAY = 3


async def dispatch_due(service: ReminderService, limit: int = 200) -> int:
    """Send everything due now, batch after batch; returns how many rows were handled."""
    handled = 0
    while True:
        result = await service.dispatch_once(limit=limit)
        handled += result.claimed
        if result.claimed < limit:
            return handled


async def plan_reminders(service: ReminderService) -> None:
    try:
        added = await service.plan_all()
        if added:
            log.info("planned %d reminders", added)
    except Exception:  # noqa: BLE001 - the next run tries again
        log.exception("planning reminders failed")


async def _dispatch_job(service: ReminderService) -> None:
    try:
        await dispatch_due(service)
    except Exception:  # noqa: BLE001
        log.exception("dispatching reminders failed")


async def send_broadcasts(sender: BroadcastSender) -> int:
    """Work through pending broadcast deliveries until none is left (or all are paused). Batches hold about two
    seconds of sending, so the progress message moves and other workers get a share."""
    handled = 0
    limit = max(10, min(500, int(sender.sender.rate * 2)))
    while True:
        run = await sender.dispatch_once(limit=limit)
        handled += run.claimed
        if run.claimed == 0:
            return handled


async def _broadcast_job(sender: BroadcastSender) -> None:
    try:
        await send_broadcasts(sender)
    except Exception:  # noqa: BLE001 - the next run picks up where this one stopped
        log.exception("sending broadcasts failed")


class Jobs:
    """The running scheduler and the job runs in progress, so that stopping can wait for them."""

    def __init__(self, scheduler: AsyncIOScheduler, pacers: list[PacedSender]) -> None:
        self.scheduler = scheduler
        self.pacers = pacers
        self.running: set[asyncio.Task] = set()

    def tracked(self, job):  # noqa: ANN001, ANN201
        async def run(*args: object) -> None:
            task = asyncio.current_task()
            self.running.add(task)
            try:
                await job(*args)
            finally:
                self.running.discard(task)

        return run

    async def stop(self, timeout: float = 10.0) -> None:
        """No new runs; unsent claims back to pending; wait (up to `timeout`) for sends already in flight.
        The scheduler is shut down last: APScheduler 3 cancels running coroutine jobs when it shuts down."""
        if self.scheduler.running:
            self.scheduler.pause()
        for pacer in self.pacers:
            pacer.stop()
        if self.running:
            _, pending = await asyncio.wait(set(self.running), timeout=timeout)
            if pending:
                log.warning("%d sending run(s) did not finish within %.0f s; their claims are released after "
                            "the claim timeout", len(pending), timeout)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


def start_scheduler(service: ReminderService, *, dispatch_every: float, broadcasts: BroadcastSender) -> Jobs:
    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    pacers = [service.sender, broadcasts.sender, broadcasts.paid_sender]
    jobs = Jobs(scheduler, list({id(p): p for p in pacers}.values()))
    # The first runs wait a moment: if start-up fails (say the webhook port is taken), no job is mid-query
    # when the event loop closes.
    now = datetime.now(timezone.utc) + timedelta(seconds=FIRST_RUN_DELAY)
    scheduler.add_job(jobs.tracked(plan_reminders), "interval", seconds=PLAN_EVERY_SECONDS, args=[service], id="plan",
                      next_run_time=now, coalesce=True, max_instances=1, misfire_grace_time=PLAN_EVERY_SECONDS)
    scheduler.add_job(jobs.tracked(_dispatch_job), "interval", seconds=dispatch_every, args=[service], id="dispatch",
                      next_run_time=now, coalesce=True, max_instances=1, misfire_grace_time=3600)
    # Frequent and cheap when idle (one indexed query); a running broadcast keeps the job busy until done.
    scheduler.add_job(jobs.tracked(_broadcast_job), "interval", seconds=1, args=[broadcasts], id="broadcasts",
                      next_run_time=now, coalesce=True, max_instances=1, misfire_grace_time=3600)
    scheduler.start()
    return jobs

