"""Where input arrives from, through the real bot process: an edited message never runs a command or answers a
step; a button about someone's own data does nothing outside their private chat; a NIK or phone number however
written never reaches the team or the tickets table."""

from __future__ import annotations

import pytest

from tests.support.e2e_steps import nik_for
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot

pytestmark = pytest.mark.e2e
GROUP = -100_555_000_001


def test_an_edited_message_runs_no_command_and_answers_no_step(running_bot: RunningBot, user_id: int) -> None:
    box = running_bot.sandbox
    admin = box.user(ADMIN_ID, first_name="Admin")
    admin.send("/help")
    admin.replies()
    periods = running_bot.scalar("SELECT count(*) FROM discount_periods")
    admin.edit_last("/diskon tambah 90 2027-05 2027-05 semua jkk,jkm Promo | SK 1")
    assert "tidak saya proses" in admin.reply().text
    assert running_bot.scalar("SELECT count(*) FROM discount_periods") == periods

    user = box.user(user_id)
    user.send("/daftar")
    user.reply()
    user.send("Siti Aminah")
    assert "NIK" in user.reply().text
    user.edit_last("Budi Santoso")  # changing the answer already given does not change it
    assert "tidak saya proses" in user.reply().text
    user.send(nik_for(user_id))
    assert "Tanggal lahir" in user.reply().text  # still the next step, with the name as first sent


@pytest.mark.parametrize("data", ["my:show", "my:delok", "e:new", "j:list", "rp:all:off", "a:mydata"])
def test_a_personal_button_in_a_group_does_nothing_there(running_bot: RunningBot, user_id: int, data: str) -> None:
    box = running_bot.sandbox
    user = box.user(user_id, first_name="Rahmat")
    user.send("/start")
    user.replies()
    box.run(lambda: box.sandbox.ensure_group(GROUP, "Grup RT 05"))
    box.call(box.sandbox.user_message(user_id, "halo semua", chat_id=GROUP))
    seen = box.run(box.sandbox.last_seq)
    box.call(box.sandbox.press(user_id, 1, data, chat_id=GROUP))
    answers = box.call(box.sandbox.wait_for_events(GROUP, seen, 10, lambda e: e.kind == "answer"))
    assert answers and "chat pribadi" in answers[0].text
    assert not [e for e in box.run(lambda: box.sandbox.events_for(GROUP, seen)) if e.kind in ("message", "edit")]
    assert user.silence(0.5)  # nothing in their private chat either
    assert running_bot.scalar("SELECT count(*) FROM users WHERE telegram_id = :u", u=user_id) == 1  # not erased


@pytest.mark.parametrize("written", ["+62 (812) 3456 7890", "0812.3456.7890", "6371/0157/0890/0001"])
def test_a_number_however_written_never_reaches_the_team(running_bot: RunningBot, user_id: int,
                                                        written: str) -> None:
    box = running_bot.sandbox
    user = box.user(user_id)
    user.send("saya mau bicara dengan petugas soal klaim yang ditolak")
    user.reply()
    seen = box.run(box.sandbox.last_seq)
    user.press("Tanya petugas", user.last_message_with_buttons())
    user.replies()
    user.send(f"tolong hubungi saya di {written} ya pak, klaim JKK saya ditolak")
    assert "tidak kami simpan" in user.reply().text
    to_team = [e.message.body for e in box.run(lambda: box.sandbox.events_for(SUPPORT_CHAT_ID, seen))
               if e.message is not None]
    stored = [q for (q,) in running_bot.rows("SELECT question FROM support_tickets WHERE user_id = :u", u=user_id)]
    digits = "".join(ch for ch in written if ch.isdigit())[-8:]
    assert not any(digits[:4] in text for text in to_team + stored), (to_team, stored)
