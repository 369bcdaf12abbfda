"""The first conversation, through the real bot process and the local Bot API stand-in."""

from __future__ import annotations

import pytest

from bot.infra.database import Database
from models.user import get_user
from tests.support.databases import run_sync
from tests.support.running_bot import RunningBot

pytestmark = pytest.mark.e2e

MENU_LABELS_ID = ["Tanya program", "Hitung iuran", "Jadi sponsor", "Daftar sebagai pekerja", "Pengingat", "Bahasa"]


def stored_user(url: str, user_id: int):  # noqa: ANN201
    async def read():  # noqa: ANN202
        database = Database(url)
        try:
            async with database.session() as session:
                return await get_user(session, user_id)
        finally:
            await database.dispose()

    return run_sync(read)


def test_start_greets_in_indonesian_and_offers_the_main_menu(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id, first_name="Siti")
    user.send("/start")
    replies = user.replies()

    assert "Halo, Siti!" in replies[0].text
    assert "BPJS Ketenagakerjaan" in replies[0].text
    menu = replies[-1]
    for label in MENU_LABELS_ID:
        assert any(label in button for button in menu.button_labels), label
    row = stored_user(running_bot.database_url, user_id)
    assert row is not None and row.first_name == "Siti" and row.language == "id"
    assert row.created_at.tzinfo is not None


def test_name_with_markup_is_shown_as_typed_not_interpreted(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id, first_name="<b>Budi</b> & co")
    user.send("/start")
    # The stand-in refuses malformed HTML exactly like Telegram, so an unescaped name would fail here.
    assert "Halo, <b>Budi</b> & co!" in user.replies()[0].text


@pytest.mark.parametrize("item, opens", [("Daftar sebagai pekerja", "persis seperti di KTP"),
                                         ("Jadi sponsor", "Berapa pekerja"), ("Pengingat", "Pengingat bayar iuran"),
                                         ("Hitung iuran", "Apa pekerjaan Anda"), ("Tanya program", "topik")])
def test_every_menu_item_opens_its_feature(running_bot: RunningBot, new_user_id, item: str,  # noqa: ANN001
                                                      opens: str) -> None:
    user = running_bot.sandbox.user(new_user_id())
    user.send("/start")
    user.replies()
    user.press(item)
    assert opens in user.replies()[-1].text


def test_help_lists_the_commands(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/help")
    text = user.reply().text
    for command in ("/start", "/help", "/bahasa"):
        assert command in text


def test_command_list_is_registered_with_telegram_in_both_languages(running_bot: RunningBot) -> None:
    calls = running_bot.sandbox.calls_to("setMyCommands")
    by_language = {str(c.params.get("language_code") or "id"): c.params["commands"] for c in calls
                   if c.status == 200}
    assert {"id", "en"} <= by_language.keys()
    assert {c["command"] for c in by_language["id"]} >= {"start", "help", "bahasa"}
    assert by_language["en"][0]["description"] != by_language["id"][0]["description"]


def test_language_switch_is_remembered(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/bahasa")
    user.reply()
    user.press("English")
    replies = user.replies()
    assert any("I will use English" in m.text for m in replies)
    assert "Work out contributions" in " ".join(replies[-1].button_labels)

    user.send("/start")
    assert "Hello" in user.replies()[0].text
    assert stored_user(running_bot.database_url, user_id).language == "en"

    user.send("/bahasa")
    user.reply()
    user.press("Bahasa Indonesia")
    assert any("Bahasa Indonesia" in m.text for m in user.replies())
    user.send("/help")
    assert "Perintah yang tersedia" in user.reply().text


def test_a_user_who_blocks_the_bot_is_marked_blocked_and_unmarked_on_return(
        running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/start")
    user.replies()
    running_bot.sandbox.call(running_bot.sandbox.sandbox.block(user_id))
    _wait_for(lambda: stored_user(running_bot.database_url, user_id).is_blocked)

    running_bot.sandbox.call(running_bot.sandbox.sandbox.unblock(user_id))
    _wait_for(lambda: not stored_user(running_bot.database_url, user_id).is_blocked)


def test_forged_or_stale_buttons_change_nothing_and_say_so(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("/start")
    user.replies()
    for data in ("pledge:cancel:1", "lang:fr", "m:admin", "x" * 64):
        user.press_data(data)
        events = user.events()
        assert [e.kind for e in events] == ["answer"], data
        assert "tidak berlaku" in events[0].text
    assert stored_user(running_bot.database_url, user_id).language == "id"


def test_free_text_long_text_and_stickers_get_a_friendly_reply(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id)
    user.send("asdf qwerty zxcv")
    assert "belum paham" in user.reply().text
    user.send("a" * 5000)
    assert "terlalu panjang" in user.reply().text
    user.send(None, extra={"sticker": {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512,
                                       "is_animated": False, "is_video": False, "type": "regular"}})
    assert "hanya bisa membaca pesan teks" in user.reply().text
    user.send("/tidakada")
    assert "/help" in user.reply().text


def test_in_a_group_the_bot_asks_for_a_private_chat(running_bot: RunningBot, user_id: int) -> None:
    box = running_bot.sandbox
    group_id = -(user_id)
    box.run(lambda: box.sandbox.ensure_group(group_id))
    box.call(box.sandbox.user_message(user_id, "/start", chat_id=group_id))
    events = box.call(box.sandbox.wait_for_events(group_id, 0, 10))
    assert "chat pribadi" in events[0].message.text
    box.call(box.sandbox.user_message(user_id, "halo semua", chat_id=group_id))
    assert not box.call(box.sandbox.wait_for_events(group_id, events[-1].seq, 1.0))


def test_an_error_is_apologised_for_without_leaking_personal_data(running_bot: RunningBot, user_id: int) -> None:
    user = running_bot.sandbox.user(user_id, first_name="Rahasia Namaku")
    running_bot.sandbox.fail("sendMessage", 400, chat_id=user_id,
                             description="Bad Request: something unexpected")
    user.send("/start rahasia-pesanku")
    replies = user.replies()
    assert any("terjadi kesalahan" in m.text for m in replies)
    log = running_bot.process.log()
    assert "BadRequest" in log
    for secret in ("Rahasia Namaku", "rahasia-pesanku", str(user_id), "TEST-token"):
        assert secret not in log


def _wait_for(condition, timeout: float = 10) -> None:  # noqa: ANN001
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached")
