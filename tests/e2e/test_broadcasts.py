"""Admin broadcasts through the real bot process: compose, buttons, audience, count and exact preview, confirm,
progress with pause, resume and cancel; blocked and opted-out users are never sent to; non-admins are refused.

The bot here has its own database (counts depend on exactly who exists) and a low send rate, so a broadcast to a
dozen users lasts long enough to pause it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.command_list import COMMANDS
from tests.support.botproc import BotProcess
from tests.support.databases import discard_database_url, new_database_url
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e
ADMIN = 990_000_777
USERS = list(range(960_000_001, 960_000_013))  # twelve users


@pytest.fixture(scope="module")
def broadcast_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ThreadedSandbox, BotProcess]]:
    workdir = tmp_path_factory.mktemp("broadcast")
    url = new_database_url("sqlite", workdir)
    with ThreadedSandbox() as box:
        process = BotProcess(box, url, workdir, ADMIN_IDS=str(ADMIN), SEND_RATE="4", DISPATCH_EVERY="0.5").start()
        try:
            for user_id in USERS:
                user = box.user(user_id)
                user.send("/start")
                user.replies()
            yield box, process
        finally:
            process.stop()
            discard_database_url("sqlite", url)


def received(box: ThreadedSandbox, user_id: int, marker: str) -> int:
    return sum(1 for c in box.calls_to("sendMessage")
               if c.status == 200 and int(c.params.get("chat_id", 0)) == user_id and marker in str(c.params["text"]))


def answered(user, words: str) -> bool:  # noqa: ANN001
    """The bot answered the last button press with `words` (progress edits may arrive in between)."""
    return any(e.kind == "answer" and words in (e.text or "") for e in user.events())


def compose(admin, text: str, audience: str, buttons: str | None = None):  # noqa: ANN001, ANN201
    admin.send("/siaran")
    assert "Siaran baru" in admin.reply().text
    admin.send(text)
    assert "tombol tautan" in admin.reply().text
    if buttons:
        admin.send(buttons)
    else:
        admin.press("Tanpa tombol")
    assert "Kirim ke siapa" in admin.reply().text
    admin.press(audience)
    return admin.replies()


def test_non_admins_are_refused_every_admin_command(broadcast_bot) -> None:  # noqa: ANN001
    box, _ = broadcast_bot
    user = box.user(USERS[0])
    admin_commands = [f"/{c.name}" for c in COMMANDS if c.admin_only]
    assert {"/siaran", "/siaran_list", "/diskon", "/ekspor", "/status"} <= set(admin_commands)
    for command in admin_commands:
        user.send(command)
        assert "hanya untuk admin" in user.reply().text, command
    refusal = user.replies()
    user.send("/start")
    message = user.replies()[-1]
    for forged in ("bcn:send", "bcn:paidok", "bc:pause:1", "bc:cancel:1"):
        user.press_data(forged, message.message_id)
        assert "hanya untuk admin" in user.events()[-1].text, forged
    assert refusal == []


def test_a_broadcast_reaches_everyone_once_except_blocked_and_opted_out(broadcast_bot) -> None:  # noqa: ANN001
    box, _ = broadcast_bot
    blocked, opted_out = USERS[0], USERS[1]
    box.call(box.sandbox.block(blocked))
    quitter = box.user(opted_out)
    quitter.send("/berhenti_info")
    assert "tidak akan menerima pengumuman" in quitter.reply().text
    admin = box.user(ADMIN, first_name="Admin")
    admin.send("/start")
    admin.replies()
    shown = compose(admin, "Kantor cabang pindah ke Jl. Lambung Mangkurat <3", "Semua pengguna",
                    "Lihat peta | https://example.org/peta")
    preview = next(m for m in shown if "Kantor cabang pindah" in m.text)
    assert preview.buttons[0]["url"] == "https://example.org/peta" and "&lt;3" in preview.html
    review = shown[-1]
    assert "<b>11</b> penerima" in review.html  # 12 users + the admin, less one blocked and one opted out
    admin.press("Kirim sekarang", review)
    progress = next(m for m in admin.replies() if "Siaran #" in m.text)
    assert "mengirim" in progress.text and "Jeda" in " ".join(progress.button_labels)
    admin.press_data("bcn:send", review.message_id)  # confirm pressed twice: one broadcast
    assert answered(admin, "sudah dibuat")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(received(box, u, "Kantor cabang pindah") for u in USERS[2:]) < 10:
        time.sleep(0.3)
    assert [received(box, u, "Kantor cabang pindah") for u in USERS[2:]] == [1] * 10
    assert received(box, blocked, "Kantor cabang pindah") == 0 and received(box, opted_out, "Kantor cabang pindah") == 0
    time.sleep(1.5)
    assert "selesai" in box.run(lambda: box.sandbox.messages[(ADMIN, progress.message_id)].text)
    admin.send("/siaran_list")
    assert "terkirim 11/11" in admin.replies()[-1].text


def test_pause_resume_and_cancel_from_the_progress_message(broadcast_bot) -> None:  # noqa: ANN001
    box, _ = broadcast_bot
    box.call(box.sandbox.unblock(USERS[0]))
    admin = box.user(ADMIN, first_name="Admin")
    shown = compose(admin, "Pengumuman kedua", "Semua pengguna")
    admin.press("Kirim sekarang", shown[-1])
    progress = next(m for m in admin.replies() if "Siaran #" in m.text)
    time.sleep(0.6)
    admin.press("Jeda", progress)
    assert answered(admin, "dijeda")
    time.sleep(0.5)  # what was already claimed finishes
    during = sum(received(box, u, "Pengumuman kedua") for u in USERS)
    time.sleep(2)
    assert sum(received(box, u, "Pengumuman kedua") for u in USERS) == during  # nothing while paused
    paused = box.run(lambda: box.sandbox.messages[(ADMIN, progress.message_id)])
    admin.press("Lanjutkan", paused)
    assert answered(admin, "dilanjutkan")
    time.sleep(0.8)
    admin.press_data(f"bc:cancel:{progress.text.split('#')[1].split(':')[0]}", progress.message_id)
    assert answered(admin, "dibatalkan")
    time.sleep(1.0)
    final = sum(received(box, u, "Pengumuman kedua") for u in USERS)
    time.sleep(1.5)
    assert sum(received(box, u, "Pengumuman kedua") for u in USERS) == final < 11
    assert all(received(box, u, "Pengumuman kedua") <= 1 for u in USERS)


def test_a_broadcast_can_be_scheduled_for_later(broadcast_bot) -> None:  # noqa: ANN001
    box, _ = broadcast_bot
    admin = box.user(ADMIN, first_name="Admin")
    shown = compose(admin, "Pengumuman terjadwal", "Berbahasa Inggris")
    assert "<b>0</b> penerima" in shown[-1].html  # nobody here speaks English
    admin.press("Atur waktu kirim", shown[-1])
    assert "Kapan dikirim" in admin.reply().text
    admin.send("kemarin")
    assert "belum bisa saya baca" in admin.reply().text
    admin.send("2020-01-01 09:00")
    assert "sudah lewat" in admin.reply().text
    later = datetime.now(ZoneInfo("Asia/Makassar")) + timedelta(days=2)
    admin.send(later.strftime("%Y-%m-%d %H:%M"))
    review = admin.replies()[-1]
    assert "Jadwalkan" in " ".join(review.button_labels)
    admin.press("Jadwalkan", review)
    assert any("dijadwalkan" in m.text for m in admin.replies())
