"""A reply refused with 429 is retried alone; nothing else waits for it."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import RetryAfter

from bot.retrying import RetryEachRequest


def flaky(failures: int, retry_after: int = 0):  # noqa: ANN201
    calls = {"n": 0}

    async def callback() -> str:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise RetryAfter(retry_after)
        return "ok"

    return callback, calls


async def test_a_refused_request_is_sent_again_after_the_wait() -> None:
    callback, calls = flaky(2)
    assert await RetryEachRequest(max_retries=2).process_request(callback, (), {}, "sendMessage", {}, None) == "ok"
    assert calls["n"] == 3


async def test_it_gives_up_after_its_retries_or_when_asked_to_wait_too_long() -> None:
    callback, calls = flaky(5)
    with pytest.raises(RetryAfter):
        await RetryEachRequest(max_retries=1).process_request(callback, (), {}, "sendMessage", {}, None)
    assert calls["n"] == 2
    callback, calls = flaky(1, retry_after=60)
    with pytest.raises(RetryAfter):
        await RetryEachRequest(max_wait=10).process_request(callback, (), {}, "sendMessage", {}, None)
    assert calls["n"] == 1


async def test_other_requests_are_not_held_up_while_one_waits() -> None:
    limiter = RetryEachRequest()
    slow, _ = flaky(1, retry_after=1)

    async def fast() -> str:
        return "fast"

    started = time.monotonic()
    waiting = asyncio.create_task(limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": 1}, None))
    assert await limiter.process_request(fast, (), {}, "sendMessage", {"chat_id": 2}, None) == "fast"
    assert time.monotonic() - started < 0.5
    assert await waiting == "ok"
