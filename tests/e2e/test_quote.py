"""The contribution quote in the chat, and admins managing discounts, through the real bot process."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.contributions.rules import quote
from bot.core.calendar import add_months
from bot.core.formatting import month_name, rupiah
from tests.support.botproc import BotProcess
from tests.support.discounts import PP50
from tests.support.running_bot import ADMIN_ID, RunningBot
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e


def this_month() -> date:
    return datetime.now(ZoneInfo("Asia/Makassar")).date().replace(day=1)


def expected(income: int, programs: tuple[str, ...], months: int, transport: bool = False):  # noqa: ANN201
    return quote(income=income, programs=programs, first_month=this_month(), months=months, transport=transport,
                 discounts=PP50)


def open_quote(user, occupation: str) -> None:  # noqa: ANN001
    """/iuran, then press the occupation: the bot now asks for the income."""
    user.send("/iuran")
    user.reply()
    user.press(occupation)
    user.reply()


def finish_quote(user, months: str, jht: str = "Tidak") -> str:  # noqa: ANN001
    """Answer the JHT and months questions; the text of the result."""
    user.reply()
    user.press(jht)
    user.reply()
    user.press(months)
    return user.replies()[-1].text


def test_a_worker_gets_an_exact_breakdown(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/iuran")
    assert "Apa pekerjaan Anda" in user.reply().text
    user.press("Pedagang")
    assert "penghasilan Anda per bulan" in user.reply().text
    user.send("1,5 jt")
    assert "JHT" in user.reply().text
    user.press("Ya, ikut JHT")
    assert "berapa bulan" in user.reply().text
    user.press("3 bulan")
    result = user.replies()[-1]
    want = expected(1_500_000, ("jkk", "jkm", "jht"), 3)
    text = result.text
    assert "JKK (kecelakaan kerja), 1%: Rp15.000" in text and "JKM (kematian): Rp6.800" in text
    assert "JHT (hari tua), 2%: Rp30.000" in text
    assert f"Iuran {month_name(this_month())}: {rupiah(want.months[0].due)}" in text
    assert "Total 3 bulan" in text and rupiah(want.total) in text
    labels = " ".join(result.button_labels)
    assert "Pengingat" in labels and "Jadi sponsor" in labels and "Hitung lagi" in labels


@pytest.mark.parametrize("spelling", ["2 juta", "2jt", "1,5 jt", "Rp 1.500.000", "1.500.000,-", "1500000",
                                      "satu setengah juta"])
def test_every_income_spelling_is_understood(running_bot: RunningBot, new_user_id, spelling: str) -> None:  # noqa: ANN001
    user = running_bot.sandbox.user(new_user_id())
    open_quote(user, "Petani")
    user.send(spelling)
    assert "JHT" in user.reply().text, spelling


def test_bad_income_is_asked_again_and_nothing_typed_is_lost(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    open_quote(user, "Kurir")
    for bad, reason in [("banyak lah", "belum bisa membaca"), ("0", "lebih dari nol"), ("😀", "belum bisa membaca"),
                        ("999 juta", "terlalu besar"), ("x" * 5000, "terlalu panjang")]:
        user.send(bad)
        assert reason in user.reply().text, bad
    user.send("2 juta")  # the occupation chosen before is still there
    text = finish_quote(user, "1 bulan")
    want = expected(2_000_000, ("jkk", "jkm"), 1, transport=True)
    assert rupiah(want.months[0].due) in text and "transportasi" in text


def test_low_income_is_quoted_at_the_minimum_and_says_why(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    open_quote(user, "Marbot")
    user.send("500 ribu")
    text = finish_quote(user, "1 bulan")
    assert "Rp500.000 dihitung sebagai Rp1.000.000" in text
    assert rupiah(expected(1_000_000, ("jkk", "jkm"), 1).months[0].due) in text


def test_a_question_with_an_income_jumps_into_the_quote(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("iuran kalau gaji 2 juta berapa")
    reply = user.reply()
    assert "Rp2.000.000" in reply.text and "Apa pekerjaan Anda" in reply.text
    user.press("Pedagang")
    assert "JHT" in user.reply().text  # income already filled in: straight to the next question


def test_stale_buttons_back_and_cancel(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/iuran")
    first = user.reply()
    user.press("Pedagang", first)
    user.reply()
    user.press_data("q:occ:ojek", first.message_id)  # the occupation question again: stale, nothing changes
    assert "langkah sebelumnya" in user.events()[-1].text
    user.press("Kembali")
    assert "Apa pekerjaan Anda" in user.reply().text
    user.press("Batal")
    assert "dibatalkan" in user.reply().text
    user.send("halo min")  # free text is a question again, not an income
    assert "Halo!" in user.reply().text
    user.press_data("q:mon:3")  # a button from the cancelled quote
    assert "tidak berlaku" in user.events()[-1].text


def test_a_wage_earner_sees_what_is_deducted(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/iuran")
    user.reply()
    user.press("Karyawan")
    assert "gaji Anda per bulan" in user.reply().text
    user.send("20 juta")
    text = user.replies()[-1].text
    assert "JHT 2%: Rp400.000" in text
    assert "JP (pensiun) 1%: Rp105.474" in text  # 1% of the Rp10,547,400 wage cap, not of the salary
    assert "Rp10.547.400" in text and "Maret 2025" in text


def test_admins_add_and_end_a_discount_and_the_next_quote_reflects_it(tmp_path: Path, fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    start = add_months(this_month(), 1)
    label = f"{start.year:04d}-{start.month:02d}"
    with ThreadedSandbox() as box, BotProcess(box, url, tmp_path, ADMIN_IDS=str(ADMIN_ID)):
        admin, worker, stranger = box.user(ADMIN_ID), box.user(123_001), box.user(123_002)

        stranger.send(f"/diskon tambah 90 {label} {label} semua jkk,jkm Promo | SK 1")
        assert "hanya untuk admin" in stranger.reply().text
        admin.send("/diskon")
        listing = admin.reply()
        assert "PP 50/2025" in listing.text and listing.text.count("#") >= 2

        admin.send(f"/diskon tambah 90 {label} {label} semua jkk,jkm Promo Kalimantan | SK 1/2026")
        assert "ditambahkan" in admin.reply().text
        admin.send("/diskon tambah sembilan puluh")
        assert "Format belum benar" in admin.reply().text

        def second_month_due() -> str:
            open_quote(worker, "Pedagang")
            worker.send("1 juta")
            return finish_quote(worker, "3 bulan")

        assert f"Mulai {month_name(start)}: Rp1.680" in second_month_due()  # 16,800 less 90%

        admin.send("/diskon")
        promo = [b for b in admin.reply().buttons if b["text"].endswith(f"#{3}")]
        assert promo, "the new period can be ended early"
        stranger.press_data("dz:ok:3:" + f"{this_month().year:04d}-{this_month().month:02d}", message_id=1)
        assert "hanya untuk admin" in stranger.events()[-1].text
        admin.press(promo[0]["text"])
        admin.reply()
        admin.press("Ya, akhiri")
        assert "diakhiri" in admin.reply().text
        admin.press_data("dz:ok:3:" + f"{this_month().year:04d}-{this_month().month:02d}")  # twice
        assert "sudah berakhir" in admin.events()[-1].text

        assert "Rp1.680" not in second_month_due()
