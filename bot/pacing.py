"""A paced sender budget for bulk messages (reminders now, broadcasts later), separate from chat replies.

Telegram allows about 30 messages a second per bot; bulk sending takes at most `rate` of that (default 25) so
replies to people chatting with the bot always have room. A 429 (RetryAfter) pauses this budget only, for the time
Telegram asked, not the whole bot. With several worker processes, give each its share of the rate.
"""

from __future__ import annotations

import asyncio
import time

from telegram.error import RetryAfter


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB gives an int, or a timedelta with PTB_TIMEDELTA set)."""
    wait = error.retry_after
    return float(wait) if isinstance(wait, (int, float)) else wait.total_seconds()


class SenderStopping(Exception):
    """The process is shutting down: this message was not sent and its row goes back to pending."""


class PacedSender:
    def __init__(self, rate: float, *, burst: float = 1.0) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self._next = time.monotonic()
        self._burst = max(burst, 1.0)
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._stopping: asyncio.Event | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping is not None and self._stopping.is_set()

    def stop(self) -> None:
        """Shutting down: messages waiting for a slot are not sent (SenderStopping); those already handed to
        Telegram finish and are recorded."""
        if self._stopping is None:
            self._stopping = asyncio.Event()
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
            if self._stopping is None:
                self._stopping = asyncio.Event()
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
            except TimeoutError:
                return  # the slot came
            raise SenderStopping

    def pause(self, seconds: float) -> None:
        """Telegram said RetryAfter: nothing more goes out through this budget for `seconds`."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
