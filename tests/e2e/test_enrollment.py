"""A worker's enrollment through the real bot process: every step, every rejection reason, the review, submitting
(once), duplicate NIKs, the admin's decision reaching the worker, and the worker's own data (/datasaya, /hapusdata).
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.e2e_steps import enroll_until_review, nik_for
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot

pytestmark = pytest.mark.e2e


def test_a_worker_checks_every_answer_in_full_and_one_press_records_one_application(
        running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    nik = nik_for(user_id)
    review = enroll_until_review(user, nik)
    # in their own private chat, before it goes to the branch office: what they typed, as they typed it
    assert "Siti Aminah" in review and nik in review and "*" not in review
    assert "+6281234567890" in review and "Banjarmasin, Kalimantan Selatan" in review
    assert "Iuran" in review and "JKK+JKM+JHT" in review
    user.press("Kirim pendaftaran")
    submitted = user.replies()
    assert any("Pendaftaran terkirim" in m.text for m in submitted)
    user.press_data("e:submit", submitted[0].message_id)  # the same button again
    assert "sudah terkirim" in user.events()[-1].text
    assert running_bot.scalar("SELECT count(*) FROM enrollment_applications WHERE user_id = :u", u=user_id) == 1
    stored = running_bot.rows("SELECT nik_encrypted, phone_encrypted, status FROM enrollment_applications "
                              "WHERE user_id = :u", u=user_id)[0]
    assert nik not in stored[0] and "812" not in stored[1] and stored[2] == "submitted"
    assert running_bot.cipher.decrypt(stored[0]) == nik
    # The team hears of it, without personal data.
    team = running_bot.sandbox.run(lambda: [m for (chat, _), m in running_bot.sandbox.sandbox.messages.items()
                                            if chat == SUPPORT_CHAT_ID and "Pendaftaran baru" in (m.text or "")])
    assert team and all("Aminah" not in m.text and nik not in m.text for m in team)


@pytest.mark.parametrize("bad, reason", [
    ("12345", "16 angka"),
    ("63710157089O0001", "hanya berisi angka"),
    ("9971015708900001", "kode provinsi"),
    ("6371019908900001", "bukan tanggal lahir"),
    ("6371015708900000", "0000"),
    ("1111111111111111", "bukan NIK sungguhan"),
])
def test_every_invalid_nik_gets_its_own_reason(running_bot: RunningBot, new_user_id, bad: str,  # noqa: ANN001
                                               reason: str) -> None:
    user = running_bot.sandbox.user(new_user_id())
    user.send("/daftar")
    user.reply()
    user.send("Budi Santoso")
    user.reply()
    user.send(bad)
    assert reason in user.reply().text


def test_nothing_typed_is_lost_when_answers_are_rejected(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/daftar")
    user.reply()
    for bad, reason in [("<b>Budi</b>", "hanya boleh berisi huruf"), ("x" * 5000, "terlalu panjang"),
                        ("😀😀😀", "hanya boleh berisi huruf")]:
        user.send(bad)
        assert reason in user.reply().text, bad[:40]
    user.send("Siti Aminah")
    user.reply()
    user.send(nik_for(user_id))
    user.reply()
    for bad, reason in [("17-08-1991", "berbeda dengan yang tercatat di NIK"), ("31-02-1990", "tidak ada di kalender"),
                        ("kemarin sore", "belum bisa saya baca"), ("17-08-2030", "masa depan")]:
        user.send(bad)
        assert reason in user.reply().text, bad[:40]
    user.send("17 Agustus 1990")
    user.reply()
    for bad, reason in [("12345", "diawali 08"), ("0812", "kurang angka"), ("+1 555 123 4567", "luar negeri"),
                        ("0812 3456 789O", "Ada huruf"), ("0511 3301 234", "telepon rumah")]:
        user.send(bad)
        assert reason in user.reply().text, bad[:40]
    user.send("+62 812 3456 7890")
    assert "pekerjaan" in user.reply().text
    user.send("tukang parkir")  # typed instead of a button
    user.reply()
    user.send("Kalimantan Timur")
    user.reply()
    user.send("Samarinda")
    user.reply()
    user.send("banyak")
    assert "belum bisa saya baca" in user.reply().text
    user.send("2jt")
    assert "JKK+JKM adalah minimum" in user.reply().text
    user.press("JKK + JKM")
    user.reply()
    user.press("Tidak setuju")
    assert "Tanpa persetujuan" in user.events()[-1].text
    user.press("Saya setuju")
    review = user.reply().text
    assert "Samarinda, Kalimantan Timur" in review and "tukang parkir" in review and "Rp2.000.000" in review


def test_one_field_is_corrected_from_the_review_without_starting_over(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    enroll_until_review(user, nik_for(user_id))
    user.press("Ubah HP")
    assert "Nomor HP" in user.reply().text
    user.send("0813 1111 2222")
    review = user.reply().text
    assert "+6281311112222" in review and "Siti Aminah" in review and "Banjarmasin" in review
    user.press("Batal")
    assert "dibatalkan" in user.reply().text
    assert running_bot.scalar("SELECT count(*) FROM enrollment_applications WHERE user_id = :u", u=user_id) == 0
    assert running_bot.scalar("SELECT count(*) FROM flow_states WHERE user_id = :u", u=user_id) == 0


def test_back_goes_one_step_and_a_stale_button_changes_nothing(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/daftar")
    user.reply()
    user.send("Siti Aminah")
    user.reply()
    user.send(nik_for(user_id))
    user.reply()
    user.press("Kembali")
    assert "NIK" in user.reply().text
    user.press_data("e:prov:63")  # a province button while the bot asks for the NIK
    assert "langkah sebelumnya" in user.events()[-1].text
    assert running_bot.scalar("SELECT step FROM flow_states WHERE user_id = :u", u=user_id) == "nik"


def test_a_nik_already_applied_for_is_caught_and_the_answers_stay(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    first, second = (running_bot.sandbox.user(new_user_id()) for _ in range(2))
    nik = nik_for(first.id)
    enroll_until_review(first, nik)
    first.press("Kirim pendaftaran")
    first.replies()
    enroll_until_review(second, nik)
    second.press("Kirim pendaftaran")
    reply = second.reply()
    assert "sudah pernah didaftarkan" in reply.text and "175" in reply.text
    second.press("Ubah NIK")
    assert "NIK" in second.reply().text
    second.send(nik_for(second.id))
    review = second.reply().text
    assert "Periksa lagi data Anda" in review and "Siti Aminah" in review
    second.press("Kirim pendaftaran")
    assert any("Pendaftaran terkirim" in m.text for m in second.replies())


def test_the_admin_registers_and_rejects_and_the_worker_is_told(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    registered, rejected = (running_bot.sandbox.user(new_user_id()) for _ in range(2))
    for worker in (registered, rejected):
        enroll_until_review(worker, nik_for(worker.id))
        worker.press("Kirim pendaftaran")
        worker.replies()
    ids = {w.id: running_bot.scalar("SELECT id FROM enrollment_applications WHERE user_id = :u", u=w.id)
           for w in (registered, rejected)}
    outsider = running_bot.sandbox.user(new_user_id())
    outsider.send("/pendaftaran")
    refusal = outsider.reply()
    assert "hanya untuk admin" in refusal.text
    outsider.press_data(f"ap:reg:{ids[registered.id]}", refusal.message_id)  # a forged admin button
    assert "hanya untuk admin" in outsider.events()[-1].text
    assert running_bot.scalar("SELECT status FROM enrollment_applications WHERE id = :i",
                              i=ids[registered.id]) == "submitted"

    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/pendaftaran")
    listing = admin.replies()
    card = next(m for m in listing if f"#{ids[registered.id]}" in m.text)
    assert "S*** A*****" in card.text and nik_for(registered.id) not in card.text
    admin.press("Terdaftar", card)
    assert "nomor KPJ" in admin.reply().text
    admin.send("bukan angka")
    assert "hanya berisi angka" in admin.reply().text
    admin.send("2601 2345 678")
    assert "ditandai terdaftar" in admin.reply().text
    assert any("26012345678" in m.text and "Selamat" in m.text for m in registered.replies())

    card = next(m for m in listing if f"#{ids[rejected.id]}" in m.text)
    admin.press("Tolak", card)
    admin.reply()
    admin.send("Foto KTP tidak terbaca, mohon kirim ulang")
    assert "ditandai ditolak" in admin.reply().text
    assert any("Foto KTP tidak terbaca" in m.text for m in rejected.replies())
    admin.press("Tolak", card)  # decided already: nothing changes
    assert "sudah diputuskan" in admin.events()[-1].text
    assert running_bot.rows("SELECT status, kpj_number FROM enrollment_applications WHERE id = :i",
                            i=ids[registered.id]) == [("registered", "26012345678")]
    assert running_bot.scalar("SELECT count(*) FROM audit_log WHERE action = 'application.registered' "
                              "AND subject = :s", s=f"application:{ids[registered.id]}") == 1


def test_my_data_is_shown_masked_and_deleted_on_request(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    nik = nik_for(user_id)
    enroll_until_review(user, nik)
    user.press("Kirim pendaftaran")
    user.replies()
    user.send("/datasaya")
    shown = user.reply().text
    assert "S*** A*****" in shown and "63************" in shown and nik not in shown and "3456" not in shown
    user.send("/hapusdata")
    assert "Hapus semua data" in user.reply().text
    user.press("Tidak jadi")
    assert "tidak diubah" in user.reply().text
    assert running_bot.scalar("SELECT count(*) FROM enrollment_applications WHERE user_id = :u", u=user_id) == 1
    user.send("/hapusdata")
    user.reply()
    user.press("Ya, hapus semua")
    assert "sudah dihapus: 1 pendaftaran" in user.reply().text
    assert running_bot.scalar("SELECT count(*) FROM enrollment_applications WHERE user_id = :u", u=user_id) == 0
    assert running_bot.scalar("SELECT count(*) FROM users WHERE telegram_id = :u", u=user_id) == 0
    user.send("/datasaya")
    assert "tidak ada data lain" in user.reply().text


def test_starting_something_else_mid_enrollment_asks_before_dropping_the_answers(running_bot: RunningBot,
                                                                                 user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/daftar")
    user.reply()
    user.send("Siti Aminah")
    user.reply()
    user.send("/iuran")
    question = user.reply()
    assert "belum selesai mengisi pendaftaran" in question.text
    user.press("Lanjutkan", question)
    assert "NIK" in user.reply().text  # where they were: the name is kept
    user.send(nik_for(user_id))
    assert "Tanggal lahir" in user.reply().text
    user.send("/sponsor")
    assert "belum selesai mengisi pendaftaran" in user.reply().text
    user.press("mulai yang baru")
    assert "Berapa pekerja" in user.replies()[-1].text
    assert running_bot.scalar("SELECT flow FROM flow_states WHERE user_id = :u", u=user_id) == "pledge"


def test_a_nik_typed_outside_any_flow_is_neither_kept_nor_forwarded(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send(f"tolong cek nik saya {nik_for(user_id)}")
    assert "tidak kami simpan" in user.reply().text
    assert running_bot.scalar("SELECT count(*) FROM support_tickets WHERE user_id = :u", u=user_id) == 0


def test_places_dates_and_incomes_are_read_as_people_write_them(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/daftar")
    user.reply()
    user.send("Rahmat Hidayat")
    user.reply()
    user.send(nik_for(user_id))
    user.reply()
    user.send("17 agustus 90")  # a two-digit year
    assert "Nomor HP" in user.reply().text
    user.send("0812 3456 7890")
    user.reply()
    user.press("Marbot")
    assert "Kota Banjarmasin, Kalimantan Selatan" in user.reply().text  # where the NIK was issued
    user.press("Daerah lain")
    assert "provinsi" in user.reply().text
    user.send("kalsel")
    asked = user.reply()
    assert "Kalimantan Selatan" in asked.text and "Kota Banjarbaru" in asked.button_labels
    user.send("samarinda")  # a city of another province: refused, naming where it is
    refused = user.reply()
    assert "Kota Samarinda ada di Kalimantan Timur" in refused.text
    assert any("Kota Samarinda" in label for label in refused.button_labels)
    user.send("🙂")
    assert "dengan huruf" in user.reply().text
    user.send("bjb")
    assert "penghasilan" in user.reply().text
    user.send("700rb")
    user.reply()
    user.press("JKK + JKM")
    user.reply()
    user.press("Saya setuju")
    review = user.reply().text
    assert "17 Agustus 1990" in review and "Kota Banjarbaru, Kalimantan Selatan" in review
    assert "Rp700.000" in review and "dihitung dari Rp1.000.000" in review and "Rp16.800" not in review.split("Iuran")[0]
    user.press("Kirim pendaftaran")
    user.replies()
    stored = running_bot.rows("SELECT province, province_code, regency, regency_code, income FROM "
                              "enrollment_applications WHERE user_id = :u", u=user_id)
    assert [tuple(row) for row in stored] == [("Kalimantan Selatan", "63", "Kota Banjarbaru", "63.72", 700_000)]
    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/ekspor pendaftaran baru")
    document = next(m for m in admin.replies() if m.kind == "document")
    assert document.file_name.startswith("lindungi-pendaftaran-diajukan-")
    rows = list(csv.DictReader(io.StringIO(document.file_bytes.decode("utf-8-sig"))))
    mine = [r for r in rows if r["nama_sesuai_ktp"] == "Rahmat Hidayat"]
    assert [(r["status"], r["kode_provinsi"], r["kabupaten_kota"], r["kode_kabupaten_kota"]) for r in mine] == [
        ("diajukan", "63", "Kota Banjarbaru", "6372")]
