"""Sponsor pledges through the real bot process: the pledge conversation priced month by month, confirming once,
single-use invitations, the worker enrolling from one, payments, admin verification, extend and cancel, forged
buttons, exports (chat and command line) and a sponsor deleting their data.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.formatting import month_name, rupiah
from bot.devtools.telegram_standin.records import ChatMessage
from bot.pledges.rules import SponsoredWorker, first_pledge_month, month_amounts
from tests.support.botproc import run_cli
from tests.support.discounts import PP50
from tests.support.e2e_steps import (
    enroll_through_invitation,
    make_pledge,
    nik_for,
    pay_until_confirmation,
    pledge_id_of,
    pledge_until_review,
    register_application,
)
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot
from tests.support.sim_user import SimUser

pytestmark = pytest.mark.e2e


def first_month() -> date:
    """Pledges start this month, or next month once the 15th has passed."""
    return first_pledge_month(datetime.now(ZoneInfo("Asia/Makassar")).date())


def press_on_the_pledge_card(sponsor: SimUser, button: str) -> ChatMessage:
    """/janji, then a button on the pledge card: the bot's answer."""
    sponsor.send("/janji")
    sponsor.reply()
    sponsor.press(button)
    return sponsor.reply()


def test_a_sponsor_pledges_for_two_workers_priced_month_by_month(running_bot: RunningBot, user_id: int) -> None:
    sponsor = running_bot.sandbox.user(user_id, first_name="Rahmat")
    review = pledge_until_review(sponsor)
    want = month_amounts([SponsoredWorker("marbot"), SponsoredWorker("tukang parkir")], ("jkk", "jkm"),
                         first_month(), 3, PP50)
    for line in want:
        assert f"{month_name(line.month)}: {rupiah(line.amount)}" in review
    assert f"Total 3 bulan: {rupiah(sum(m.amount for m in want))}" in review
    # the sponsor checks what they typed, in full, in their own chat
    assert "Ahmad Fauzi, Marbot, HP: +6281211112222" in review and "Budi Santoso, tukang parkir, HP: -" in review
    assert "Rahmat" in review
    confirm = sponsor.last_message_with_buttons()
    sponsor.press("Ya, simpan janji")
    texts = [m.text for m in sponsor.replies()]
    assert any("tersimpan" in t for t in texts)
    invitations = [t for t in texts if "Undangan untuk pekerja" in t]
    assert len(invitations) == 2 and all("t.me/LindungiPekerjaBot?start=inv_" in t for t in invitations)
    sponsor.press_data("s:ok", confirm.message_id)  # confirm pressed twice
    assert "sudah tersimpan" in sponsor.events()[-1].text
    assert running_bot.scalar("SELECT count(*) FROM pledges WHERE sponsor_id = :s", s=user_id) == 1
    pledge_id = pledge_id_of(running_bot, user_id)
    months = running_bot.rows("SELECT amount_due, status FROM pledge_months WHERE pledge_id = :p ORDER BY month",
                              p=pledge_id)
    assert months == [(line.amount, "due") for line in want]
    stored = running_bot.rows("SELECT name_encrypted, invite_hash FROM pledge_beneficiaries WHERE pledge_id = :p",
                              p=pledge_id)
    assert all("AHMAD" not in name and "inv_" not in invite for name, invite in stored)


def test_an_invitation_is_single_use_and_the_pledge_shows_who_enrolled(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    _, payloads = make_pledge(sponsor)
    worker, stranger = (running_bot.sandbox.user(new_user_id()) for _ in range(2))
    worker.send(f"/start {payloads[0]}")
    opened = [m.text for m in worker.replies()]
    assert any("Rahmat" in t and "menanggung iuran" in t for t in opened)
    assert "persis seperti di KTP" in opened[-1]
    stranger.send(f"/start {payloads[0]}")
    assert "sudah dipakai" in stranger.reply().text
    sponsor.send(f"/start {payloads[1]}")
    assert "Anda buat sendiri" in sponsor.reply().text
    stranger.send("/start inv_doesnotexist123")
    assert "tidak dikenali" in stranger.reply().text

    # The worker enrols with the sponsor's programs (no programs question); reopening the link mid-way resumes.
    worker.send("Ahmad Fauzi")
    assert "NIK" in worker.reply().text
    worker.send(f"/start {payloads[0]}")
    assert "Berapa NIK Anda" in worker.replies()[-1].text
    for answer in (nik_for(worker.id), "17-08-1990", "0812 1111 2222"):
        worker.send(answer)
        worker.reply()
    worker.press("Marbot")
    worker.reply()
    worker.press("Daerah lain")  # works in Banjarbaru, though the NIK was issued in Banjarmasin
    worker.reply()
    worker.press("Kalimantan Selatan")
    worker.reply()
    worker.press("Kota Banjarbaru")
    worker.reply()
    worker.send("1 juta")
    assert "Persetujuan" in worker.reply().text
    worker.press("Saya setuju")
    assert "Berbagi nomor dengan sponsor?" in worker.reply().text
    worker.press("Tidak, jangan")
    review = worker.reply().text
    assert "ditanggung sponsor" in review and "Rahmat" in review and "JKK+JKM" in review
    assert "tidak dibagikan ke sponsor" in review
    assert "Ubah program" not in " ".join(worker.last_message_with_buttons().button_labels)
    worker.press("Kirim pendaftaran")
    worker.replies()
    worker.send(f"/start {payloads[0]}")  # their own link again: allowed, says they are enrolled
    assert any("sudah punya pendaftaran" in m.text for m in worker.replies())

    sponsor.send("/janji")
    card = sponsor.reply().text
    # applied is not protected: the card says the branch office has yet to register them
    assert "1. A**** F**** (Marbot): 📝 sudah mengajukan pendaftaran, menunggu kantor cabang" in card
    assert "2. B*** S****** (tukang parkir): ⏳ belum membuka undangan" in card
    assert "terlindungi bulan ini" not in card
    application = running_bot.scalar("SELECT id FROM enrollment_applications WHERE user_id = :u", u=worker.id)

    # The branch office registers the worker: the sponsor is told, with the KPJ number masked.
    register_application(running_bot, application, "2601 2345 678")
    told = [m.text for m in sponsor.replies()]
    assert any("Pekerja 1" in t and "sudah didaftarkan kantor cabang" in t and "26*******78" in t
               and "26012345678" not in t and "setelah iuran" in t for t in told), told
    sponsor.send("/janji")
    assert "1. A**** F**** (Marbot): 🪪 terdaftar di BPJS Ketenagakerjaan" in sponsor.reply().text
    assert running_bot.scalar("SELECT application_id FROM pledge_beneficiaries WHERE worker_user_id = :u",
                              u=worker.id) == application


def test_payment_recording_and_admin_verification(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    first_due = running_bot.scalar("SELECT amount_due FROM pledge_months WHERE pledge_id = :p ORDER BY month",
                                   p=pledge_id)
    sponsor.send("/janji")
    assert "Sudah dibayar: 0 dari 3 bulan" in sponsor.reply().text
    sponsor.press("Catat pembayaran")
    asked = sponsor.reply()
    assert "untuk siapa" in asked.text and asked.button_labels[0].startswith("Semua pekerja")
    sponsor.press("Semua pekerja")
    assert "Berapa yang sudah Anda bayar" in sponsor.reply().text
    sponsor.send("banyak")
    assert "belum bisa saya baca" in sponsor.reply().text
    sponsor.press(rupiah(first_due))
    assert "Tanggal berapa" in sponsor.reply().text
    sponsor.send("01-01-2099")
    assert "masa depan" in sponsor.reply().text
    sponsor.press("Hari ini")
    assert "referensi" in sponsor.reply().text
    sponsor.send("TRX-<b>123</b>")
    confirmation = sponsor.reply()
    assert rupiah(first_due) in confirmation.text and "TRX-&lt;b&gt;123&lt;/b&gt;" in confirmation.html
    sponsor.press("Ya, catat")
    assert any("sudah dicatat" in m.text for m in sponsor.replies())
    sponsor.press_data("y:ok", confirmation.message_id)  # pressed again
    assert "sudah dicatat" in sponsor.events()[-1].text
    assert running_bot.scalar("SELECT count(*) FROM pledge_payments WHERE pledge_id = :p", p=pledge_id) == 1
    sponsor.send("/janji")
    assert "Sudah dibayar: 1 dari 3 bulan" in sponsor.reply().text

    team = running_bot.sandbox.run(lambda: [m for (chat, _), m in running_bot.sandbox.sandbox.messages.items()
                                            if chat == SUPPORT_CHAT_ID and f"janji #{pledge_id}" in (m.text or "")])
    assert team and "Rahmat" not in team[-1].text
    payment_id = running_bot.scalar("SELECT id FROM pledge_payments WHERE pledge_id = :p", p=pledge_id)
    outsider = running_bot.sandbox.user(new_user_id())
    outsider.send("/pembayaran")
    refusal = outsider.reply()
    outsider.press_data(f"pv:{payment_id}", refusal.message_id)
    assert "hanya untuk admin" in outsider.events()[-1].text
    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/pembayaran")
    assert f"#{payment_id}" in admin.reply().text
    admin.press(f"Verifikasi #{payment_id}")
    assert any("sudah diverifikasi" in m.text for m in admin.replies())
    assert any("sudah diverifikasi admin" in m.text for m in sponsor.replies())
    assert running_bot.scalar("SELECT verified_by FROM pledge_payments WHERE id = :i", i=payment_id) == ADMIN_ID


def test_forged_and_stale_pledge_buttons_change_nothing(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id())
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    thief = running_bot.sandbox.user(new_user_id())
    thief.send("/janji")
    own = thief.reply()
    assert "belum punya janji" in own.text
    for forged in (f"j:stopok:{pledge_id}", f"j:pay:{pledge_id}", f"j:ext:{pledge_id}:12:3", f"j:inv:{pledge_id}"):
        thief.press_data(forged, own.message_id)
        assert "bukan untuk janji Anda" in thief.events()[-1].text, forged
    thief.press_data("j:stopok:999999999", own.message_id)
    assert "bukan untuk janji Anda" in thief.events()[-1].text
    thief.press_data("y:ok", own.message_id)  # a payment confirmation with no payment in progress
    assert "belum ada yang dicatat" in thief.events()[-1].text  # says nothing was recorded, not "already done"
    assert running_bot.rows("SELECT status, months FROM pledges WHERE id = :p", p=pledge_id) == [("active", 3)]
    assert running_bot.scalar("SELECT count(*) FROM pledge_payments WHERE pledge_id = :p", p=pledge_id) == 0


def test_extend_and_cancel_with_confirmation(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id())
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    press_on_the_pledge_card(sponsor, "Perpanjang")
    sponsor.press("+3 bulan")
    assert "sekarang 6 bulan" in sponsor.reply().text
    assert running_bot.scalar("SELECT count(*) FROM pledge_months WHERE pledge_id = :p", p=pledge_id) == 6
    assert "Hentikan janji" in press_on_the_pledge_card(sponsor, "Hentikan janji").text
    sponsor.press("Tidak jadi")
    assert "tidak ada yang diubah" in sponsor.reply().text
    assert running_bot.scalar("SELECT status FROM pledges WHERE id = :p", p=pledge_id) == "active"
    question = press_on_the_pledge_card(sponsor, "Hentikan janji")
    sponsor.press("Ya, hentikan")
    assert "sudah dihentikan" in sponsor.reply().text
    sponsor.press_data(f"j:stopok:{pledge_id}", question.message_id)
    assert "sudah dihentikan" in sponsor.events()[-1].text
    assert running_bot.scalar("SELECT status FROM pledges WHERE id = :p", p=pledge_id) == "cancelled"
    assert running_bot.scalar("SELECT count(*) FROM pledge_months WHERE pledge_id = :p AND status = 'due'",
                              p=pledge_id) == 0


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_exports_in_the_chat_and_from_the_command_line(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    sponsor.send("/ekspor")
    assert "hanya untuk admin" in sponsor.reply().text
    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/ekspor")
    admin.reply()
    admin.press("Janji sponsor")
    document = next(m for m in admin.replies() if m.kind == "document")
    assert document.file_name.startswith("lindungi-janji-") and document.file_name.endswith(".csv")
    rows = [r for r in read_csv(document.file_bytes) if r["no_janji"] == str(pledge_id)]
    assert [(r["nama_pekerja"], r["no_hp_pekerja"], r["pekerjaan"]) for r in rows] == [
        ("Ahmad Fauzi", "+6281211112222", "Marbot"), ("Budi Santoso", "", "tukang parkir")]
    assert rows[0]["status_janji"] == "aktif" and rows[0]["bulan_direncanakan"] == "3"
    admin.send("/ekspor pendaftaran entah")
    assert "tidak saya kenali" in admin.reply().text
    assert running_bot.scalar("SELECT count(*) FROM audit_log WHERE actor_id = :a AND action = 'export'",
                              a=ADMIN_ID) >= 1

    key = {"DATA_KEY": running_bot.process.settings["DATA_KEY"]} if "DATA_KEY" in running_bot.process.settings else {}
    today = datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat()
    result = run_cli("export", "pledges", "--status", "aktif", "--from", today, "--to", today,
                     cwd=running_bot.workdir, DATABASE_URL=running_bot.database_url, **key)
    assert result.returncode == 0, result.stderr
    exported = [r for r in read_csv(result.stdout.encode("utf-8")) if r["no_janji"] == str(pledge_id)]
    assert len(exported) == 2 and exported[0]["nama_pekerja"] == "Ahmad Fauzi"
    refused = run_cli("export", "pledges", "--status", "registered", cwd=running_bot.workdir,
                      DATABASE_URL=running_bot.database_url, **key)
    assert refused.returncode == 2 and "aktif, dibatalkan" in refused.stderr
    far = run_cli("export", "applications", "--to", "9999-12-31", cwd=running_bot.workdir,
                  DATABASE_URL=running_bot.database_url, **key)
    assert far.returncode == 2 and far.stderr.strip().splitlines() == [
        "Cannot export: --from and --to must be between 2000-01-01 and 2099-12-31"]
    admin.send("/ekspor pendaftaran sampai 9999-12-31")
    assert "antara 2000-01-01 dan 2099-12-31" in admin.reply().text


def test_a_sponsor_deleting_their_data_keeps_anonymous_totals(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id())
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    total_before = running_bot.scalar("SELECT sum(amount_due) FROM pledge_months WHERE pledge_id = :p", p=pledge_id)
    sponsor.send("/hapusdata")
    sponsor.reply()
    sponsor.press("Ya, hapus semua")
    assert "1 janji sponsor dihentikan" in sponsor.reply().text
    assert running_bot.rows("SELECT sponsor_id, status FROM pledges WHERE id = :p", p=pledge_id) == [
        (None, "cancelled")]
    assert running_bot.rows("SELECT name_encrypted, phone_encrypted FROM pledge_beneficiaries WHERE pledge_id = :p",
                            p=pledge_id) == [(None, None), (None, None)]
    assert running_bot.scalar("SELECT sum(amount_due) FROM pledge_months WHERE pledge_id = :p",
                              p=pledge_id) == total_before


def test_double_presses_extend_once_and_keep_fresh_invitations(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id())
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    choices = press_on_the_pledge_card(sponsor, "Perpanjang")
    sponsor.press("+3 bulan", choices)
    assert "sekarang 6 bulan" in sponsor.reply().text
    sponsor.press_data(f"j:ext:{pledge_id}:3:3", choices.message_id)  # the same button again
    assert "sudah diubah" in sponsor.events()[-1].text
    assert running_bot.scalar("SELECT months FROM pledges WHERE id = :p", p=pledge_id) == 6
    sponsor.send("/janji")
    sponsor.reply()
    sponsor.press("Kirim ulang undangan")
    assert "baru saja dibuat" in sponsor.events()[-1].text  # the links sent minutes ago stay valid


def test_one_worker_takes_one_place_in_a_pledge(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    _, payloads = make_pledge(sponsor)
    worker, other = (running_bot.sandbox.user(new_user_id()) for _ in range(2))
    worker.send(f"/start {payloads[0]}")
    worker.replies()
    worker.send(f"/start {payloads[1]}")  # both links forwarded to the same person
    assert any("Rahmat" in m.text for m in worker.replies())
    other.send(f"/start {payloads[1]}")  # the second place is still free for the second worker
    assert any("menanggung iuran" in m.text for m in other.replies())
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    assert sorted(running_bot.rows("SELECT worker_user_id FROM pledge_beneficiaries WHERE pledge_id = :p",
                                   p=pledge_id)) == sorted([(worker.id,), (other.id,)])


def test_what_is_not_a_name_is_questioned_before_it_becomes_a_worker(running_bot: RunningBot, user_id: int) -> None:
    sponsor = running_bot.sandbox.user(user_id, first_name="Rahmat")
    sponsor.send("/sponsor")
    sponsor.replies()
    sponsor.press("1")
    assert "Pekerja 1 dari 1" in sponsor.reply().text
    sponsor.send("6371 0117 0885 0001")  # the worker's NIK, typed where the name is asked
    assert "sepertinya NIK" in sponsor.reply().text
    sponsor.send("brp iurannya sebulan")  # a question typed at the name step
    asked = sponsor.reply()
    assert "<b>brp iurannya sebulan</b>" in asked.html and "seperti pertanyaan" in asked.text
    sponsor.press("Bukan, ketik ulang")
    assert "Siapa namanya" in sponsor.reply().text
    sponsor.send("Pak Udin")
    assert "Apa pekerjaan Pak Udin?" in sponsor.reply().text
    sponsor.press("Kembali")
    sponsor.reply()
    sponsor.send("gmn bayarnya")
    sponsor.reply()
    sponsor.press("Ya, itu namanya")  # a real name that only reads like a question is kept as typed
    assert "Apa pekerjaan gmn bayarnya?" in sponsor.reply().text


def test_an_admin_rejects_a_payment_with_a_reason_and_it_no_longer_counts(running_bot: RunningBot,
                                                                         new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    first_due = running_bot.scalar("SELECT amount_due FROM pledge_months WHERE pledge_id = :p ORDER BY month",
                                   p=pledge_id)
    pay_until_confirmation(sponsor, rupiah(first_due))
    sponsor.press("Ya, catat")
    sponsor.replies()
    sponsor.send("/janji")
    assert "Sudah dibayar: 1 dari 3 bulan" in sponsor.reply().text
    payment_id = running_bot.scalar("SELECT id FROM pledge_payments WHERE pledge_id = :p", p=pledge_id)

    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/pembayaran")
    listing = admin.reply()
    assert "/tolak" in listing.text
    admin.press(f"Tolak #{payment_id}")
    assert "apa alasannya" in admin.reply().text
    admin.press("Jumlahnya tidak sesuai")
    assert any(f"Pembayaran #{payment_id} ditolak" in m.text for m in admin.replies())
    told = [m.text for m in sponsor.replies()]
    assert any("ditolak" in t and "Jumlahnya tidak sesuai dengan catatan resmi" in t for t in told), told
    assert running_bot.scalar("SELECT reject_reason FROM pledge_payments WHERE id = :i", i=payment_id) == (
        "Jumlahnya tidak sesuai dengan catatan resmi")
    sponsor.send("/janji")
    assert "Sudah dibayar: 0 dari 3 bulan" in sponsor.reply().text  # it no longer counts

    # decided once: the button again, the command, a forged number change nothing
    admin.press("Pembayaran ini tercatat dua kali")
    assert "sudah ditolak" in admin.events()[-1].text
    admin.send(f"/tolak {payment_id} salah catat")
    assert "sudah ditolak" in admin.reply().text
    admin.send("/tolak 12x")
    assert "/tolak" in admin.reply().text
    admin.press_data("prr:999999999:amount", listing.message_id)
    assert "sudah ditolak" in admin.events()[-1].text
    admin.send("/pembayaran")
    assert f"#{payment_id}" not in admin.reply().text
    assert running_bot.scalar("SELECT count(*) FROM audit_log WHERE action = 'payment.rejected' AND subject = :s",
                              s=f"payment:{payment_id}") == 1


def test_a_partial_payment_is_said_aloud_and_too_much_is_refused(running_bot: RunningBot,
                                                                  new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    months = running_bot.rows("SELECT month, amount_due FROM pledge_months WHERE pledge_id = :p ORDER BY month",
                              p=pledge_id)
    first_month, first_due = months[0]
    total = sum(due for _, due in months)
    sponsor.send("/janji")
    sponsor.reply()
    sponsor.press("Catat pembayaran")
    sponsor.reply()
    sponsor.press("Semua pekerja")
    sponsor.reply()
    sponsor.send("2jt")  # more than the whole pledge: refused, with the amount that settles it
    refused = sponsor.reply()
    assert rupiah(total) in refused.text and rupiah(total) in refused.button_labels
    for bad in ("1e9", "-5000", "🙂"):
        sponsor.send(bad)
        assert sponsor.reply().text
    sponsor.send("5.000")
    sponsor.reply()
    sponsor.press("Hari ini")
    sponsor.reply()
    sponsor.press("Lewati")
    confirmation = sponsor.reply().text
    month = month_name(date.fromisoformat(str(first_month)))
    left = rupiah(first_due - 5_000)
    assert f"Rp5.000 masuk ke {month}; sisa {month} {left} belum dibayar" in confirmation
    sponsor.press("Ya, catat")
    recorded = [m.text for m in sponsor.replies()]
    assert any("sudah dicatat" in t and f"sisa {month} {left}" in t for t in recorded), recorded
    assert running_bot.scalar("SELECT amount_paid FROM pledge_months WHERE pledge_id = :p ORDER BY month",
                              p=pledge_id) == 5_000
    # A payment for the second worker only pays that worker's months
    parts = "SELECT b.position, w.amount_paid FROM pledge_worker_months w JOIN pledge_months m ON m.id = w.month_id " \
            "JOIN pledge_beneficiaries b ON b.id = w.beneficiary_id WHERE m.pledge_id = :p AND m.month = :m " \
            "ORDER BY b.position"
    confirmation = pay_until_confirmation(sponsor, "3.000", who="2. B")  # the second worker, by their masked name
    assert "Untuk pekerja 2: B*** S******." in confirmation.text
    sponsor.press("Ya, catat")
    sponsor.replies()
    assert running_bot.rows(parts, p=pledge_id, m=date.fromisoformat(str(first_month))) == [(1, 5_000), (2, 3_000)]
    assert running_bot.scalar("SELECT beneficiary_id IS NOT NULL FROM pledge_payments WHERE pledge_id = :p "
                              "ORDER BY id DESC", p=pledge_id) in (True, 1)


def test_a_worker_who_shares_their_numbers_lets_the_sponsor_pay_in_jmo(running_bot: RunningBot,
                                                                       new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    _, payloads = make_pledge(sponsor)
    worker = running_bot.sandbox.user(new_user_id())
    assert "boleh dilihat sponsor" in enroll_through_invitation(worker, payloads[0], share=True)
    worker.press("Kirim pendaftaran")
    worker.replies()
    application = running_bot.scalar("SELECT id FROM enrollment_applications WHERE user_id = :u", u=worker.id)
    assert running_bot.scalar("SELECT share_with_sponsor FROM pledge_beneficiaries WHERE application_id = :a",
                              a=application) in (True, 1)
    register_application(running_bot, application, "2601 2345 678")
    told = [m.text for m in sponsor.replies()]
    shared = next(t for t in told if "sudah didaftarkan kantor cabang" in t)
    assert nik_for(worker.id) in shared and "26012345678" in shared and "SERTAKAN" in shared and "/janji" in shared
    # nothing personal went to the team's chat
    messages = running_bot.sandbox.sandbox.messages
    team = running_bot.sandbox.run(lambda: [m.text or "" for (chat, _), m in messages.items() if chat == SUPPORT_CHAT_ID])
    assert all(nik_for(worker.id) not in text for text in team)
    # the worker sees it in /datasaya and withdraws it in one tap
    worker.send("/datasaya")
    mine = worker.reply().text
    assert "boleh melihat NIK" in mine
    assert "terdaftar di BPJS Ketenagakerjaan" in mine  # where they stand, in the words the sponsor's /janji uses
    worker.press("Berhenti berbagi nomor")
    assert "tidak lagi diberi NIK" in worker.reply().text
    assert running_bot.scalar("SELECT share_with_sponsor FROM pledge_beneficiaries WHERE application_id = :a",
                              a=application) in (False, 0)
    worker.send("/datasaya")
    assert "tidak dibagikan ke sponsor" in worker.reply().text


def test_a_higher_declared_income_is_followed_or_not_as_the_sponsor_chooses_and_the_worker_is_told(
        running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    _, payloads = make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    worker = running_bot.sandbox.user(new_user_id())
    review = enroll_through_invitation(worker, payloads[0], share=False, income="1,5 juta")
    assert "sponsor diberi tahu iuran sesuai penghasilan ini" in review  # the worker knows before sending
    worker.press("Kirim pendaftaran")
    worker.replies()
    first = first_pledge_month(datetime.now(ZoneInfo("Asia/Makassar")).date())
    minimum, followed = (month_amounts([SponsoredWorker("marbot", False, income)], ("jkk", "jkm"), first, 1, PP50)[0]
                         for income in (1_000_000, 1_500_000))
    question = next(m for m in sponsor.replies() if "Ikuti penghasilannya" in m.text)
    assert "Rp1.500.000" in question.text and f"#{pledge_id}" in question.text
    assert rupiah(followed.amount, "id") in question.text and rupiah(minimum.amount, "id") in question.text
    assert "Ahmad Fauzi" not in question.text  # the worker's name is masked outside their own chat
    assert "perkiraan" in question.text  # above the minimum, the amounts are estimates
    parts = "SELECT m.month, w.amount_due FROM pledge_worker_months w JOIN pledge_months m ON m.id = w.month_id " \
            "JOIN pledge_beneficiaries b ON b.id = w.beneficiary_id WHERE b.pledge_id = :p AND b.position = :n " \
            "ORDER BY m.month"
    before = running_bot.rows(parts, p=pledge_id, n=1)
    others = running_bot.rows(parts, p=pledge_id, n=2)
    totals = "SELECT sum(amount_due) FROM pledge_months WHERE pledge_id = :p"
    total_before = running_bot.scalar(totals, p=pledge_id)

    # someone else's sponsor pressing the same button changes nothing
    stranger = running_bot.sandbox.user(new_user_id())
    stranger.send("/start")
    stranger.replies()
    data = next(b["callback_data"] for b in question.buttons if b["text"].startswith("✅"))
    stranger.press_data(data, stranger.messages_with_buttons()[-1].message_id)
    assert "bukan untuk janji Anda" in stranger.events()[-1].text
    assert running_bot.rows(parts, p=pledge_id, n=1) == before

    sponsor.press("Ikuti penghasilannya", question)
    answer = sponsor.reply().text
    assert "mengikuti penghasilannya" in answer and rupiah(followed.amount, "id") in answer
    after = running_bot.rows(parts, p=pledge_id, n=1)
    assert after[0] == (before[0][0], followed.amount)
    assert all(new > old for (_, old), (_, new) in zip(before, after))  # every month of this worker, none paid yet
    assert running_bot.rows(parts, p=pledge_id, n=2) == others  # the other worker keeps the minimum
    assert running_bot.scalar(totals, p=pledge_id) == total_before + sum(n - o for (_, o), (_, n) in zip(before, after))
    assert running_bot.rows("SELECT priced_income, income_choice FROM pledge_beneficiaries WHERE pledge_id = :p "
                            "AND position = 1", p=pledge_id) == [(1_500_000, "follow")]
    told = [m.text for m in worker.replies()]  # the worker hears it, with the income they declared
    assert any("sesuai penghasilan yang Anda laporkan, Rp1.500.000" in t and rupiah(followed.amount, "id") in t
               for t in told), told
    # pressed again, or the other button after: recorded once
    sponsor.press_data(data, question.message_id)
    assert "sudah dicatat sebelumnya" in sponsor.events()[-1].text
    assert running_bot.rows(parts, p=pledge_id, n=1) == after

    # The second worker declares 2 juta; the sponsor keeps the minimum, and the worker is told both amounts.
    second = running_bot.sandbox.user(new_user_id())
    enroll_through_invitation(second, payloads[1], share=False, income="2 juta")
    second.press("Kirim pendaftaran")
    second.replies()
    asked = next(m for m in sponsor.replies() if "Rp2.000.000" in m.text)
    sponsor.press("Tetap minimum", asked)
    assert "tetap sesuai penghasilan minimum" in sponsor.reply().text
    assert running_bot.rows(parts, p=pledge_id, n=2) == others
    on_two_million = month_amounts([SponsoredWorker("marbot", False, 2_000_000)], ("jkk", "jkm"), first, 1, PP50)[0]
    told = [m.text for m in second.replies()]
    assert any("pada penghasilan minimum" in t and rupiah(minimum.amount, "id") in t
               and rupiah(on_two_million.amount, "id") in t for t in told), told
    assert running_bot.rows("SELECT priced_income, income_choice FROM pledge_beneficiaries WHERE pledge_id = :p "
                            "AND position = 2", p=pledge_id) == [(1_000_000, "minimum")]
