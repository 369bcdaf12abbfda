"""Replies that hit Telegram's flood limit are retried on their own, without holding up anything else.

PTB's AIORateLimiter, on a 429, stops every request of the bot until the wait is over: one user's chat limit (or a
bulk send) would freeze the replies to everybody. Here only the refused request waits the time Telegram asked
and tries again. New messages first take their turn from the process's MessageBudget (Telegram's overall limit),
so a busy minute queues replies instead of drawing 429s whose retries would only add traffic. Bulk sending
(reminders, broadcasts) uses its own Bot without this, paced by bot.pacing and taking what replies leave.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.infra.pacing import MessageBudget, counts_as_message, retry_after_seconds

log = logging.getLogger(__name__)


class RetryEachRequest(BaseRateLimiter[int]):
    def __init__(self, max_retries: int = 2, max_wait: float = 10.0, budget: MessageBudget | None = None) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.budget = budget

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: dict,
                              endpoint: str, data: dict[str, Any], rate_limit_args: int | None) -> Any:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            if self.budget is not None and counts_as_message(endpoint):
                await self.budget.take()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                if attempt == retries or wait > self.max_wait:
                    raise
                log.info("%s hit the flood limit; retrying it alone in %.1f s", endpoint, wait)
                await asyncio.sleep(float(wait) + 0.05)
        raise AssertionError("unreachable")
