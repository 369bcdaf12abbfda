"""The local Bot API stand-in speaks Telegram's shapes and refuses what Telegram refuses."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from bot.devtools.telegram_standin import BotApiSandbox, RateLimits, parse_html

TOKEN = "4242:sandbox-test-token-abcdefghijkl"


@pytest.fixture
async def sandbox() -> AsyncIterator[BotApiSandbox]:
    box = BotApiSandbox()
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
async def bot(sandbox: BotApiSandbox) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{sandbox.base_url}/bot", base_file_url=f"{sandbox.base_url}/file/bot") as b:
        yield b


async def test_python_telegram_bot_accepts_its_answers(sandbox: BotApiSandbox, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 4242 and me.is_bot and me.username
    sandbox.ensure_user(7, first_name="Ani")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
    sent = await bot.send_message(7, "<b>Halo</b> &amp; selamat", parse_mode=ParseMode.HTML, reply_markup=keyboard)
    assert sent.text == "Halo & selamat" and sent.chat.id == 7
    edited = await bot.edit_message_text("Sudah", chat_id=7, message_id=sent.message_id)
    assert edited.text == "Sudah"
    photo = await bot.send_photo(7, io.BytesIO(b"\x89PNG fake"), caption="grafik")
    assert photo.photo and photo.caption == "grafik"
    document = await bot.send_document(7, io.BytesIO(b"a,b\n1,2\n"), filename="ekspor.csv")
    assert document.document.file_name == "ekspor.csv"
    assert sandbox.messages[(7, document.message_id)].file_bytes == b"a,b\n1,2\n"
    assert await bot.delete_message(7, sent.message_id)


async def test_updates_arrive_by_long_polling_and_are_confirmed_by_offset(sandbox: BotApiSandbox, bot: Bot) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    message = await sandbox.user_message(8, "/start")
    updates = await waiting
    assert updates[0].message.text == "/start" and updates[0].message.entities[0].type == "bot_command"
    query_id = await sandbox.press(8, message.message_id, "m:faq")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
    assert updates[0].callback_query.data == "m:faq"
    assert await bot.answer_callback_query(query_id, "ok")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id, "again")
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_a_second_poller_gets_telegrams_conflict(sandbox: BotApiSandbox, bot: Bot) -> None:
    async with Bot(TOKEN, base_url=f"{sandbox.base_url}/bot") as other_instance:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(other_instance.get_updates(timeout=1))
        with pytest.raises(Conflict):
            await first
        assert await second == ()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", "parse entities"),
        ("<script>x</script>", "unsupported start tag"),
        ("1 < 2", "parse entities"),
        ("Tom & Jerry", "must be escaped"),
        ("", "message text is empty"),
        ("x" * 4097, "message is too long"),
    ],
)
async def test_malformed_messages_are_refused_like_telegram(sandbox: BotApiSandbox, bot: Bot, text: str,
                                                            error: str) -> None:
    sandbox.ensure_user(9)
    with pytest.raises(BadRequest, match="(?i)" + re.escape(error)):
        await bot.send_message(9, text, parse_mode=ParseMode.HTML)
    assert error.lower() in sandbox.calls[-1].description.lower()


async def test_edits_buttons_and_chats_are_checked(sandbox: BotApiSandbox, bot: Bot) -> None:
    sandbox.ensure_user(10)
    sent = await bot.send_message(10, "Halo")
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Halo", chat_id=10, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=10, message_id=999)
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(10, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("a", callback_data="d" * 65)]]))
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(11, "nobody here")


async def test_blocked_users_and_injected_failures(sandbox: BotApiSandbox, bot: Bot) -> None:
    sandbox.ensure_user(12)
    await sandbox.block(12)
    with pytest.raises(Forbidden, match="(?i)blocked"):
        await bot.send_message(12, "x")
    updates = await bot.get_updates(timeout=0)
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"

    sandbox.ensure_user(13)
    sandbox.fail("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(13, "x")
    assert caught.value.retry_after in (7, timedelta(seconds=7))
    assert (await bot.send_message(13, "x")).text == "x"  # only the next call failed


async def test_unknown_tokens_are_unauthorised(sandbox: BotApiSandbox) -> None:
    sandbox.rejected_tokens.add(TOKEN)
    with pytest.raises(InvalidToken):
        async with Bot(TOKEN, base_url=f"{sandbox.base_url}/bot"):
            pass


async def test_rate_limits_answer_429_when_enforced() -> None:
    # The stand-in's clock stands still: the limits count calls, whatever else keeps this machine busy.
    box = BotApiSandbox(limits=RateLimits(global_per_second=30, per_chat_per_second=1), clock=lambda: 0.0)
    await box.start()
    try:
        async with Bot(TOKEN, base_url=f"{box.base_url}/bot") as bot:
            for user in range(1, 41):
                box.ensure_user(user)
            # 1/s per chat: a second message to the same chat at once is refused.
            await bot.send_message(1, "a")
            with pytest.raises(RetryAfter):
                await bot.send_message(1, "b")
            # 30/s overall: a burst of 40 different chats gets some 429s.
            results = await asyncio.gather(*(bot.send_message(u, "c") for u in range(2, 41)),
                                           return_exceptions=True)
            refused = [r for r in results if isinstance(r, RetryAfter)]
            assert len(refused) == 39 - 29  # 30 a second, one of them already used by the first message
            assert box.too_many_requests == len(refused) + 1
    finally:
        await box.stop()


def test_plain_text_of_telegram_html() -> None:
    assert parse_html('<a href="https://x.id">tautan</a> &lt;3') == "tautan <3"
