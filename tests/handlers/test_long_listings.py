"""Listings that grow without bound stay one Telegram message (4,096 characters as shown) and lose nothing the
reader is entitled to: /datasaya sends the rest as a file, /diskon drops what ended longest ago and says so."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contributions.rules import Discount
from bot.core.calendar import this_month
from bot.core.replies import fit_lines, shown_length
from models.discount import add_period
from models.enrollment import ApplicantDetails, submit
from tests.support.inprocess import ADMIN_ID, InProcessBot

USER = 8_400_001


@pytest.fixture
def bot(tmp_path):  # noqa: ANN001, ANN201
    harness = InProcessBot(tmp_path).start()
    yield harness
    harness.close()


def test_fit_lines_keeps_head_and_tail_and_counts_what_it_left_out() -> None:
    items = [f"• baris {i} " + "x" * 90 for i in range(100)]
    text, shown = fit_lines(["<b>Judul</b>"], items, ["kaki"], lambda n: f"… dan {n} lainnya")
    assert 0 < shown < 100 and shown_length(text) <= 4096
    assert text.startswith("<b>Judul</b>\n• baris 0 ") and text.endswith(f"… dan {100 - shown} lainnya\nkaki")
    assert fit_lines(["a"], ["b", "c"], ["d"], lambda n: "?") == ("a\nb\nc\nd", 2)
    # Telegram counts emoji as two UTF-16 units and does not count tags: so does the fitting.
    emoji = ["🙂" * 100] * 30
    text, shown = fit_lines([], emoji, [], lambda n: f"+{n}")
    assert shown == 20 and shown_length(text) <= 4096


def test_my_data_with_many_applications_fits_one_message_and_sends_the_rest_as_a_file(bot: InProcessBot) -> None:
    async def apply_many() -> None:
        async with bot.services.db.transaction() as session:
            for i in range(60):
                await submit(session, bot.services.cipher, USER, ApplicantDetails(
                    name=f"Pekerja Nomor {i:02d}", nik=f"6371{i:012d}", birth_date=date(1990, 1, 1),
                    phone=f"08123456{i:04d}", occupation="Marbot", transport=False, province="Kalimantan Selatan",
                    regency="Banjarmasin", income=1_500_000, programs=("jkk", "jkm")))

    bot.user(USER)
    bot.run(apply_many())
    cursor = bot.cursor()
    bot.run(bot.send(USER, "/datasaya"))
    message, document = bot.replies(USER, cursor)[-2:]
    assert shown_length(message.body) <= 4096 and "data lain yang tidak muat" in message.body
    assert message.button_labels[0] == "🗑 Hapus data saya"  # the buttons are still there
    listing = document.file_bytes.decode()
    assert document.file_name == "data-saya.txt"
    assert all(f"Pendaftaran #{i}" in listing for i in range(1, 61))
    assert "637100000000" not in listing and "081234560001" not in listing  # masked, like the message
    assert not bot.failed_calls() and not bot.errors


def test_discount_list_with_many_periods_fits_and_keeps_what_is_running(bot: InProcessBot) -> None:
    now = this_month(bot.settings.default_timezone)

    async def add_many() -> None:
        async with bot.services.db.transaction() as session:
            for year in [*range(1980, 2025), *range(2030, 2045)]:  # 45 that ended, 15 to come
                await add_period(session, Discount(
                    name=f"Diskon tahun {year}", legal_basis="PP 49/2025 tentang relaksasi iuran", percent=50,
                    first_month=date(year, 1, 1), last_month=date(year, 12, 1), programs=frozenset({"jkk", "jkm"})),
                    ADMIN_ID)

    bot.run(add_many())
    running = bot.run(bot.fetch("SELECT id FROM discount_periods WHERE last_month > :now", now=now))
    cursor = bot.cursor()
    bot.run(bot.send(ADMIN_ID, "/diskon"))
    reply = bot.last_reply(ADMIN_ID, cursor)
    assert shown_length(reply.body) <= 4096 and "periode lain (yang paling lama berakhir)" in reply.body
    assert all(f"Diskon tahun {year}" in reply.body for year in range(2030, 2045))  # everything to come
    assert len(reply.button_labels) == len(running) >= 15  # and a button to end each one early
    assert "Diskon tahun 2024" in reply.body  # the most recently ended is still listed
    assert "Diskon tahun 1980" not in reply.body  # what ended longest ago is left out first
    assert not bot.failed_calls() and not bot.errors
