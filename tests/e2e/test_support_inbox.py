"""A person is always reachable: with no support chat, a question passed on waits in the admins' inbox; an admin is
told, lists, opens, answers (by command or the "Balas" button) and closes it with /tiket, and the user gets the answer
in their chat. Non-admins, unknown or forged numbers, drafts and double presses change nothing; /datasaya counts only
questions really passed on. The console without its support group (one admin) does the whole round trip in one chat.

The bot here runs without SUPPORT_CHAT_ID (the other question tests run with one: tests/e2e/test_questions.py).
"""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.crypto import new_data_key
from tests.support.botproc import BotProcess, clean_environment
from tests.support.databases import BACKENDS, discard_database_url, new_database_url
from tests.support.running_bot import RunningBot
from tests.support.sim_user import SimUser, ThreadedSandbox

pytestmark = pytest.mark.e2e
ADMIN = 990_000_321
OTHER_ADMIN = 990_000_322  # never talked to the bot: telling them fails, the others are still told


@pytest.fixture(scope="module", params=BACKENDS)
def inbox_bot(request: pytest.FixtureRequest, sandbox: ThreadedSandbox,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    workdir = tmp_path_factory.mktemp("inbox")
    url = new_database_url(request.param, workdir)
    keys = {"DATA_KEY": new_data_key()} if request.param == "postgresql" else {}
    process = BotProcess(sandbox, url, workdir, ADMIN_IDS=f"{ADMIN},{OTHER_ADMIN}", **keys).start()
    try:
        yield RunningBot(sandbox, process, url, request.param, workdir)
    finally:
        process.stop()
        discard_database_url(request.param, url)


def _admin(bot: RunningBot) -> SimUser:
    admin = bot.sandbox.user(ADMIN, first_name="Admin")
    admin.send("/start")
    admin.replies()
    return admin


def _pass_on(user: SimUser, question: str) -> int:
    """The user asks something the bot does not know and presses "Tanya petugas"; returns the ticket number."""
    user.send(question)
    assert "belum paham" in user.reply().text
    user.press("Tanya petugas")
    kept = user.reply().text
    assert "sudah kami terima" in kept and "membalas di chat ini" in kept
    return int(re.search(r"#(\d+)", kept).group(1))


def test_a_question_passed_on_reaches_the_admins_and_their_answer_reaches_the_user(inbox_bot: RunningBot,
                                                                                   user_id: int) -> None:
    box = inbox_bot.sandbox
    admin = _admin(inbox_bot)
    user = box.user(user_id, first_name="Nama Rahasia")
    ticket = _pass_on(user, "resep soto banjar yang enak <3 & murah")
    notice = admin.reply()
    assert f"Pertanyaan baru #{ticket}" in notice.text and "resep soto banjar yang enak <3 & murah" in notice.text
    assert "Nama Rahasia" not in notice.text and str(user_id) not in notice.text
    assert "Balas" in " ".join(notice.button_labels) and "Tutup" in " ".join(notice.button_labels)

    user.press("Tanya petugas", user.messages_with_buttons()[0])  # pressed twice: told, kept once
    assert "sudah diteruskan" in user.events()[-1].text
    assert admin.silence(1.0)
    assert inbox_bot.scalar("SELECT count(*) FROM support_tickets WHERE user_id = :u AND status = 'sent'",
                            u=user_id) == 1

    admin.send("/tiket")
    listing = admin.reply()
    assert f"#{ticket}" in listing.text and "resep soto banjar" in listing.text and "menunggu jawaban" in listing.text
    admin.send(f"/tiket {ticket}")
    opened = admin.reply().text
    assert f"Pertanyaan #{ticket}" in opened and "Bahasa: Indonesia" in opened and "menunggu jawaban" in opened

    admin.send(f"/tiket {ticket} balas Soto tidak kami jawab 🙏\nTanya soal BPJS & iuran <di sini> saja.")
    assert "sudah terkirim" in admin.reply().text
    answer = user.reply()
    assert "Balasan petugas" in answer.text
    assert "Soto tidak kami jawab 🙏\nTanya soal BPJS & iuran <di sini> saja." in answer.text
    assert inbox_bot.scalar("SELECT status FROM support_tickets WHERE id = :t", t=ticket) == "answered"
    assert inbox_bot.scalar("SELECT actor_id FROM audit_log WHERE action = 'ticket.answered' AND subject = :s",
                            s=f"ticket:{ticket}") == ADMIN


def test_the_reply_button_takes_the_next_message_and_a_closed_ticket_takes_no_more(inbox_bot: RunningBot,
                                                                                  user_id: int) -> None:
    box = inbox_bot.sandbox
    admin = _admin(inbox_bot)
    user = box.user(user_id)
    user.send("saya mau bicara dengan petugas")
    user.reply()
    user.press_data("a:human")
    assert "tulis pesan" in user.reply().text.lower()
    user.send("nomor kpj saya hilang bagaimana")
    ticket = int(re.search(r"#(\d+)", user.reply().text).group(1))
    notice = admin.reply()
    assert "nomor kpj saya hilang" in notice.text

    admin.press("Balas", notice)
    assert f"#{ticket}" in admin.reply().text
    admin.send("Silakan ke kantor cabang dengan KTP.")
    delivered = admin.reply()
    assert "sudah terkirim" in delivered.text
    assert "Silakan ke kantor cabang dengan KTP." in user.reply().text
    admin.send("halo")  # the answer was taken once: the next message is an ordinary question again
    assert "Halo!" in admin.reply().text
    assert user.silence(0.5)

    admin.press("Tutup", delivered)
    assert "ditutup" in admin.reply().text
    admin.press("Tutup", delivered)  # a double press
    assert "sudah ditutup" in admin.events()[-1].text
    admin.send(f"/tiket {ticket} balas satu lagi")
    assert "jawaban tidak dikirim" in admin.reply().text
    admin.press("Balas", notice)  # the old notice's button
    assert "sudah ditutup" in admin.events()[-1].text
    assert user.silence(1.0)
    assert inbox_bot.scalar("SELECT status FROM support_tickets WHERE id = :t", t=ticket) == "closed"
    assert inbox_bot.scalar("SELECT count(*) FROM audit_log WHERE action = 'ticket.closed' AND subject = :s",
                            s=f"ticket:{ticket}") == 1
    admin.send("/tiket")
    assert f"#{ticket} ·" not in admin.reply().text  # no longer open
    admin.send(f"/tiket {ticket}")
    closed = admin.reply()
    assert "ditutup" in closed.text and not closed.buttons  # still readable, no longer answerable


def test_non_admins_forged_numbers_and_drafts_change_nothing(inbox_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    box = inbox_bot.sandbox
    admin = _admin(inbox_bot)
    asker, outsider = box.user(new_user_id()), box.user(new_user_id())
    ticket = _pass_on(asker, "resep rendang padang")
    admin.replies()
    asker.send("resep nasi kuning")  # kept as a draft, never passed on
    asker.reply()
    draft = inbox_bot.scalar("SELECT max(id) FROM support_tickets WHERE user_id = :u AND status = 'draft'",
                             u=asker.id)
    before = inbox_bot.rows("SELECT id, status, updated_at FROM support_tickets ORDER BY id")

    outsider.send("/start")
    outsider.replies()
    for command in ("/tiket", f"/tiket {ticket}", f"/tiket {ticket} tutup", f"/tiket {ticket} balas halo"):
        outsider.send(command)
        assert "hanya untuk admin" in outsider.reply().text, command
    for forged in (f"tk:close:{ticket}", f"tk:reply:{ticket}", f"tk:open:{ticket}", "tk:page:0"):
        outsider.press_data(forged, outsider.last_message_with_buttons().message_id)
        assert "hanya untuk admin" in outsider.events()[-1].text, forged

    for command in (f"/tiket {draft}", f"/tiket {draft} balas halo", "/tiket 999999999 tutup",
                    "/tiket 99999999999999999999", "/tiket ١٢"):
        admin.send(command)
        said = admin.reply().text
        assert "Tidak ada pertanyaan" in said or "Cara pakai" in said, command
    admin.send(f"/tiket {ticket} balas")
    assert "Tulis jawabannya" in admin.reply().text
    admin.send("/tiket")
    listing = admin.reply()
    admin.press_data("tk:close:999999999", listing.message_id)
    assert "Tidak ada pertanyaan" in admin.events()[-1].text
    admin.press_data(f"tk:reply:{draft}", listing.message_id)
    assert "Tidak ada pertanyaan" in admin.events()[-1].text
    admin.press_data("tk:page:999", listing.message_id)  # a stale page: the last one, here the one already shown
    assert [e.kind for e in admin.events()] == ["answer"]

    assert inbox_bot.rows("SELECT id, status, updated_at FROM support_tickets ORDER BY id") == before
    assert asker.silence(0.5)
    assert inbox_bot.scalar("SELECT count(*) FROM audit_log WHERE action = 'refused' AND subject = '/tiket'") >= 4


def test_my_data_counts_only_questions_really_passed_on_and_erasing_removes_them(inbox_bot: RunningBot,
                                                                                  user_id: int) -> None:
    box = inbox_bot.sandbox
    admin = _admin(inbox_bot)
    user = box.user(user_id)
    _pass_on(user, "resep ketupat kandangan")
    admin.replies()
    user.send("resep bingka kentang")  # kept, not passed on
    user.reply()
    user.send("/tanya")
    user.reply()
    user.press_data("a:human")  # waiting for a message that never comes
    user.reply()
    assert inbox_bot.scalar("SELECT count(*) FROM support_tickets WHERE user_id = :u", u=user_id) == 3
    user.send("/datasaya")
    shown = user.reply().text
    assert "1 pertanyaan yang Anda teruskan" in shown

    user.send("/hapusdata")
    user.reply()
    user.press("Ya, hapus")
    assert "sudah dihapus" in user.reply().text
    assert inbox_bot.scalar("SELECT count(*) FROM support_tickets WHERE user_id = :u", u=user_id) == 0


def test_help_lists_the_inbox_for_admins_only(inbox_bot: RunningBot, user_id: int) -> None:
    admin = _admin(inbox_bot)
    admin.send("/help")
    listed = admin.reply().text
    # under their own heading, after what everyone has
    assert "Perintah admin" in listed and listed.index("/daftar") < listed.index("Perintah admin") < listed.index(
        "/tiket") and "/ekspor" in listed
    user = inbox_bot.sandbox.user(user_id)
    user.send("/help")
    shown = user.reply().text
    assert "/tiket" not in shown and "Perintah admin" not in shown and "/daftar" in shown


class _ConsoleSession:
    """`python -m bot console --admin --no-support-chat` on pipes: type a line, read what the bot printed until it
    goes quiet."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "console", "--admin", "--no-support-chat"],
                                        cwd=cwd,
                                        env=clean_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()
        self.read(first_wait=60)

    def read(self, first_wait: float = 15, quiet: float = 1.5) -> str:
        out, deadline = [], time.monotonic() + first_wait
        while True:
            wait = max(0.0, deadline - time.monotonic()) if not out else quiet
            try:
                out.append(self.lines.get(timeout=wait))
            except queue.Empty:
                return "".join(out)

    def say(self, text: str) -> str:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.read()

    def press(self, label: str, shown: str) -> str:
        number = re.findall(rf"\[#(\d+)\] [^\[]*{re.escape(label)}", shown)[-1]
        return self.say(f"#{number}")

    def close(self) -> tuple[int, str]:
        self.process.stdin.write("/keluar\n")
        self.process.stdin.close()
        code = self.process.wait(30)
        return code, self.process.stderr.read()


def test_in_the_console_one_admin_asks_and_answers_in_the_same_chat(tmp_path: Path) -> None:
    console = _ConsoleSession(tmp_path)
    try:
        shown = console.say("resep soto banjar yang enak")
        assert "Tanya petugas" in shown
        shown = console.press("Tanya petugas", shown)
        assert "sudah kami terima" in shown and "Pertanyaan baru #" in shown
        ticket = re.search(r"Pertanyaan baru #(\d+)", shown).group(1)
        listing = console.say("/tiket")
        assert f"#{ticket}" in listing
        opened = console.press(f"#{ticket}", listing)  # the console presses the newest message's buttons
        assert "menunggu jawaban" in opened
        shown = console.press("Balas", opened)
        assert f"#{ticket}" in shown
        shown = console.say("Maaf, kami hanya menjawab soal BPJS Ketenagakerjaan.")
        assert "Balasan petugas" in shown and "hanya menjawab soal BPJS" in shown and "sudah terkirim" in shown
        assert "ditutup" in console.say(f"/tiket {ticket} tutup")
    finally:
        code, errors = console.close()
    assert code == 0 and "Traceback" not in errors
