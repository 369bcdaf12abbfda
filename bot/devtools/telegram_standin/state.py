"""The stand-in's memory: chats, messages, queued updates, recorded calls and the bot's visible events, with the
readers tests use and the shared steps the Bot API methods and the simulated users both take."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import ClientSession

from bot.devtools.telegram_standin.records import ApiCall, BotEvent, ChatMessage

T = TypeVar("T")


class StandinState:
    """All state changes happen on the stand-in's event loop."""

    def __init__(self, *, bot_username: str) -> None:
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.events: list[BotEvent] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.blocked: set[int] = set()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.rejected_tokens: set[str] = set()
        self.listeners: list[Callable[[BotEvent], None]] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._query_ids = itertools.count(1)
        self._open_queries: dict[str, int] = {}
        self._seq = itertools.count(1)
        self._poll_generation = 0
        self._changed: asyncio.Condition | None = None
        self._webhook_task: asyncio.Task | None = None
        self._http: ClientSession | None = None
        self.port: int | None = None
        self.host = "127.0.0.1"

    def _bot_user(self, token: str) -> dict[str, Any]:
        return {"id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": "Lindungi Pekerja",
                "username": self.bot_username}

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _new_bot_message(self, chat_id: int, **fields: Any) -> ChatMessage:
        message = ChatMessage(chat_id=chat_id, message_id=self._next_message_id(chat_id), from_bot=True,
                              date=int(time.time()), **fields)
        self.messages[(chat_id, message.message_id)] = message
        return message

    def _message_json(self, token: str | None, message: ChatMessage) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": message.message_id, "date": message.date,
                                "chat": self.chats[message.chat_id]}
        if message.from_bot:
            body["from"] = self._bot_user(token) if token else {"id": 1, "is_bot": True, "first_name": "bot"}
        else:
            body["from"] = self._user_json(message.chat_id, self.chats[message.chat_id])
        if message.text is not None:
            body["text"] = message.text
        if message.caption:
            body["caption"] = message.caption
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.kind == "photo":
            size = len(message.file_bytes or b"")
            body["photo"] = [{"file_id": f"photo-{message.chat_id}-{message.message_id}",
                              "file_unique_id": f"p{message.message_id}", "width": 800, "height": 600,
                              "file_size": size}]
        elif message.kind == "document":
            body["document"] = {"file_id": f"doc-{message.chat_id}-{message.message_id}",
                                "file_unique_id": f"d{message.message_id}", "file_name": message.file_name,
                                "file_size": len(message.file_bytes or b"")}
        body.update(message.extra.get("json", {}))
        return body

    @staticmethod
    def _user_json(user_id: int, chat: dict[str, Any]) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": chat.get("first_name", "User")}
        if chat.get("username"):
            user["username"] = chat["username"]
        if chat.get("language_code"):
            user["language_code"] = chat["language_code"]
        return user

    async def _emit(self, kind: str, chat_id: int, message: ChatMessage | None, text: str = "") -> None:
        event = BotEvent(next(self._seq), kind, chat_id, message, text)
        self.events.append(event)
        for listener in list(self.listeners):
            listener(event)
        await self._notify()

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()


    def events_for(self, chat_id: int, after: int = 0) -> list[BotEvent]:
        return [e for e in self.events if e.chat_id == chat_id and e.seq > after]

    async def wait_for_events(self, chat_id: int | None, after: int, timeout: float,
                              predicate: Callable[[BotEvent], bool] | None = None) -> list[BotEvent]:
        """Events after `after` (for one chat, or any when None), waiting up to `timeout` for a first one."""
        assert self._changed is not None

        def ready() -> list[BotEvent]:
            found = [e for e in self.events if e.seq > after and (chat_id is None or e.chat_id == chat_id)]
            return [e for e in found if predicate(e)] if predicate else found

        async with self._changed:
            return await self._wait_until(ready, timeout)

    async def _wait_until(self, ready: Callable[[], list[T]], timeout: float) -> list[T]:
        """ready()'s first non-empty answer, re-asked at each change for up to `timeout` seconds; its last answer
        otherwise. The caller holds `_changed`."""
        assert self._changed is not None
        deadline = time.monotonic() + timeout
        while True:
            found = ready()
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return ready()

    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]
