"""Charts through the Telegram stand-in: /statistik and the statistik answer send pictures (sendPhoto) with their
sources, a picture Telegram already has is re-sent by file_id, and /dashboard is for admins only."""

from __future__ import annotations

import struct

import pytest

from bot.devtools.telegram_standin import ChatMessage
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot

pytestmark = pytest.mark.e2e


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def photos(messages: list[ChatMessage]) -> list[ChatMessage]:
    return [m for m in messages if m.kind == "photo"]


def test_statistik_sends_coverage_and_claims_pictures_with_dates_and_sources(running_bot: RunningBot,
                                                                            user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/statistik")
    sent = photos(user.replies(timeout=30, settle=1.0))
    assert len(sent) == 2
    coverage, claims = sent
    assert png_size(coverage.file_bytes)[0] == 1080 and png_size(claims.file_bytes)[0] == 1080
    assert "41,30%" in coverage.caption and "3.302.762 dari 7.996.826" in coverage.caption
    assert "4.694.064" in coverage.caption and "2 Februari 2026" in coverage.caption
    assert "Sumber:" in coverage.caption and "idntimes" in coverage.caption
    assert "Rp1 triliun" in claims.caption and "JHT (hari tua), Rp786 miliar" in claims.caption
    assert any("Jadi sponsor" in label for label in claims.button_labels)
    assert any(c.params.get("action") == "upload_photo" for c in running_bot.sandbox.calls_to("sendChatAction"))


def test_a_picture_telegram_has_is_sent_again_by_file_id(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    first = running_bot.sandbox.user(new_user_id())
    first.send("/statistik")
    assert len(photos(first.replies(timeout=30, settle=1.0))) == 2
    second = running_bot.sandbox.user(new_user_id())
    second.send("/statistik")
    again = photos(second.replies(timeout=30, settle=1.0))
    assert len(again) == 2
    assert all(m.file_bytes == b"" and m.file_name.startswith("photo-") for m in again)  # a file_id, no upload
    assert "41,30%" in again[0].caption


def test_english_users_get_english_labels_and_number_formatting(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id, language_code="en")
    user.send("/bahasa")
    user.reply()
    user.press("English")
    user.replies()
    user.send("/statistik")
    coverage = photos(user.replies(timeout=30, settle=1.0))[0]
    assert "41.30%" in coverage.caption and "3,302,762 of 7,996,826" in coverage.caption
    assert "2 February 2026" in coverage.caption


def test_the_statistik_answer_is_followed_by_its_picture(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("berapa persen pekerja di kalimantan yang sudah terlindungi bpjs ketenagakerjaan")
    replies = user.replies(timeout=30, settle=1.0)
    assert "41,30%" in replies[0].text  # the answer first, as text, with its buttons
    assert [m.kind for m in replies[1:]] == ["photo"] and "Sumber:" in replies[1].caption


def test_dashboard_is_refused_to_non_admins_and_logged(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/dashboard")
    reply = user.reply()
    assert "hanya untuk admin" in reply.text and reply.kind == "text"
    assert running_bot.scalar("SELECT count(*) FROM audit_log WHERE actor_id = :u AND action = 'refused' "
                              "AND subject = '/dashboard'", u=user_id) == 1


def test_dashboard_shows_the_tables_figures_and_is_redrawn_only_when_they_change(running_bot: RunningBot) -> None:
    admin = running_bot.sandbox.user(ADMIN_ID)
    running_bot.execute(
        "INSERT INTO pledges (sponsor_id, status, months, first_month, programs, worker_count, created_at, "
        "reminders_off) VALUES (777001, 'active', 3, '2026-12-01', 'jkk,jkm', 2, CURRENT_TIMESTAMP, false)")
    pledges, workers = running_bot.rows(
        "SELECT count(*), sum(worker_count) FROM pledges WHERE status = 'active'")[0]
    admin.send("/dashboard")
    first = photos(admin.replies(timeout=30, settle=1.0))
    assert len(first) == 1 and png_size(first[0].file_bytes)[0] == 1080
    assert f"Janji aktif: {pledges}, untuk {workers} pekerja" in first[0].caption
    assert "Pendaftaran:" in first[0].caption and "12 minggu" in first[0].caption
    admin.send("/dashboard")  # nothing changed: the same picture, by file_id
    second = photos(admin.replies(timeout=30, settle=1.0))
    def without_time(caption: str) -> str:  # the summary's first line has the minute it was made
        return caption.split("\n", 1)[1]

    assert second[0].file_bytes == b"" and without_time(second[0].caption) == without_time(first[0].caption)
    running_bot.execute("UPDATE pledges SET worker_count = worker_count + 1 WHERE sponsor_id = 777001")
    admin.send("/dashboard")  # a figure changed: drawn and uploaded again
    third = photos(admin.replies(timeout=30, settle=1.0))
    assert third[0].file_bytes[:4] == b"\x89PNG" and f"untuk {workers + 1} pekerja" in third[0].caption
    assert running_bot.scalar("SELECT count(*) FROM audit_log WHERE actor_id = :a AND action = 'dashboard'",
                              a=ADMIN_ID) == 3
    assert not [m for m in running_bot.sandbox.run(
        lambda: list(running_bot.sandbox.sandbox.messages.values()))
        if m.chat_id == SUPPORT_CHAT_ID and m.kind == "photo"]
