"""Reminders through the real bot process and the stand-in: planned when a pledge is made, delivered with buttons,
"Sudah bayar" records the payment and stops the month, "Ingatkan besok", "Berhenti pengingat", forged buttons,
/pengingat settings, and admins' /status.

A reminder is made due by moving its time to now in the database, and the sponsor's time zone is set to one where
it is midday, so the test does not depend on the hour it runs at (quiet hours are tested with a frozen clock in
tests/models/test_reminder_store.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core.calendar import add_months, due_date, months_from_to
from tests.support.e2e_steps import enroll_through_invitation, make_pledge, midday_zone, pledge_id_of
from tests.support.running_bot import ADMIN_ID, RunningBot
from tests.support.sim_user import SimUser

pytestmark = pytest.mark.e2e


def make_reminder_due(bot: RunningBot, sponsor: SimUser) -> int:
    """The earliest planned reminder of the sponsor's, due now; returns its id."""
    bot.execute("UPDATE users SET timezone = :tz WHERE telegram_id = :u", tz=midday_zone(), u=sponsor.id)
    reminder_id = bot.scalar("SELECT id FROM reminders WHERE recipient_id = :u AND status = 'pending' "
                             "ORDER BY due_at, id", u=sponsor.id)
    assert reminder_id is not None, "no reminder was planned for the pledge"
    now = datetime.now(timezone.utc) - timedelta(seconds=5)
    bot.execute("UPDATE reminders SET due_at = :now WHERE id = :i", now=now, i=reminder_id)
    return int(reminder_id)


def wait_for_reminder(sponsor: SimUser):  # noqa: ANN201
    for _ in range(3):
        for message in sponsor.replies(timeout=10):
            if "Pengingat iuran" in message.text or "batas bayar" in message.text or "belum tercatat" in message.text:
                return message
    raise AssertionError("no reminder arrived")


def test_a_pledge_gets_reminders_and_sudah_bayar_records_the_month(running_bot: RunningBot, user_id: int) -> None:
    sponsor = running_bot.sandbox.user(user_id, first_name="Rahmat")
    make_pledge(sponsor)
    pledge_id = pledge_id_of(running_bot, user_id)
    planned = running_bot.rows("SELECT kind, status FROM reminders WHERE recipient_id = :u", u=user_id)
    assert planned and {status for _, status in planned} == {"pending"}
    reminder_id = make_reminder_due(running_bot, sponsor)
    message = wait_for_reminder(sponsor)
    assert f"janji #{pledge_id}" in message.text and "A**** F****" in message.text
    assert message.button_labels == ["✅ Sudah bayar", "⏰ Ingatkan besok", "🔕 Berhenti pengingat"]
    assert running_bot.scalar("SELECT status FROM reminders WHERE id = :i", i=reminder_id) == "sent"
    month_id = running_bot.scalar("SELECT subject_id FROM reminders WHERE id = :i", i=reminder_id)

    outsider = running_bot.sandbox.user(user_id + 500_000)
    outsider.send("/start")
    outsider.replies()
    outsider.press_data(f"r:paid:{reminder_id}")
    assert "bukan untuk Anda" in outsider.events()[-1].text
    assert running_bot.scalar("SELECT status FROM pledge_months WHERE id = :m", m=month_id) == "due"

    sponsor.press("Sudah bayar", message)
    assert "Tercatat" in sponsor.reply().text
    assert running_bot.scalar("SELECT status FROM pledge_months WHERE id = :m", m=month_id) == "paid"
    assert running_bot.scalar("SELECT count(*) FROM pledge_payments WHERE pledge_id = :p", p=pledge_id) == 1
    left = running_bot.rows("SELECT status FROM reminders WHERE subject_id = :m AND subject = 'pledge_month' "
                            "AND id <> :i", m=month_id, i=reminder_id)
    assert left and {s for (s,) in left} == {"cancelled"}
    sponsor.press_data(f"r:paid:{reminder_id}", message.message_id)  # pressed again
    assert "sudah tercatat dibayar" in sponsor.events()[-1].text
    assert running_bot.scalar("SELECT count(*) FROM pledge_payments WHERE pledge_id = :p", p=pledge_id) == 1


def test_remind_tomorrow_and_stop(running_bot: RunningBot, user_id: int) -> None:
    sponsor = running_bot.sandbox.user(user_id, first_name="Rahmat")
    make_pledge(sponsor)
    reminder_id = make_reminder_due(running_bot, sponsor)
    message = wait_for_reminder(sponsor)
    sponsor.press("Ingatkan besok", message)
    assert "besok" in sponsor.events()[-1].text
    status, due_at = running_bot.rows("SELECT status, due_at FROM reminders WHERE id = :i", i=reminder_id)[0]
    assert status == "pending"
    due = due_at if isinstance(due_at, datetime) else datetime.fromisoformat(str(due_at))
    due = due if due.tzinfo else due.replace(tzinfo=timezone.utc)
    assert timedelta(hours=12) < due - datetime.now(timezone.utc) < timedelta(hours=48)

    sponsor.press("Berhenti pengingat", message)
    assert "dihentikan" in sponsor.reply().text
    assert running_bot.scalar("SELECT reminders_off FROM pledges WHERE sponsor_id = :u", u=user_id) in (True, 1)
    assert running_bot.scalar("SELECT count(*) FROM reminders WHERE recipient_id = :u AND status = 'pending'",
                              u=user_id) == 0


def test_settings_change_the_hour_and_admins_see_the_status(running_bot: RunningBot, user_id: int) -> None:
    sponsor = running_bot.sandbox.user(user_id, first_name="Rahmat")
    make_pledge(sponsor)
    sponsor.send("/pengingat")
    card = sponsor.reply()
    assert "Pengingat bayar iuran" in card.text and "09.00" in card.text and "Janji sponsor aktif: 1" in card.text
    sponsor.press("16.00", card)
    assert "16.00" in sponsor.reply().text
    hours = running_bot.rows("SELECT due_at FROM reminders WHERE recipient_id = :u AND status = 'pending'",
                             u=user_id)
    assert hours, "reminders were planned again"
    for (due_at,) in hours:  # 16:00 WITA is 08:00 UTC
        text = str(due_at)
        assert " 08:00:00" in text or "T08:00:00" in text, text

    sponsor.send("/status")
    assert "hanya untuk admin" in sponsor.reply().text
    admin = running_bot.sandbox.user(ADMIN_ID, first_name="Admin")
    admin.send("/status")
    status = admin.reply().text
    assert "Status pengingat" in status and "Menunggu dikirim" in status and "Penjadwal di proses ini: menyala" in status
    # A reminder our own error parked (here: made to look so) is shown with its reason, for the admin to act on.
    running_bot.execute("UPDATE reminders SET status = 'parked', last_error = 'internal:DataKeyError' "
                        "WHERE recipient_id = :u", u=user_id)
    admin.send("/status")
    status = admin.reply().text
    assert "Ditahan karena kesalahan sistem: " in status and "internal:DataKeyError: " in status


def test_a_pledge_that_ends_offers_renewal_and_its_worker_is_told(running_bot: RunningBot,
                                                                  new_user_id) -> None:  # noqa: ANN001
    sponsor = running_bot.sandbox.user(new_user_id(), first_name="Rahmat")
    _, payloads = make_pledge(sponsor)  # three months
    pledge_id = pledge_id_of(running_bot, sponsor.id)
    # Two months on: the pledge's months are moved back so that its last month is next month.
    next_month = add_months(datetime.now(ZoneInfo("Asia/Makassar")).date().replace(day=1), 1)
    months = [(month_id, date.fromisoformat(str(month))) for month_id, month in running_bot.rows(
        "SELECT id, month FROM pledge_months WHERE pledge_id = :p ORDER BY month", p=pledge_id)]  # text on SQLite
    assert len(months) == 3
    shift = months_from_to(months[-1][1], next_month) - 1
    for month_id, month in months:
        moved = add_months(month, shift)
        running_bot.execute("UPDATE pledge_months SET month = :m, due_date = :d WHERE id = :i", m=moved,
                            d=due_date(moved), i=month_id)
    running_bot.execute("UPDATE pledges SET first_month = :m WHERE id = :p", m=add_months(months[0][1], shift),
                        p=pledge_id)
    worker = running_bot.sandbox.user(new_user_id())
    enroll_through_invitation(worker, payloads[0], share=False)
    worker.press("Kirim pendaftaran")
    worker.replies()
    sponsor.send("/pengingat")  # any change of settings plans the sponsor's reminders again, as the hourly run would
    sponsor.press("12.00", sponsor.reply())
    sponsor.replies()
    planned = running_bot.rows("SELECT recipient_id, subject FROM reminders WHERE subject IN ('pledge_end', "
                               "'handover') AND status = 'pending' AND (recipient_id = :s OR recipient_id = :w)",
                               s=sponsor.id, w=worker.id)
    assert sorted(tuple(row) for row in planned) == sorted([(sponsor.id, "pledge_end"), (worker.id, "handover")])

    # The offer reaches the sponsor; one tap renews for the same length.
    for person in (sponsor, worker):
        running_bot.execute("UPDATE users SET timezone = :tz WHERE telegram_id = :u", tz=midday_zone(), u=person.id)
    now = datetime.now(timezone.utc) - timedelta(seconds=5)
    running_bot.execute("UPDATE reminders SET due_at = :now WHERE subject = 'handover' AND recipient_id = :w",
                        now=now, w=worker.id)
    handover = next(m for _ in range(3) for m in worker.replies(timeout=10) if "ditanggung sponsor sampai" in m.text)
    assert "Mulai" in handover.text and "per bulan" in handover.text
    assert handover.button_labels == ["⏰ Ingatkan saya tiap bulan", "🧮 Hitung iuran saya"]
    running_bot.execute("UPDATE reminders SET due_at = :now WHERE subject = 'pledge_end' AND recipient_id = :s",
                        now=now, s=sponsor.id)
    offer = next(m for _ in range(3) for m in sponsor.replies(timeout=10) if "Perpanjang" in m.text)
    assert f"Janji #{pledge_id} berakhir" in offer.text and "A**** F****" in offer.text
    sponsor.press("Perpanjang 3 bulan", offer)
    assert any("diperpanjang" in m.text for m in sponsor.replies())
    assert running_bot.scalar("SELECT months FROM pledges WHERE id = :p", p=pledge_id) == 6
    sponsor.press_data(f"j:ext:{pledge_id}:3:3", offer.message_id)  # the offer again: renews nothing more
    assert running_bot.scalar("SELECT months FROM pledges WHERE id = :p", p=pledge_id) == 6
