"""A fake Telegram bot for the senders' tests: records what was sent, fails on request."""

from __future__ import annotations

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
