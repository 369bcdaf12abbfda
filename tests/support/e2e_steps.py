"""Steps several end-to-end tests take the same way: a valid NIK per test user, an enrollment up to its review, a
pledge made through /sponsor, a time zone where it is midday now (far from quiet hours)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.devtools.telegram_standin.records import ChatMessage
from tests.support.running_bot import ADMIN_ID, RunningBot
from tests.support.sim_user import SimUser


def nik_for(user_id: int) -> str:
    """A valid NIK unique to the test user: Banjarmasin (6371), a woman born 17-08-1990 (day 17 + 40)."""
    return f"637101570890{user_id % 9000 + 1:04d}"


def enroll_until_review(user: SimUser, nik: str, *, start: bool = True) -> str:
    """Answer every question correctly; returns the review text."""
    if start:
        user.send("/daftar")
        assert "persis seperti di KTP" in user.reply().text
    user.send("Siti Aminah")
    assert "NIK" in user.reply().text
    user.send(nik)
    assert "Tanggal lahir" in user.reply().text
    user.send("17-08-1990")
    assert "Nomor HP" in user.reply().text
    user.send("0812-3456-7890")
    assert "pekerjaan" in user.reply().text
    user.press("Marbot")
    assert "Menurut NIK, KTP Anda dari Kota Banjarmasin, Kalimantan Selatan" in user.reply().text
    user.press("Ya, di Kota Banjarmasin")
    assert "penghasilan" in user.reply().text
    user.send("1,5 jt")
    assert "JKK+JKM adalah minimum" in user.reply().text
    user.press("JKK + JKM + JHT")
    assert "Persetujuan" in user.reply().text
    user.press("Saya setuju")
    return user.reply().text


def pledge_until_review(sponsor: SimUser, months: str = "3 bulan") -> str:
    sponsor.send("/sponsor")
    assert "Berapa pekerja" in sponsor.replies()[-1].text
    sponsor.press("2")
    assert "Pekerja 1 dari 2" in sponsor.reply().text
    sponsor.send("Ahmad Fauzi")
    assert "Apa pekerjaan Ahmad Fauzi?" in sponsor.reply().text  # as typed, in the sponsor's own chat
    sponsor.press("Marbot")
    assert "Nomor HP" in sponsor.reply().text
    sponsor.send("0812 1111 2222")
    assert "Pekerja 2 dari 2" in sponsor.reply().text
    sponsor.send("Budi Santoso")
    sponsor.reply()
    sponsor.press("Lainnya")
    assert "ketik pekerjaannya" in sponsor.reply().text
    sponsor.send("tukang parkir")
    sponsor.reply()
    sponsor.press("Tidak tahu")
    assert "Berapa lama" in sponsor.reply().text
    sponsor.press(months)
    assert "Program apa" in sponsor.reply().text
    sponsor.press("JKK + JKM")
    return sponsor.reply().text


def make_pledge(sponsor: SimUser, months: str = "3 bulan") -> tuple[str, list[str]]:
    """A confirmed pledge (3 months unless said) for two workers: (review text, invitation payloads)."""
    review = pledge_until_review(sponsor, months)
    sponsor.press("Ya, simpan janji")
    texts = [m.text for m in sponsor.replies()]
    payloads = [found for text in texts for found in re.findall(r"start=(inv_[\w-]+)", text)]
    return review, payloads


def pay_until_confirmation(sponsor: SimUser, amount: str, *, who: str = "Semua pekerja") -> ChatMessage:
    """From /janji, record a payment made today without a reference, up to its confirmation (returned): `who` is the
    label of the button that picks the workers, `amount` is typed."""
    sponsor.send("/janji")
    sponsor.reply()
    sponsor.press("Catat pembayaran")
    sponsor.reply()
    sponsor.press(who)
    sponsor.reply()
    sponsor.send(amount)
    sponsor.reply()
    sponsor.press("Hari ini")
    sponsor.reply()
    sponsor.press("Lewati")
    return sponsor.reply()


def pledge_id_of(bot: RunningBot, sponsor_id: int) -> int:
    return int(bot.scalar("SELECT id FROM pledges WHERE sponsor_id = :s ORDER BY id DESC", s=sponsor_id))


def midday_zone() -> str:
    """A fixed-offset zone where it is now about 12:00, far from quiet hours."""
    offset = 12 - datetime.now(timezone.utc).hour
    offset = (offset + 12) % 24 - 12 if offset > 14 or offset < -12 else offset
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def enroll_through_invitation(worker: SimUser, payload: str, *, share: bool, income: str = "1 juta") -> str:
    """Open a sponsor's invitation and enroll with correct answers, sharing the NIK and KPJ number with the sponsor
    or not; returns the review text (before sending)."""
    worker.send(f"/start {payload}")
    worker.replies()
    for answer in ("Ahmad Fauzi", nik_for(worker.id), "17-08-1990", "0812 1111 2222"):
        worker.send(answer)
        worker.reply()
    worker.press("Marbot")
    worker.reply()
    worker.press("Ya, di Kota Banjarmasin")
    worker.reply()
    worker.send(income)
    worker.reply()
    worker.press("Saya setuju")
    worker.reply()
    worker.press("Ya, boleh" if share else "Tidak, jangan")
    return worker.reply().text


def register_application(bot: RunningBot, application_id: int, kpj: str) -> None:
    """The admin marks an application registered from /pendaftaran, typing its KPJ number."""
    admin = bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/pendaftaran")
    listed = next(m for m in admin.replies() if f"#{application_id}" in m.text)
    admin.press("Terdaftar", listed)
    admin.reply()
    admin.send(kpj)
    admin.reply()
