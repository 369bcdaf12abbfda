"""At LOG_LEVEL=DEBUG (a documented setting) the log of a real bot process holds no personal data and no token,
though the libraries underneath (python-telegram-bot, httpx, aiohttp, SQLAlchemy) would write whole updates and
request payloads at that level."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.infra import migrations as migrate
from tests.support.botproc import TEST_TOKEN, BotProcess
from tests.support.databases import new_database_url, run_sync
from tests.support.e2e_steps import enroll_until_review, nik_for
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e
USER = 712_345_678


def test_an_enrollment_at_debug_leaves_no_personal_data_in_the_log(tmp_path: Path) -> None:
    url = new_database_url("sqlite", tmp_path)
    run_sync(lambda: migrate.upgrade_async(url))
    nik = nik_for(USER)
    with ThreadedSandbox() as box:
        bot = BotProcess(box, url, tmp_path, LOG_LEVEL="DEBUG").start()
        try:
            user = box.user(USER, first_name="Siti Rahmawati")
            enroll_until_review(user, nik)
            user.press("Kirim pendaftaran")
            assert any("Pendaftaran terkirim" in m.text for m in user.replies())
            user.send("/datasaya")
            user.replies()
            user.send(f"nomor saya 0812-3456-7890 nik {nik} gimana daftarnya")
            user.replies()
        finally:
            bot.stop()
        log = bot.log()
    assert " DEBUG " in log  # the level took effect: this is a debug log, not a quiet one
    found = [secret for secret in (nik, nik[:6] + "-" + nik[6:], "3456-7890", "81234567890", "Siti", "SITI",
                                   "Aminah", "AMINAH", "Rahmawati", str(USER), TEST_TOKEN, TEST_TOKEN.split(":")[1])
             if secret in log]
    assert not found, f"personal data or the token in the debug log: {found}"
