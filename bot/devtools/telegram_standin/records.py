"""What the stand-in keeps and answers with: recorded calls, chat messages, the bot's visible events, asked-for
faults, and the errors in Telegram's shape."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

SEND_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "copymessage", "forwardmessage"}
)


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")



@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float
    status: int
    description: str = ""


@dataclass
class ChatMessage:
    """A message as the stand-in keeps it: sent by the bot or by a simulated user."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None
    html: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    kind: str = "text"  # text | photo | document | sticker | location | contact
    file_bytes: bytes | None = None
    file_name: str | None = None
    deleted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [b["text"] for b in self.buttons]

    @property
    def body(self) -> str:
        return self.text if self.text is not None else (self.caption or "")


@dataclass
class BotEvent:
    """One visible thing the bot did in a chat, in order: a message, an edit, a deletion, a toast."""

    seq: int
    kind: str  # message | edit | delete | answer
    chat_id: int
    message: ChatMessage | None = None
    text: str = ""
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    method: str | None  # lower-case method name; None = any sending method
    status: int
    count: int = 1
    retry_after: int = 1
    chat_id: int | None = None
    description: str | None = None
