"""A fake Telegram bot for the senders' tests: records what was sent, fails on request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass
class Sent:
    message_id: int


class FakeBot:
    """Records messages; `failures[chat_id]` is a list of exceptions raised by the next sends to that chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, object]] = []
        self.failures: dict[int, list[Exception]] = {}

    async def send_message(self, chat_id: int, text: str, reply_markup=None) -> Sent:  # noqa: ANN001
        if self.failures.get(chat_id):
            raise self.failures[chat_id].pop(0)
        self.sent.append((chat_id, text, reply_markup))
        return Sent(len(self.sent))


class HoldingBot(FakeBot):
    """Its first send waits for `go` (a process stalled mid-send): the sender holds the rest of its claim meanwhile.
    `holding` is set when that first send has started."""

    def __init__(self) -> None:
        super().__init__()
        self.holding, self.go = asyncio.Event(), asyncio.Event()

    async def send_message(self, chat_id: int, text: str, reply_markup=None, **_: object) -> Sent:  # noqa: ANN001
        if not self.holding.is_set():
            self.holding.set()
            await self.go.wait()
        return await super().send_message(chat_id, text, reply_markup)
