"""`python -m bot console`: the whole product in a terminal, without a Telegram token.

The real bot runs against the local Bot API stand-in inside this process, with the same scheduler as `run`
(broadcasts go out, reminders are planned and sent; the planning job runs every few seconds here instead of every
ten minutes, so a person can watch). What you type reaches the bot as Telegram updates; its replies print with
their buttons as `[#1] Label`, and `#1` presses one, so digits typed plainly (a NIK, a phone number) are text.
You can speak as three users and an admin, each in their own chat, and as the admin in a simulated support group
(`/sebagai 2`, `/sebagai admin`, `/sebagai grup`); messages the bot sends on its own print as they come, marked
with the chat they went to. The console's own commands are in CONSOLE_COMMANDS and never reach the bot.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TextIO

from pydantic import SecretStr

from bot.core.i18n import plain
from bot.core.settings import Settings
from bot.devtools.console_chats import (
    ADMIN_OFFSET,
    SPEAKER_ALIASES,
    SUPPORT_GROUP_ID,
    SUPPORT_GROUP_TITLE,
    Speaker,
    button_lines,
    cast,
    render,
)
from bot.devtools.telegram_standin import BotApiSandbox, BotEvent

CONSOLE_DATABASE_URL = "sqlite+aiosqlite:///./data/console.db"
CONSOLE_TOKEN = "100000:console-sandbox-token-not-secret"
FIRST_USER_ID = 100_000_001
PLAN_EVERY_SECONDS = 5  # `run` plans every ten minutes; here a reminder turned on is planned while you watch
DISPATCH_EVERY_SECONDS = 1.0  # a reminder due now arrives within a second or two
FIRST_ANSWER_WAIT = 15  # seconds to wait for the bot's first reply to a line before saying it did not answer
QUIET = 0.5  # the bot has finished answering when it has sent nothing for this long
WAIT_DEFAULT, WAIT_MOST = 30, 600  # /tunggu

BUTTON_PRESS = re.compile(r"^\s*#(\d{1,4})\s*$")
DEEP_LINK = re.compile(r"^\s*(?:https?://)?(?:www\.)?t(?:elegram)?\.me/(\w{1,64})/?\?start=([A-Za-z0-9_-]{1,64})\s*$")
GROUP_REPLY = re.compile(r"^(\d{1,9})\s+(\S.*)$", re.DOTALL)


@dataclass(frozen=True)
class ConsoleCommand:
    names: tuple[str, ...]  # Indonesian first, then English
    action: str  # the Console method that carries it out, given the rest of the line; "" ends the session
    arguments: str
    meaning: str  # Indonesian / English


# The console's own commands; none is a command of the bot's (tests/devtools/test_console.py checks this against
# every command the bot registers).
CONSOLE_COMMANDS = (
    ConsoleCommand(("sebagai", "as"), "_speak_as", "1|2|3|admin|grup",
                   "berbicara sebagai pengguna 1, 2, 3, admin, atau admin di grup petugas / speak as user 1, 2, 3, "
                   "the admin, or the admin in the support group"),
    ConsoleCommand(("balas", "reply"), "_reply_to", "N teks",
                   "(di grup) membalas pesan N / (in the group) reply to message N"),
    ConsoleCommand(("tunggu", "wait"), "_wait", "[detik]",
                   f"menunggu pesan yang dikirim bot sendiri (siaran, pengingat), paling lama {WAIT_DEFAULT} detik / "
                   "wait for messages the bot sends on its own (broadcasts, reminders)"),
    ConsoleCommand(("percepat", "duenow"), "_reminder_due_now", "",
                   "pengingat terjadwal berikutnya milik pengguna ini dikirim sekarang / this user's next planned "
                   "reminder goes out now"),
    ConsoleCommand(("konsol", "console"), "_help", "", "perintah konsol ini / these console commands"),
    ConsoleCommand(("keluar", "quit", "exit"), "", "", "selesai, juga Ctrl-D / end the session, also Ctrl-D"),
)
COMMAND_NAMES = {name: command for command in CONSOLE_COMMANDS for name in command.names}


class Console:
    def __init__(self, settings: Settings, *, database_url: str = CONSOLE_DATABASE_URL, admin: bool = False,
                 user_id: int = FIRST_USER_ID, support_group: bool = True, stdin: TextIO | None = None,
                 stdout: TextIO | None = None) -> None:
        self.speakers = cast(user_id, support_group=support_group)
        self.by_chat = {speaker.chat_id: speaker for speaker in self.speakers.values()}
        self.current: Speaker = self.speakers["admin" if admin else "1"]
        # The console's admin is its only one (an ADMIN_IDS of real Telegram users has no chat here). With the
        # support group, questions passed to a person go there; without it (--no-support-chat), to the inbox.
        self.settings = settings.model_copy(update={
            "bot_token": SecretStr(CONSOLE_TOKEN), "database_url": database_url, "webhook_url": None,
            "admin_ids": frozenset({user_id + ADMIN_OFFSET}),
            "support_chat_id": SUPPORT_GROUP_ID if support_group else None,
            "run_scheduler": True, "dispatch_every": DISPATCH_EVERY_SECONDS})
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.interactive = self.stdin.isatty()
        self.prompt_shown = False
        self.question_marker = ""  # text every question passed to the support group carries (set at start)
        self.sandbox = BotApiSandbox()
        self.application = None

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def run(self) -> int:
        from bot.core.crypto import DataKeyError
        from bot.core.logs import configure_logging
        from bot.infra.migrations import upgrade_async
        from bot.runtime.application import build_application
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
        for speaker in self.speakers.values():
            if speaker.in_group:
                self.sandbox.ensure_group(speaker.chat_id, SUPPORT_GROUP_TITLE)
            else:
                self.sandbox.ensure_user(speaker.user_id, first_name=speaker.first_name, language_code="id")
        self.sandbox.listeners.append(self._show)
        try:
            self.application = build_application(self.settings)
        except DataKeyError as error:
            self.say(f"Cannot start the console: {error}")
            await self.sandbox.stop()
            return 2
        services = self.application.bot_data["services"]
        self.question_marker = plain(services.texts.t("id", "faq.support_footer"))
        self._banner()
        try:
            await self._serve()
        finally:
            await self.sandbox.stop()
        return 0

    async def _serve(self) -> None:
        """What `run_polling` does, step by step, so that the conversation runs between start and stop."""
        from bot.runtime.application import ALLOWED_UPDATES

        application = self.application
        await application.initialize()
        try:
            await application.post_init(application)  # the command menu, and the scheduler as in `run`
            self._jobs_at_console_pace()
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
            await self._conversation()
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
            await application.post_shutdown(application)  # stops the scheduler, closes the database

    def _jobs_at_console_pace(self) -> None:
        sending = self.application.bot_data.get("bulk_sending")
        if sending is not None and sending.jobs is not None:
            sending.jobs.scheduler.reschedule_job("plan", trigger="interval", seconds=PLAN_EVERY_SECONDS)

    def _banner(self) -> None:
        people = ", ".join(self.speakers)
        self.say("Lindungi Pekerja: console. Ketik pesan seperti di Telegram (mulai dengan /start). Tombol tampil "
                 "sebagai [#1] Label: ketik #1 untuk menekannya; angka tanpa # dikirim sebagai teks. "
                 f"/sebagai 2 berganti orang ({people}); /konsol: perintah konsol; /keluar untuk selesai.")
        self.say("Type as you would in Telegram (start with /start). Buttons show as [#1] Label: type #1 to press one; "
                 f"numbers without # are sent as text. /as 2 switches person ({people}); /console: the console's "
                 "commands; /quit ends.")
        if self.current.key != "1":
            self.say(f"(Anda berbicara sebagai {self.current.label} / speaking as {self.current.label})")

    # ------------------------------------------------------------------ reading what the person types
    def _prompt(self) -> str:
        return f"[{self.current.label}] > "

    async def _conversation(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self.interactive:
                print(self._prompt(), end="", file=self.out, flush=True)
                self.prompt_shown = True
            line = await loop.run_in_executor(None, self.stdin.readline)
            self.prompt_shown = False
            if line == "":
                break
            text = line.rstrip("\r\n")
            if not self.interactive:
                self.say(self._prompt() + text)
            if text.strip() and not await self._take(text):
                break

    async def _take(self, text: str) -> bool:
        """Act on one line; False ends the session."""
        if press := BUTTON_PRESS.match(text):
            await self._press(int(press.group(1)))
            return True
        word, _, rest = text.strip().partition(" ")
        name = word[1:].split("@", 1)[0].lower() if word.startswith("/") else ""
        if (command := COMMAND_NAMES.get(name)) is not None:
            if not command.action:
                return False
            action: Callable[[str], Awaitable[None]] = getattr(self, command.action)
            await action(rest.strip())
            return True
        if not self.current.in_group and (link := DEEP_LINK.match(text)):
            text = f"/start {link.group(2)}"
            self.say(f"(membuka tautan: {text} / opening the link: {text})")
        await self._send(text)
        return True

    async def _send(self, text: str) -> None:
        speaker = self.current
        before = self.sandbox.last_seq()
        if not speaker.in_group:
            await self.sandbox.user_message(speaker.user_id, text, first_name=speaker.first_name, language_code="id")
            await self._wait_for_bot(before)
            return
        if not text.startswith("/") and speaker.questions:
            await self._reply_in_group(speaker.questions[-1], text)
            return
        if not text.startswith("/"):
            self.say("(belum ada pertanyaan untuk dibalas; terkirim sebagai pesan biasa, yang dibiarkan bot / "
                     "no question to reply to yet; sent as an ordinary message, which the bot leaves alone)")
        await self.sandbox.user_message(speaker.user_id, text, chat_id=speaker.chat_id,
                                        first_name=speaker.first_name, language_code="id")
        await self._wait_for_bot(before, first_wait=2, complain=False)

    async def _press(self, number: int) -> None:
        chat = self.current
        if not chat.buttons:
            self.say("(belum ada tombol di chat ini; tidak ada yang dikirim / no buttons in this chat yet; "
                     "nothing was sent)")
            return
        if not 1 <= number <= len(chat.buttons):
            last = len(chat.buttons)
            self.say(f"(tidak ada tombol #{number}; pilih #1–#{last}; tidak ada yang dikirim / there is no button "
                     f"#{number}; choose #1–#{last}; nothing was sent)")
            return
        message_id, data = chat.buttons[number - 1]
        before = self.sandbox.last_seq()
        await self.sandbox.press(chat.user_id, message_id, data, chat_id=chat.chat_id)
        await self._wait_for_bot(before)

    async def _wait_for_bot(self, before: int, *, first_wait: float = FIRST_ANSWER_WAIT, complain: bool = True) -> bool:
        """Until the bot has answered (in any chat: a reply may go to another person) and gone quiet."""
        if not await self.sandbox.wait_for_events(None, before, timeout=first_wait):
            if complain:
                self.say("(bot tidak menjawab / the bot did not answer)")
            return False
        while await self.sandbox.wait_for_events(None, self.sandbox.last_seq(), timeout=QUIET):
            pass
        return True

    # ------------------------------------------------------------------ the console's own commands
    async def _speak_as(self, who: str) -> None:
        key = SPEAKER_ALIASES.get(who.lower(), who.lower())
        speaker = self.speakers.get(key)
        if speaker is None:
            choices = ", ".join(self.speakers)
            missing = " (tanpa grup: --no-support-chat / no group: --no-support-chat)" if key == "grup" else ""
            self.say(f"(tidak ada '{who}'; pilih: {choices} / no '{who}'; choose: {choices}){missing}")
            return
        self.current = speaker
        if speaker.in_group:
            self.say(f"(Sekarang berbicara sebagai Admin di {speaker.label}. Teks biasa membalas pertanyaan terbaru; "
                     "/balas N teks membalas pesan N. / Now speaking as the admin in the support group: plain text "
                     "replies to the newest question; /balas N text replies to message N.)")
        else:
            self.say(f"(Sekarang berbicara sebagai {speaker.label}, id {speaker.user_id}, di chat pribadi dengan "
                     f"bot / Now speaking as {speaker.label}, id {speaker.user_id}, in their private chat)")
        if speaker.buttons:
            message = self.sandbox.messages.get((speaker.chat_id, speaker.buttons[0][0]))
            if lines := button_lines(speaker, message):
                self.say("(tombol terakhir di chat ini / this chat's latest buttons)")
                self.say("\n".join(lines))

    async def _reply_to(self, arguments: str) -> None:
        found = GROUP_REPLY.match(arguments)
        if not found:
            self.say("(tulis: /balas N teks / write: /balas N text)")
            return
        message_id, text = int(found.group(1)), found.group(2)
        if (self.current.chat_id, message_id) not in self.sandbox.messages:
            self.say(f"(tidak ada pesan {message_id} di chat ini / no message {message_id} in this chat)")
            return
        await self._reply_in_group(message_id, text)

    async def _reply_in_group(self, message_id: int, text: str) -> None:
        speaker = self.current
        self.say(f"(↩ membalas pesan {message_id} / replying to message {message_id})")
        before = self.sandbox.last_seq()
        await self.sandbox.reply_to(speaker.user_id, speaker.chat_id, message_id, text)
        # The bot answers a reply to a question it passed on; any other reply is team talk it leaves alone.
        question = message_id in speaker.questions
        await self._wait_for_bot(before, first_wait=FIRST_ANSWER_WAIT if question else 2, complain=question)

    async def _wait(self, seconds: str) -> None:
        limit = min(int(seconds), WAIT_MOST) if seconds.isdigit() and int(seconds) > 0 else WAIT_DEFAULT
        self.say(f"(menunggu pesan dari bot, paling lama {limit} detik / waiting up to {limit} s for the bot)")
        if not await self._wait_for_bot(self.sandbox.last_seq(), first_wait=limit, complain=False):
            self.say("(tidak ada pesan / nothing came)")

    async def _reminder_due_now(self, _: str) -> None:
        """The next planned reminder of the current user is made due now (as "Ingatkan besok" moves one to
        tomorrow); the scheduler's dispatch job then sends it like any other."""
        from sqlmodel import col, select

        from bot.reminders.rules import outside_quiet_hours
        from models import reminder
        from models.base import utcnow
        from models.user import get_user

        speaker = self.current
        if speaker.in_group:
            self.say("(/percepat hanya di chat pribadi / /percepat works in a private chat)")
            return
        now = utcnow()
        async with self.application.bot_data["services"].db.transaction() as session:
            item = (await session.exec(
                select(reminder.Reminder).where(reminder.Reminder.recipient_id == speaker.user_id,
                                                reminder.Reminder.status == reminder.PENDING)
                .order_by(col(reminder.Reminder.due_at), col(reminder.Reminder.id)).limit(1))).first()
            moved = item is not None and await reminder.reschedule(session, item.id, speaker.user_id, now)
            user = await get_user(session, speaker.user_id)
        if not moved:
            self.say(f"(Belum ada pengingat terjadwal untuk {speaker.label}: nyalakan di /pengingat setelah /daftar "
                     "atau /sponsor / No reminder is planned for this user yet: turn them on in /pengingat after "
                     "/daftar or /sponsor)")
            return
        zone = (user.timezone if user else None) or self.settings.default_timezone
        if outside_quiet_hours(now, zone) > now:
            self.say(f"(Sekarang jam tenang (21.00–07.00, {zone}): pengingat dikirim pukul 07.00 / Quiet hours now "
                     f"(21:00–07:00, {zone}): the reminder goes out at 07:00)")
            return
        self.say("(Pengingat berikutnya jatuh tempo sekarang; tiba dalam beberapa detik / The next reminder is due "
                 "now; it arrives within seconds)")
        await self._wait_for_bot(self.sandbox.last_seq(), complain=True)

    async def _help(self, _: str) -> None:
        self.say("Perintah konsol (tidak dikirim ke bot) / Console commands (not sent to the bot):")
        self.say("  #1: menekan tombol [#1] / press button [#1]")
        for command in CONSOLE_COMMANDS:
            usage = " ".join(filter(None, (f"/{command.names[0]}", command.arguments)))
            others = ", ".join(f"/{name}" for name in command.names[1:])
            self.say(f"  {usage} ({others}): {command.meaning}")
        self.say("  https://t.me/<bot>?start=...: membuka tautan itu, sama dengan /start ... / opens that link, "
                 "the same as /start ...")

    # ------------------------------------------------------------------ what the bot does
    def _show(self, event: BotEvent) -> None:
        chat = self.by_chat.get(event.chat_id)
        if chat is None:
            return
        lines = render(event, chat, current=chat is self.current, question_marker=self.question_marker)
        if not lines:
            return
        # One write per message, its buttons included. A message of the bot's own that comes while the prompt
        # waits goes above the prompt, which is shown again below it.
        clear = ("\r\x1b[K" if self.out.isatty() else "\n") if self.prompt_shown else ""
        again = self._prompt() if self.prompt_shown else ""
        print(clear + "\n".join(lines) + "\n" + again, end="", file=self.out, flush=True)
