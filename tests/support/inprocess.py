"""The real bot and the Bot API stand-in in one event loop, fed update by update: no polling, no second process.

`InProcessBot` builds the application exactly as `python -m bot` does (`build_application`), on a fresh migrated
SQLite file, with the scheduler off. Updates queued in the stand-in (`BotApiSandbox.user_message`, `press`,
`push_update`) are taken from it and handed to `Application.process_update`, so when a helper returns, the bot has
finished with the update: every reply, edit and toast is in `sandbox.events`, every Bot API call in
`sandbox.calls`, and every exception that reached the error handler is in `errors`.

Synchronous tests (Hypothesis) drive it with `bot.run(coroutine)`; everything else is async and runs on the
harness's own loop.

    bot = InProcessBot(tmp_path).start()
    cursor = bot.cursor()
    bot.run(bot.send(USER, "/daftar"))
    assert bot.texts(USER, cursor)
    bot.close()
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import time
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr
from sqlalchemy import text as sql_text
from telegram import Update
from telegram.ext import Application

from bot.core.crypto import new_data_key
from bot.core.settings import Settings, sqlite_path
from bot.devtools.telegram_standin import ApiCall, BotApiSandbox, BotEvent, ChatMessage

T = TypeVar("T")

TOKEN = "123456:in-process-harness-token-not-secret"
ADMIN_ID = 990_100_001
ADMIN_EN_ID = 990_100_002
SUPPORT_CHAT_ID = -100_990_100_001
# A Bot API answer that is not a failure of the bot: the same content shown again ("pressed twice").
NOT_MODIFIED = "message is not modified"


@dataclass
class RecordedError:
    """An exception a handler let escape (it reached the application's error handler), or an ERROR log line."""

    update: object
    error: BaseException | None
    where: str = "handler"
    message: str = ""

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.where}: {type(self.error).__name__}: {self.error}"
        return f"{self.where}: {self.message}"


class _ErrorLog(logging.Handler):
    """Collects ERROR and CRITICAL records (PTB logs an exception in an error handler, or a context it could not
    build, only there)."""

    def __init__(self, sink: list[RecordedError]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.sink.append(RecordedError(None, error, f"log {record.name}", record.getMessage()[:500]))


@dataclass
class Outcome:
    """What one step did: the events in the chat that was watched, the Bot API calls, the errors."""

    events: list[BotEvent] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)
    errors: list[RecordedError] = field(default_factory=list)


class InProcessBot:
    def __init__(self, workdir: Path, *, database_url: str | None = None,
                 admin_ids: Iterable[int] = (ADMIN_ID, ADMIN_EN_ID), support_chat_id: int | None = SUPPORT_CHAT_ID,
                 data_key: str | None = None) -> None:
        self.workdir = Path(workdir)
        # A fresh SQLite file by default; or an empty database the caller made (e.g. tests.databases, PostgreSQL).
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.workdir / 'hostile.db'}"
        self.admin_ids = frozenset(admin_ids)
        self.support_chat_id = support_chat_id
        self.data_key = data_key or new_data_key()
        self.loop = asyncio.new_event_loop()
        self.sandbox = BotApiSandbox()
        self.application: Application | None = None
        self.settings: Settings | None = None
        self.errors: list[RecordedError] = []
        self.restarts = 0
        self._log_handler = _ErrorLog(self.errors)
        self._channel_message_ids = itertools.count(1)
        self._edit_ids = itertools.count(1_000_000)
        self._reader: sqlite3.Connection | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "InProcessBot":
        self.run(self._start())
        logging.getLogger().addHandler(self._log_handler)
        return self

    def close(self) -> None:
        logging.getLogger().removeHandler(self._log_handler)
        if self._reader is not None:
            self._reader.close()
        try:
            self.run(self._stop_application())
            self.run(self.sandbox.stop())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()

    def run(self, awaitable: Awaitable[T]) -> T:
        """Run a coroutine on the harness's loop, from synchronous code (a Hypothesis test)."""
        return self.loop.run_until_complete(awaitable)

    async def _start(self) -> None:
        from bot.infra.migrations import upgrade_async

        await self.sandbox.start()
        await upgrade_async(self.database_url)
        self.settings = Settings(
            _env_file=None, bot_token=SecretStr(TOKEN), database_url=self.database_url,
            admin_ids=self.admin_ids, telegram_base_url=self.sandbox.base_url, webhook_url=None,
            support_chat_id=self.support_chat_id, data_key=SecretStr(self.data_key), run_scheduler=False,
            default_language="id", default_timezone="Asia/Makassar", log_level="WARNING",
            message_rate=1000)  # this stand-in has no rate limits; tests/infra/test_retrying.py tests the budget
        if self.support_chat_id is not None:
            self.sandbox.ensure_group(self.support_chat_id, "Tim Lindungi Pekerja")
        await self._start_application()

    async def _start_application(self) -> None:
        from bot.runtime.application import build_application

        assert self.settings is not None
        application = build_application(self.settings)
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)  # what run_polling does first (the command menu)
        self._record_errors(application)
        self.application = application

    async def _stop_application(self) -> None:
        application, self.application = self.application, None
        if application is None:
            return
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)  # closes the database and the chart thread

    async def restart(self) -> None:
        """A new Application (new Database, new bot_data) on the same database file: a bot restart."""
        await self._stop_application()
        await self._start_application()
        self.restarts += 1

    def _record_errors(self, application: Application) -> None:
        """Put a recorder in front of the bot's own error handler (which still runs: the user's apology)."""
        originals = list(application.error_handlers.items())
        application.error_handlers.clear()

        async def record(update: object, context: Any) -> None:
            self.errors.append(RecordedError(update, context.error))

        application.add_error_handler(record)
        for callback, block in originals:
            application.add_error_handler(callback, block=block)

    @property
    def services(self) -> Any:
        assert self.application is not None
        return self.application.bot_data["services"]

    # ------------------------------------------------------------------ feeding updates
    def _to_update(self, body: dict[str, Any]) -> Update:
        assert self.application is not None
        return Update.de_json(body, self.application.bot)

    async def deliver(self) -> int:
        """Hand every queued update to the bot, one after the other; returns how many."""
        done = 0
        while True:
            queued = self.sandbox.take_updates()
            if not queued:
                return done
            for body in queued:
                assert self.application is not None
                await self.application.process_update(self._to_update(body))
                done += 1

    async def deliver_concurrently(self, *, ordered_per_user: bool = False) -> int:
        """Hand every queued update to the bot at once (asyncio.gather). With `ordered_per_user`, through the
        application's own update processor (one user's updates in order, as in production); without, raw:
        as several bot processes behind one webhook would see them."""
        queued = self.sandbox.take_updates()
        application = self.application
        assert application is not None
        updates = [self._to_update(body) for body in queued]
        if ordered_per_user:
            processor = application.update_processor
            await asyncio.gather(*(processor.process_update(u, application.process_update(u)) for u in updates))
        else:
            await asyncio.gather(*(application.process_update(u) for u in updates))
        return len(updates)

    # ------------------------------------------------------------------ users and chats
    def user(self, user_id: int, *, first_name: str = "Pengguna", language_code: str | None = "id",
             username: str | None = None) -> dict[str, Any]:
        return self.sandbox.ensure_user(user_id, first_name=first_name, language_code=language_code,
                                        username=username)

    def rename(self, user_id: int, first_name: str) -> None:
        """The user changes their Telegram name (the next update carries it)."""
        self.user(user_id)["first_name"] = first_name

    def group(self, chat_id: int, title: str = "Grup warga") -> dict[str, Any]:
        return self.sandbox.ensure_group(chat_id, title)

    def channel(self, chat_id: int, title: str = "Kanal warga") -> dict[str, Any]:
        return self.sandbox.chats.setdefault(chat_id, {"id": chat_id, "type": "channel", "title": title})

    def _user_json(self, user_id: int) -> dict[str, Any]:
        return BotApiSandbox._user_json(user_id, self.user(user_id))  # the way the stand-in writes a user

    # ------------------------------------------------------------------ what users do (queue + deliver)
    async def send(self, user_id: int, text: str | None, *, chat_id: int | None = None,
                   extra: dict[str, Any] | None = None, deliver: bool = True) -> ChatMessage:
        """A message from the user: private unless `chat_id` names a group; `text=None` with `extra` for media."""
        self.user(user_id)
        message = await self.sandbox.user_message(user_id, text, chat_id=chat_id, extra=extra)
        if deliver:
            await self.deliver()
        return message

    async def edit(self, user_id: int, message: ChatMessage | None, text: str, *, chat_id: int | None = None,
                   deliver: bool = True) -> None:
        """The user edits a message they sent earlier (or one the bot never saw, when `message` is None)."""
        chat_id = user_id if chat_id is None else chat_id
        chat = self.sandbox.chats[chat_id]
        message_id = message.message_id if message is not None else next(self._edit_ids)
        body: dict[str, Any] = {"message_id": message_id, "date": int(time.time()) - 60,
                                "edit_date": int(time.time()), "chat": chat, "from": self._user_json(user_id),
                                "text": text}
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.sandbox.push_update({"edited_message": body})
        if deliver:
            await self.deliver()

    async def channel_post(self, chat_id: int, text: str | None, *, edited: bool = False,
                           extra: dict[str, Any] | None = None, deliver: bool = True) -> None:
        chat = self.channel(chat_id)
        body: dict[str, Any] = {"message_id": next(self._channel_message_ids), "date": int(time.time()),
                                "chat": chat, "sender_chat": chat}
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if edited:
            body["edit_date"] = int(time.time())
        body.update(extra or {})
        await self.sandbox.push_update({"edited_channel_post" if edited else "channel_post": body})
        if deliver:
            await self.deliver()

    async def membership(self, user_id: int, status: str, *, chat_id: int | None = None,
                         deliver: bool = True) -> None:
        """Telegram tells the bot its membership changed: in the user's private chat "kicked" (blocked) or
        "member" (unblocked), or in a group (`chat_id`) that the user added the bot."""
        chat_id = user_id if chat_id is None else chat_id
        chat = self.sandbox.chats[chat_id]
        bot = {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Lindungi Pekerja",
               "username": self.sandbox.bot_username}
        old, new = ("member", "kicked") if status == "kicked" else ("kicked" if chat_id == user_id else "left",
                                                                     "member")

        def member(state: str) -> dict[str, Any]:
            return {"status": state, "user": bot, **({"until_date": 0} if state == "kicked" else {})}

        await self.sandbox.push_update({"my_chat_member": {
            "chat": chat, "from": self._user_json(user_id), "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(new)}})
        if deliver:
            await self.deliver()

    async def press(self, user_id: int, data: str, *, message_id: int | None = None, chat_id: int | None = None,
                    deliver: bool = True) -> str:
        """Callback data as if from a button: the newest message with buttons in the chat unless `message_id`
        (a message that does not exist gives Telegram's "inaccessible message" stub). Returns the query id."""
        self.user(user_id)
        chat_id = user_id if chat_id is None else chat_id
        if message_id is None:
            shown = self.messages_with_buttons(chat_id)
            message_id = shown[-1].message_id if shown else 999_999
        query_id = await self.sandbox.press(user_id, message_id, data, chat_id=chat_id)
        if deliver:
            await self.deliver()
        return query_id

    async def press_label(self, user_id: int, label: str, *, chat_id: int | None = None) -> str:
        """Press the button whose label contains `label` on the newest message that has one."""
        chat_id = user_id if chat_id is None else chat_id
        for message in reversed(self.messages_with_buttons(chat_id)):
            for button in message.buttons:
                if label.lower() in button["text"].lower() and "callback_data" in button:
                    return await self.press(user_id, button["callback_data"], message_id=message.message_id,
                                            chat_id=chat_id)
        raise AssertionError(f"no button containing {label!r} in chat {chat_id}")

    async def sticker(self, user_id: int, *, chat_id: int | None = None, deliver: bool = True) -> ChatMessage:
        return await self.send(user_id, None, chat_id=chat_id, deliver=deliver, extra={"sticker": {
            "file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "emoji": "😀"}})

    async def photo(self, user_id: int, caption: str | None = None, *, chat_id: int | None = None,
                    deliver: bool = True) -> ChatMessage:
        extra: dict[str, Any] = {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90,
                                            "height": 90}]}
        if caption is not None:
            extra["caption"] = caption
        return await self.send(user_id, None, chat_id=chat_id, deliver=deliver, extra=extra)

    async def document(self, user_id: int, caption: str | None = None, *, chat_id: int | None = None,
                       deliver: bool = True) -> ChatMessage:
        extra: dict[str, Any] = {"document": {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "a.pdf"}}
        if caption is not None:
            extra["caption"] = caption
        return await self.send(user_id, None, chat_id=chat_id, deliver=deliver, extra=extra)

    async def location(self, user_id: int, *, chat_id: int | None = None, deliver: bool = True) -> ChatMessage:
        return await self.send(user_id, None, chat_id=chat_id, deliver=deliver,
                               extra={"location": {"latitude": -3.3194, "longitude": 114.5908}})

    async def contact(self, user_id: int, *, chat_id: int | None = None, deliver: bool = True) -> ChatMessage:
        return await self.send(user_id, None, chat_id=chat_id, deliver=deliver, extra={"contact": {
            "phone_number": "+6281234567890", "first_name": "Siti", "user_id": user_id}})

    # ------------------------------------------------------------------ what the bot did
    def cursor(self) -> int:
        """A point in the bot's visible output; pass it to `events`, `texts`, ... to read what came after."""
        return self.sandbox.last_seq()

    def call_cursor(self) -> int:
        return len(self.sandbox.calls)

    def error_cursor(self) -> int:
        return len(self.errors)

    def events(self, chat_id: int, after: int = 0) -> list[BotEvent]:
        return self.sandbox.events_for(chat_id, after)

    def replies(self, chat_id: int, after: int = 0) -> list[ChatMessage]:
        """Messages and edits the bot made in the chat after `after`."""
        return [e.message for e in self.events(chat_id, after) if e.kind in ("message", "edit") and e.message]

    def texts(self, chat_id: int, after: int = 0) -> list[str]:
        """What the user reads, in order: message and edit texts (captions for pictures) and callback toasts."""
        found = []
        for event in self.events(chat_id, after):
            if event.kind == "answer":
                if event.text:
                    found.append(event.text)
            elif event.kind in ("message", "edit") and event.message is not None:
                found.append(event.message.body)
        return found

    def failed_calls(self, after: int = 0) -> list[ApiCall]:
        """Bot API calls the stand-in refused (as Telegram would), except "message is not modified"."""
        return [c for c in self.sandbox.calls[after:] if c.status >= 400 and NOT_MODIFIED not in c.description]

    def errors_since(self, after: int) -> list[RecordedError]:
        return self.errors[after:]

    def unanswered(self, query_ids: Iterable[str]) -> list[str]:
        """Callback queries the bot never answered (the user's button keeps spinning)."""
        return [q for q in query_ids if q in self.sandbox._open_queries]  # noqa: SLF001 - the stand-in's record

    def messages_with_buttons(self, chat_id: int) -> list[ChatMessage]:
        found = [m for (chat, _), m in self.sandbox.messages.items()
                 if chat == chat_id and m.from_bot and not m.deleted and m.buttons]
        return sorted(found, key=lambda m: m.message_id)

    def last_reply(self, chat_id: int, after: int = 0) -> ChatMessage:
        found = self.replies(chat_id, after)
        if not found:
            raise AssertionError(f"the bot did not answer in chat {chat_id}")
        return found[-1]

    # ------------------------------------------------------------------ the database
    async def fetch(self, sql: str, **params: Any) -> list[tuple]:
        async with self.services.db.session() as session:
            return [tuple(row) for row in (await session.exec(sql_text(sql), params=params)).all()]

    async def read(self, queries: dict[str, str], **params: Any) -> dict[str, list[tuple]]:
        """Several reads by name. On SQLite through a plain sqlite3 connection of the test's own (autocommit, so
        it sees every commit; far quicker than an async session, for checks after every example); otherwise on one
        connection of the bot's engine."""
        path = sqlite_path(self.database_url)
        if path is not None:
            if self._reader is None:
                self._reader = sqlite3.connect(path, isolation_level=None)
            return {name: [tuple(row) for row in self._reader.execute(sql, params).fetchall()]
                    for name, sql in queries.items()}
        async with self.services.db.engine.connect() as connection:
            return {name: [tuple(row) for row in (await connection.execute(
                sql_text(sql), {k: v for k, v in params.items() if f":{k}" in sql})).all()]
                for name, sql in queries.items()}

    async def execute(self, sql: str, **params: Any) -> int:
        async with self.services.db.transaction() as session:
            return int((await session.exec(sql_text(sql), params=params)).rowcount or 0)

    def sql(self, sql: str, **params: Any) -> list[tuple]:
        """`fetch` from synchronous code."""
        return self.run(self.fetch(sql, **params))

    def scalar(self, sql: str, **params: Any) -> Any:
        found = self.sql(sql, **params)
        return found[0][0] if found else None
