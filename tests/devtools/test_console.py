"""The terminal console shows the whole product, as a new user meets it: the scheduler runs (a broadcast reaches
two users, a reminder is planned and arrives), buttons are pressed with #N while typed digits stay text, one
person speaks as several users, opens a sponsor's invitation link as another, and answers a question in the
simulated support group.

One console (one process, one database) serves the whole module, as one person's session would; each test speaks
as the users it needs and waits for what it expects to print, with a deadline, never for a fixed time.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from telegram.ext import CommandHandler

from bot.core.crypto import new_data_key
from bot.core.settings import Settings
from bot.devtools.console import COMMAND_NAMES
from tests.support.botproc import clean_environment
from tests.support.e2e_steps import midday_zone
from tests.support.running_bot import DirectDatabase

pytestmark = pytest.mark.e2e
FIRST_USER = 100_000_001  # the console's default id for user 1
NIK = "6371015708900001"  # valid: Banjarmasin, a woman born 17-08-1990

START_TIMEOUT = 90  # migrations and the question matcher on a busy machine
STEP_TIMEOUT = 30  # one reply; generous, but a wait ends as soon as the text is there


class ConsoleSession(DirectDatabase):
    """`python -m bot console` on pipes, as a person scripting it would: type a line, then wait (with a deadline)
    until what they expect has printed. Everything printed is kept, so a wait never misses a line that came early."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.cwd = cwd
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "console", *args], cwd=cwd,
                                        env=clean_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.printed: list[str] = []
        self.errors: list[str] = []
        self.last_typed = 0  # where the output of the last line typed begins
        self.changed = threading.Condition()
        threading.Thread(target=self._read, args=(self.process.stdout, self.printed), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.errors), daemon=True).start()
        try:
            self.expect("Type as you would", since=0, timeout=START_TIMEOUT)
        except AssertionError:
            self.process.kill()
            raise

    def _read(self, stream, into: list[str]) -> None:  # noqa: ANN001
        for line in stream:
            with self.changed:
                into.append(line)
                self.changed.notify_all()

    def type(self, line: str) -> int:
        """Type one line; returns the place in the output from which its effects show."""
        with self.changed:
            since = self.last_typed = len(self.printed)
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return since

    def expect(self, *wanted: str, since: int, timeout: float = STEP_TIMEOUT, pattern: re.Pattern[str] | None = None
               ) -> str:
        """The output from `since` on, once it holds every `wanted` text (and a match of `pattern`); fails with
        what printed after `timeout`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                shown = "".join(self.printed[since:])
                if all(piece in shown for piece in wanted) and (pattern is None or pattern.search(shown)):
                    return shown
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    missing = [piece for piece in wanted if piece not in shown] + ([pattern.pattern] if pattern else [])
                    raise AssertionError(f"not printed: {missing}\n--- the console printed:\n{shown[-4000:]}\n"
                                         f"--- stderr:\n{''.join(self.errors)[-2000:]}")
                self.changed.wait(remaining)

    def say(self, line: str, *wanted: str, timeout: float = STEP_TIMEOUT) -> str:
        """Type `line` and wait until the console shows it and every `wanted` text after it."""
        since = self.type(line)
        return self.expect(f"> {line}\n", *wanted, since=since, timeout=timeout)

    def press(self, label: str, *wanted: str) -> str:
        """Press the button labelled `label` on the newest keyboard since the last line typed, with #N (waiting for
        that keyboard to print)."""
        button = re.compile(rf"\[#(\d+)\] [^\[\n]*?{re.escape(label)}")
        shown = self.expect(since=self.last_typed, pattern=button)
        return self.say(f"#{button.findall(shown)[-1]}", *wanted)

    def close(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.stdin.write("/keluar\n")
            self.process.stdin.close()
        try:
            code = self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return code, "".join(self.errors)

    # ------------------------------------------------------------------ the console's database, as an operator
    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.cwd}/data/console.db"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleSession]:
    session = ConsoleSession(tmp_path_factory.mktemp("console"))
    try:
        yield session
    finally:
        code, errors = session.close()
    assert code == 0 and "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def enrolled(console: ConsoleSession) -> str:
    """User 1 registers with /daftar, typing the NIK, phone number and income as plain digits; what printed."""
    steps = [console.say("/sebagai 1", "berbicara sebagai Anda"), console.say("/daftar", "persis seperti di KTP"),
             console.say("Siti Aminah", "NIK"), console.say(NIK, "Tanggal lahir"),
             console.say("17-08-1990", "Nomor HP"), console.say("081234567890", "pekerjaan")]
    steps.append(console.press("Marbot", "Menurut NIK"))  # where the NIK was issued, offered first
    steps.append(console.press("Daerah lain", "provinsi"))
    steps.append(console.press("Kalimantan Selatan", "Kabupaten"))
    steps += [console.say("Banjarmasin", "penghasilan"), console.say("1500000", "JKK+JKM adalah minimum")]
    steps.append(console.press("JKK + JKM + JHT", "Persetujuan"))
    steps.append(console.press("Saya setuju", "Kirim pendaftaran"))
    steps.append(console.press("Kirim pendaftaran", "Pendaftaran baru #"))
    return "".join(steps)


def test_typed_digits_reach_the_bot_as_text(console: ConsoleSession, enrolled: str) -> None:
    # The NIK, the phone number and the income were answers, not button presses: each step moved on.
    assert "Tanggal lahir" in enrolled and "pekerjaan" in enrolled and "JKK+JKM adalah minimum" in enrolled
    assert "tidak ada tombol" not in enrolled
    # The support group hears of the application, shown with its label while user 1 is speaking.
    assert re.search(r"🤖 → Grup petugas: \(pesan \d+\) 📝 Pendaftaran baru #\d+", enrolled)
    # /sponsor asks how many workers: typing 2 answers it.
    console.say("/sebagai 2", "berbicara sebagai Pengguna 2")
    console.say("/sponsor", "Berapa pekerja")
    console.say("2", "Pekerja 1 dari 2")
    console.say("/start", "Silakan pilih menu")  # leaves the pledge for later


def test_hash_presses_a_button_and_an_unknown_number_sends_nothing(console: ConsoleSession) -> None:
    console.say("/sebagai 3", "berbicara sebagai Pengguna 3")
    menu = console.say("/start", "[#2] 🧮 Hitung iuran")
    assert "[#1] ❓ Tanya program" in menu
    console.say("  #2 ", "Apa pekerjaan Anda")  # spaces around still press
    missing = console.say("#99", "tidak ada tombol #99")
    assert "🤖" not in missing  # nothing reached the bot
    console.say("/start", "Silakan pilih menu")


def test_an_admins_broadcast_reaches_two_users(console: ConsoleSession) -> None:
    console.say("/sebagai 1", "berbicara sebagai Anda")
    console.say("/start", "Silakan pilih menu")
    console.say("/sebagai 2", "berbicara sebagai Pengguna 2")
    console.say("/start", "Silakan pilih menu")
    console.say("/sebagai admin", "berbicara sebagai Admin,")
    console.say("/siaran", "Siaran baru")
    console.say("Posyandu buka hari Sabtu", "Tanpa tombol")
    console.press("Tanpa tombol", "Semua pengguna")
    console.press("Semua pengguna", "Kirim sekarang")
    console.press("Kirim sekarang")
    # The scheduler's broadcast job sends it; each user's copy prints with their label, then the progress is done.
    console.expect("🤖 → Anda: Posyandu buka hari Sabtu", "🤖 → Pengguna 2: Posyandu buka hari Sabtu",
                   since=console.last_typed, timeout=60,
                   pattern=re.compile(r"Siaran #\d+: selesai\s+Terkirim (\d+) dari \1 "))


def test_a_reminder_is_planned_by_the_scheduler_and_arrives(console: ConsoleSession, enrolled: str) -> None:
    console.say("/sebagai 1", "berbicara sebagai Anda")
    card = console.say("/pengingat", "Pengingat bayar iuran")
    if "Ingatkan iuran saya" in card:
        console.press("Ingatkan iuran saya", "Tersimpan")
    own = "recipient_id = :u AND subject = 'own' AND status = 'pending'"
    assert _count(console, own) > 0
    # Gone (as if turned on while no scheduler ran): the console's planning job, every few seconds, plans them again.
    console.execute(f"DELETE FROM reminders WHERE {own}", u=FIRST_USER)
    deadline = time.monotonic() + 60
    while not _count(console, own):
        assert time.monotonic() < deadline, "the planning job did not plan the reminders again"
        time.sleep(0.25)  # polling the database, bounded by the deadline
    # A time zone where it is midday (no quiet hours), and the first reminder due now, while the console waits for
    # a line and someone else is speaking: the dispatch job sends it, and it prints at once with user 1's label.
    console.execute("UPDATE users SET timezone = :tz WHERE telegram_id = :u", tz=midday_zone(), u=FIRST_USER)
    console.say("/sebagai 2", "berbicara sebagai Pengguna 2")
    idle = len(console.printed)
    first = console.rows(f"SELECT id FROM reminders WHERE {own} ORDER BY due_at, id", u=FIRST_USER)[0][0]
    console.execute("UPDATE reminders SET due_at = :now WHERE id = :i", now=datetime.now(timezone.utc), i=first)
    console.expect(since=idle, timeout=60, pattern=re.compile(r"^🤖 → Anda: (⏰|⚠️) .*iuran Anda bulan", re.M))
    # /percepat makes user 1's next one due now; it prints without a label for the user speaking.
    console.say("/sebagai 1", "berbicara sebagai Anda")
    console.say("/percepat", "jatuh tempo sekarang")
    console.expect(since=console.last_typed, pattern=re.compile(r"^🤖 (⏰|⚠️) .*iuran Anda bulan", re.M))
    # printed when the stand-in receives it; recorded as sent just after Telegram's answer: wait for the record
    deadline = time.monotonic() + 60
    while _count(console, "recipient_id = :u AND status = 'sent'") < 2:
        assert time.monotonic() < deadline, "the reminders were not recorded as sent"
        time.sleep(0.25)  # polling the database, bounded by the deadline
    assert _count(console, "recipient_id = :u AND status = 'sent'") == 2


def _count(console: ConsoleSession, where: str) -> int:
    return int(console.rows(f"SELECT count(*) FROM reminders WHERE {where}", u=FIRST_USER)[0][0])


def test_one_person_speaks_as_several_users_and_opens_an_invitation(console: ConsoleSession) -> None:
    console.say("/sebagai 2", "berbicara sebagai Pengguna 2, id 100000002")
    console.say("/sponsor", "Berapa pekerja")
    console.say("1", "Pekerja 1 dari 1")
    console.say("Ahmad Fauzi", "Apa pekerjaan")
    console.press("Marbot", "Nomor HP")
    console.say("081211112222", "Berapa lama")
    console.press("3 bulan", "Program apa")
    console.press("JKK + JKM", "Simpan janji")
    shown = console.press("Ya, simpan janji", "?start=inv_")
    link = re.search(r"https://t\.me/\w+\?start=inv_[\w-]+", shown).group(0)
    console.say("/sebagai 3", "berbicara sebagai Pengguna 3")
    opened = console.say(link, "ingin menanggung iuran", "persis seperti di KTP")
    assert "(membuka tautan: /start inv_" in opened
    assert "Pengguna 2" in opened  # the sponsor's name, as the worker sees it
    assert "🤖 →" not in opened.split("ingin menanggung")[0]  # addressed to the current user: no label


def test_a_question_goes_to_the_support_group_and_the_answer_comes_back(console: ConsoleSession) -> None:
    console.say("/sebagai 3", "berbicara sebagai Pengguna 3")
    console.say("/start", "Silakan pilih menu")  # out of any form an earlier test left open
    console.say("resep soto banjar yang enak", "Tanya petugas")
    passed = console.press("Tanya petugas", "🤖 → Grup petugas", "Pertanyaan #", "sudah diteruskan")
    ticket = re.search(r"Pertanyaan #(\d+)", passed).group(1)
    # The admins' inbox lists it too.
    console.say("/sebagai admin", "berbicara sebagai Admin,")
    console.say("/tiket", f"#{ticket}")
    # In the group, plain text replies to the newest question; the user gets the answer.
    console.say("/sebagai grup", "Admin di Grup petugas")
    answered = console.say("Maaf, kami hanya menjawab soal BPJS Ketenagakerjaan.",
                           "membalas pesan", "🤖 → Pengguna 3: 💬 Balasan petugas", "Balasan terkirim")
    assert "hanya menjawab soal BPJS" in answered.split("🤖 → Pengguna 3:")[1]


def test_pictures_the_bot_sends_are_saved_as_files(console: ConsoleSession) -> None:
    console.say("/sebagai 1", "berbicara sebagai Anda")
    shown = console.say("/statistik", "gambar disimpan di data/console/")
    saved = re.search(r"gambar disimpan di (data/console/\S+\.png)", shown).group(1)
    assert (console.cwd / saved).read_bytes().startswith(b"\x89PNG")


def test_the_consoles_commands_are_none_of_the_bots(tmp_path: Path) -> None:
    from bot.runtime.application import build_application

    settings = Settings(bot_token="123456:console-command-names-not-secret", data_key=new_data_key(),
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/names.db", support_chat_id=-1)
    application = build_application(settings)
    bots = {name for handlers in application.handlers.values() for handler in handlers
            if isinstance(handler, CommandHandler) for name in handler.commands}
    assert "tiket" in bots and "start" in bots
    assert not bots & set(COMMAND_NAMES)
