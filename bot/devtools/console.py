"""`python -m bot console`: chat with the bot in a terminal, without a Telegram token.

The real bot runs against the local Bot API stand-in inside this process; what you type reaches it as
Telegram updates, its replies print with their buttons numbered, and typing a number presses a button.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.core.i18n import plain
from bot.core.settings import Settings
from bot.devtools.telegram_standin import BotApiSandbox, BotEvent, ChatMessage

CONSOLE_DATABASE_URL = "sqlite+aiosqlite:///./data/console.db"
CONSOLE_TOKEN = "100000:console-sandbox-token-not-secret"
FILES_DIR = Path("data/console")
QUIT = {"/keluar", "/quit", "/exit"}


class Console:
    def __init__(self, settings: Settings, *, database_url: str = CONSOLE_DATABASE_URL, admin: bool = False,
                 user_id: int = 100_000_001, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        admins = set(settings.admin_ids) | ({user_id} if admin else set())
        # No support chat here (the stand-in has none): questions passed to a person go to the admins' inbox, so
        # with --admin the one console user asks, is told as an admin, and answers with /tiket, all in this chat.
        self.settings = settings.model_copy(update={
            "bot_token": SecretStr(CONSOLE_TOKEN), "database_url": database_url, "webhook_url": None,
            "admin_ids": frozenset(admins), "support_chat_id": None})
        self.user_id = user_id
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.buttons: list[tuple[int, str]] = []  # (message_id, callback data) by number - 1
        self.sandbox = BotApiSandbox()

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def run(self) -> int:
        from bot.core.crypto import DataKeyError
        from bot.core.logs import configure_logging
        from bot.infra.migrations import upgrade_async
        from bot.runtime.application import ALLOWED_UPDATES, build_application
        from bot.runtime.data_key_check import data_key_problem

        # Warnings and errors only: the conversation is the output.
        configure_logging("WARNING", self.settings.secrets())
        try:
            await upgrade_async(self.settings.database_url)
        except Exception as error:  # noqa: BLE001
            self.say(f"Cannot prepare the console database: {type(error).__name__}")
            return 1
        if (problem := await data_key_problem(self.settings)) is not None:
            self.say(f"Cannot start the console: {problem}")
            return 2
        await self.sandbox.start()
        self.settings = self.settings.model_copy(update={"telegram_base_url": self.sandbox.base_url})
        self.sandbox.ensure_user(self.user_id, first_name="Anda", language_code="id")
        self.sandbox.listeners.append(self._show)
        try:
            application = build_application(self.settings)
        except DataKeyError as error:
            self.say(f"Cannot start the console: {error}")
            await self.sandbox.stop()
            return 2
        self.say("Lindungi Pekerja: console. Ketik pesan seperti di Telegram (mulai dengan /start); "
                 "ketik nomor untuk menekan tombol; /keluar untuk selesai.")
        self.say("Type as you would in Telegram (start with /start); a number presses a button; /quit ends.")
        try:
            async with application:
                await application.start()
                await application.updater.start_polling(poll_interval=0, timeout=1,
                                                        allowed_updates=ALLOWED_UPDATES)
                await self._conversation()
                await application.updater.stop()
                await application.stop()
        finally:
            await self.sandbox.stop()
        return 0

    async def _conversation(self) -> None:
        loop = asyncio.get_running_loop()
        interactive = self.stdin.isatty()
        while True:
            if interactive:
                print("> ", end="", file=self.out, flush=True)
            line = await loop.run_in_executor(None, self.stdin.readline)
            if line == "":
                break
            text = line.rstrip("\n")
            if not interactive:
                self.say(f"> {text}")
            if text.strip().lower() in QUIT:
                break
            if not text.strip():
                continue
            before = self.sandbox.last_seq()
            if text.strip().isdigit() and self.buttons:
                number = int(text.strip())
                if not 1 <= number <= len(self.buttons):
                    self.say(f"(tidak ada tombol nomor {number}; pilih 1–{len(self.buttons)})")
                    continue
                message_id, data = self.buttons[number - 1]
                await self.sandbox.press(self.user_id, message_id, data)
            else:
                await self.sandbox.user_message(self.user_id, text, first_name="Anda", language_code="id")
            await self._wait_until_quiet(before)

    async def _wait_until_quiet(self, before: int) -> None:
        events = await self.sandbox.wait_for_events(self.user_id, before, timeout=15)
        if not events:
            self.say("(bot tidak menjawab)")
            return
        while True:
            later = await self.sandbox.wait_for_events(self.user_id, self.sandbox.last_seq(), timeout=0.5)
            if not later:
                return

    def _show(self, event: BotEvent) -> None:
        if event.chat_id != self.user_id:
            return
        if event.kind == "answer":
            if event.text:
                self.say(f"🤖 ({event.text})")
            return
        message = event.message
        if message is None or event.kind == "delete":
            return
        prefix = "🤖 (diubah) " if event.kind == "edit" else "🤖 "
        body = plain(message.html) if message.html else message.body
        if message.kind in ("photo", "document"):
            body = f"[{self._save_file(message)}] {body}".rstrip()
        lines = body.splitlines() or [""]
        self.say(prefix + lines[0])
        for line in lines[1:]:
            self.say("   " + line)
        self._show_buttons(message)

    def _show_buttons(self, message: ChatMessage) -> None:
        rows = (message.reply_markup or {}).get("inline_keyboard") or []
        if not rows:
            return
        self.buttons = []
        for row in rows:
            cells = []
            for button in row:
                if "callback_data" in button:
                    self.buttons.append((message.message_id, button["callback_data"]))
                    cells.append(f"[{len(self.buttons)}] {button['text']}")
                elif "url" in button:
                    cells.append(f"{button['text']} <{button['url']}>")
            self.say("   " + "   ".join(cells))

    def _save_file(self, message: ChatMessage) -> str:
        FILES_DIR.mkdir(parents=True, exist_ok=True)
        name = message.file_name or f"{message.kind}-{message.message_id}"
        path = FILES_DIR / f"{message.message_id}-{Path(name).name}"
        path.write_bytes(message.file_bytes or b"")
        label = "gambar" if message.kind == "photo" else "berkas"
        return f"{label} disimpan di {path}"

