"""Refusals before a call is served: failures a test asked for (429, 403, 5xx), then Telegram's flood limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.devtools.telegram_standin.records import SEND_METHODS, ApiError, Fault
from bot.devtools.telegram_standin.request_checks import chat_id_of

Clock = Callable[[], float]


class TokenBucket:
    def __init__(self, rate: float, capacity: float, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.rate, self.capacity, self.tokens, self.stamp = rate, capacity, capacity, clock()

    def take(self) -> float:
        """Take one token; returns 0, or the seconds to wait when empty."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class RateLimits:
    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: float = 1.0


class FaultsAndLimits:
    """Checked for every call: the first matching asked-for fault fails it; then sends pass the flood limits."""

    def __init__(self, limits: RateLimits | None, clock: Clock = time.monotonic) -> None:
        self.limits = limits  # None: no rate limits (tests); set: enforced with 429s (benchmarks)
        self.clock = clock  # a test may stop it: the limits then count calls, not how fast the machine makes them
        self.faults: list[Fault] = []
        self.too_many_requests = 0
        self._global_bucket: TokenBucket | None = None
        self._chat_buckets: dict[int, TokenBucket] = {}
        if limits:
            self._global_bucket = TokenBucket(limits.global_per_second, limits.global_per_second, clock)

    def fail(self, method: str | None, status: int, *, count: int = 1, retry_after: int = 1,
             chat_id: int | None = None, description: str | None = None) -> None:
        """Make the next `count` calls of `method` (None: any sending method) fail with `status`."""
        self.faults.append(Fault(method.lower() if method else None, status, count, retry_after, chat_id,
                                 description))

    def check(self, method: str, p: dict[str, Any]) -> None:
        """Raise the ApiError Telegram would answer this call with, if any."""
        self._apply_faults(method, p)
        if method in SEND_METHODS:
            self._check_limits(chat_id_of(p))

    def _apply_faults(self, method: str, p: dict[str, Any]) -> None:
        for fault in self.faults:
            if fault.count <= 0:
                continue
            if fault.method is None and method not in SEND_METHODS:
                continue
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and chat_id_of(p) != fault.chat_id:
                continue
            fault.count -= 1
            if fault.status == 429:
                self.too_many_requests += 1
                raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after)
            if fault.status == 403:
                raise ApiError(403, fault.description or "Forbidden: bot was blocked by the user")
            raise ApiError(fault.status, fault.description or "Internal Server Error")
        self.faults = [f for f in self.faults if f.count > 0]

    def _check_limits(self, chat_id: int | None) -> None:
        if not self.limits or self._global_bucket is None:
            return
        wait = self._global_bucket.take()
        if chat_id is not None and wait == 0:
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = self._chat_buckets[chat_id] = TokenBucket(
                    self.limits.per_chat_per_second, self.limits.per_chat_burst, self.clock
                )
            wait = bucket.take()
            if wait:
                self._global_bucket.tokens += 1  # the refused message did not go out
        if wait:
            self.too_many_requests += 1
            retry = max(1, int(wait + 0.999))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
