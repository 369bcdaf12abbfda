"""Message budgets: Telegram allows a bot about 30 new messages a second in all.

`MessageBudget` is that overall limit for one process: chat replies take from it first and wait their turn when it
is spent (rather than drawing 429s and retrying, which only adds traffic), bulk sends get what replies leave.
`PacedSender` paces bulk messages (reminders, broadcasts) at `rate` (default 25) on top of that, and a 429
(RetryAfter) pauses this budget only, for the time Telegram asked, not the whole bot. With several worker
processes, give each its share of the rate.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from telegram.error import RetryAfter


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB gives an int, or a timedelta with PTB_TIMEDELTA set)."""
    wait = error.retry_after
    return float(wait) if isinstance(wait, (int, float)) else wait.total_seconds()


def counts_as_message(endpoint: str) -> bool:
    """Bot API methods that put a new message in a chat, which is what Telegram's overall limit counts (edits,
    button answers and chat actions are not messages)."""
    name = endpoint.lower()
    return (name.startswith("send") and name != "sendchataction") or name in (
        "copymessage", "copymessages", "forwardmessage", "forwardmessages")


class MessageBudget:
    """A token bucket of `rate` messages a second with two queues: replies are served before bulk sends, each
    queue in arrival order. After a quiet spell up to `burst` (default a tenth of the rate) may go at once, so no
    one-second window holds more than rate + burst: the default 28 + 2.8 stays under Telegram's ~30."""

    def __init__(self, rate: float, *, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, burst if burst is not None else rate / 10)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in self._replies) + sum(not f.done() for f in self._bulk)

    async def take(self, *, bulk: bool = False) -> None:
        """Wait until one more message may go out (bulk ones only when no reply is waiting)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or an application started again on a new loop: start afresh
            self._loop, self._timer = loop, None
            self._replies.clear()
            self._bulk.clear()
        self._refill()
        if self._tokens >= 1 and not self._replies and (not bulk or not self._bulk):
            self._tokens -= 1
            return
        ticket: asyncio.Future[None] = loop.create_future()
        (self._bulk if bulk else self._replies).append(ticket)
        self._schedule()
        try:
            await ticket
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():  # granted but never used: give it back
                self._refill()
                self._tokens = min(self.capacity, self._tokens + 1)
            raise

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def _grant(self) -> None:
        self._timer = None
        self._refill()
        while self._tokens >= 1:
            queue = self._replies if self._replies else self._bulk
            if not queue:
                break
            ticket = queue.popleft()
            if ticket.done():  # cancelled while waiting
                continue
            self._tokens -= 1
            ticket.set_result(None)
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is None and (self._replies or self._bulk) and self._loop is not None:
            delay = max(0.0, (1 - self._tokens) / self.rate)
            self._timer = self._loop.call_later(delay, self._grant)


class SenderStopping(Exception):
    """The process is shutting down: this message was not sent and its row goes back to pending."""


class PacedSender:
    def __init__(self, rate: float, *, burst: float = 1.0, budget: MessageBudget | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self._next = time.monotonic()
        self._burst = max(burst, 1.0)
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()  # binds to a loop only when first awaited (Python 3.10+)
        self.budget = budget  # the process's overall budget, shared with chat replies (which go first)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def batch_within(self, lease: float, limit: int) -> int:
        """How many rows to claim at once: what this sender sends in half a lease (seconds) at its rate, so a
        batch goes out well before its claim lapses (a long 429 pause can still outlast it: claims are fenced)."""
        return max(1, min(limit, int(self.rate * lease / 2)))

    def stop(self) -> None:
        """Shutting down: messages waiting for a slot are not sent (SenderStopping); those already handed to
        Telegram finish and are recorded."""
        self._stopping.set()

    async def slot(self) -> None:
        """Wait until one more message may go out; raises SenderStopping once `stop()` was called."""
        if self.stopping:
            raise SenderStopping
        async with self._lock:
            now = time.monotonic()
            start = max(self._next, now - self.interval * (self._burst - 1), self._paused_until)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
            except TimeoutError:
                pass  # the slot came
            else:
                raise SenderStopping
        if self.budget is not None:
            await self._take_from_budget()

    async def _take_from_budget(self) -> None:
        taken = asyncio.ensure_future(self.budget.take(bulk=True))
        stopped = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait((taken, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not taken.done():
                taken.cancel()
        if not taken.done() or taken.cancelled():
            raise SenderStopping
        taken.result()

    def pause(self, seconds: float) -> None:
        """Telegram said RetryAfter: nothing more goes out through this budget for `seconds`."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
