"""A reply refused with 429 is retried alone; nothing else waits for it. New messages share one overall budget,
replies before bulk sends."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import RetryAfter

from bot.infra.pacing import MessageBudget, PacedSender, SenderStopping
from bot.infra.retrying import RetryEachRequest


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
    assert time.monotonic() - started < 0.9  # held up, it would take the other's whole second
    assert await waiting == "ok"


# --- the overall message budget (Telegram's ~30 messages a second for the whole bot)

async def test_a_burst_of_replies_to_many_people_queues_instead_of_drawing_429s() -> None:
    """90 people answered at once through a stand-in that enforces Telegram's 30 messages/s: with the budget every
    reply arrives and Telegram never says 429; without it the same burst is refused many times."""
    from telegram import Bot

    from bot.devtools.telegram_standin import BotApiSandbox, RateLimits
    from bot.infra.transport import AiohttpRequest
    from tests.support.botproc import TEST_TOKEN

    async def burst(budget: MessageBudget | None, **clock: object) -> tuple[int, int]:
        sandbox = BotApiSandbox(limits=RateLimits(global_per_second=30, per_chat_per_second=1), **clock)
        await sandbox.start()
        limiter = RetryEachRequest(max_retries=0, budget=budget)
        bot = Bot(TEST_TOKEN, base_url=f"{sandbox.base_url}/bot", request=AiohttpRequest())
        try:
            async with bot:
                async def reply(chat: int) -> bool:
                    sandbox.ensure_user(chat)
                    try:
                        await limiter.process_request(bot.send_message, (chat, "Iuran Anda Rp16.800"), {},
                                                      "sendMessage", {"chat_id": chat}, None)
                        return True
                    except RetryAfter:
                        return False

                delivered = sum(await asyncio.gather(*(reply(5000 + i) for i in range(90))))
            return delivered, sandbox.too_many_requests
        finally:
            await sandbox.stop()

    assert await burst(MessageBudget(28)) == (90, 0)
    # Without the budget, the same burst (the stand-in's clock stopped, so however slowly this machine makes the
    # calls): 30 go out, 60 are refused. The comparison shows the budget is what makes the difference.
    assert await burst(None, clock=lambda: 0.0) == (30, 60)


async def test_replies_go_before_bulk_sends_and_button_answers_do_not_wait() -> None:
    budget = MessageBudget(200, burst=1)
    order: list[str] = []

    async def take(kind: str) -> None:
        await budget.take(bulk=kind == "bulk")
        order.append(kind)

    await budget.take()  # the one token there is: everything below has to queue
    bulk = [asyncio.create_task(take("bulk")) for _ in range(4)]
    await asyncio.sleep(0)
    replies = [asyncio.create_task(take("reply")) for _ in range(4)]
    await asyncio.gather(*bulk, *replies)
    assert order == ["reply"] * 4 + ["bulk"] * 4

    calls: list[str] = []

    async def answer() -> str:
        calls.append("answer")
        return "ok"

    limiter = RetryEachRequest(budget=MessageBudget(1, burst=1))
    await limiter.budget.take()  # spent for the next second
    started = time.monotonic()
    for _ in range(5):  # answering a button or editing a message is not a new message: no waiting
        await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None)
        await limiter.process_request(answer, (), {}, "editMessageText", {}, None)
    assert time.monotonic() - started < 0.9 and len(calls) == 10  # waiting for the budget would take a second


async def test_the_budget_keeps_its_rate_and_a_cancelled_wait_uses_nothing() -> None:
    budget = MessageBudget(100, burst=1)
    started = time.monotonic()
    for _ in range(21):
        await budget.take()
    assert time.monotonic() - started >= 0.19  # 20 after the first, 10 ms apart

    slow = MessageBudget(2, burst=1)
    await slow.take()  # the one token: the next is due half a second from now
    started = time.monotonic()
    waiting = asyncio.create_task(slow.take())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert slow.waiting == 0
    await slow.take()  # due at 0.5 s; had the cancelled wait kept its turn, at 1.0 s
    assert time.monotonic() - started < 0.9


async def test_bulk_sends_take_what_replies_leave_and_stop_promptly() -> None:
    budget = MessageBudget(50, burst=1)
    pacer = PacedSender(1000, budget=budget)
    await budget.take()
    reply = asyncio.create_task(budget.take())
    await asyncio.sleep(0)
    bulk = asyncio.create_task(pacer.slot())
    await asyncio.sleep(0)
    await reply
    assert not bulk.done()  # the reply got the next token; the bulk message is still waiting for one
    await bulk

    await budget.take()
    waiting = asyncio.create_task(pacer.slot())
    await asyncio.sleep(0)
    pacer.stop()
    with pytest.raises(SenderStopping):
        await asyncio.wait_for(waiting, 1)
    assert budget.waiting == 0


async def test_no_second_holds_more_than_the_rate_and_its_small_burst() -> None:
    budget = MessageBudget(28)  # the default: burst 2.8, so at most 30 in any one second
    times = []
    for _ in range(70):
        await budget.take()
        times.append(time.monotonic())
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    assert busiest <= 31  # (30.8: the timer may fire a hair early)
