"""The aiohttp Bot API transport behaves like PTB's own: parameters and uploads arrive intact, Telegram's errors
become PTB's exceptions, a dead server is a NetworkError and a silent one a TimedOut."""

from __future__ import annotations

import asyncio
import base64
import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.devtools.telegram_standin import BotApiSandbox
from bot.infra.transport import AiohttpRequest, _proxy_for_origin
from tests.support.botproc import TEST_TOKEN

USER = 4242


async def test_messages_buttons_and_uploads_arrive_as_sent() -> None:
    sandbox = BotApiSandbox()
    await sandbox.start()
    sandbox.ensure_user(USER)
    bot = Bot(TEST_TOKEN, base_url=f"{sandbox.base_url}/bot", request=AiohttpRequest(),
              get_updates_request=AiohttpRequest(connection_pool_size=1))
    try:
        async with bot:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya ✅", callback_data="y:1")]])
            sent = await bot.send_message(USER, "<b>Halo</b> &amp; selamat 🌙", parse_mode="HTML", reply_markup=markup)
            stored = sandbox.messages[(USER, sent.message_id)]
            assert stored.text == "Halo & selamat 🌙" and stored.button_labels == ["Ya ✅"]
            photo = await bot.send_photo(USER, b"\x89PNG\r\n\x1a\nfake", caption="Grafik 41,30%",
                                         filename="chart.png")
            uploaded = sandbox.messages[(USER, photo.message_id)]
            assert uploaded.file_bytes == b"\x89PNG\r\n\x1a\nfake" and uploaded.caption == "Grafik 41,30%"
            with pytest.raises(BadRequest):
                await bot.send_message(USER, "<b>unclosed", parse_mode="HTML")  # Telegram's 400, as PTB raises it
            replies = await asyncio.gather(*(bot.send_message(USER, f"pesan {i}") for i in range(40)))
            assert len({m.message_id for m in replies}) == 40  # concurrent calls share the pool
    finally:
        await sandbox.stop()


async def test_an_unreachable_server_is_a_network_error_and_a_silent_one_times_out() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as refused:
            await request.post(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/getMe")
        assert not isinstance(refused.value, TimedOut)  # refused at once, not waited out
    finally:
        await request.shutdown()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()
        server.close()


async def test_the_proxy_from_the_environment_is_used_and_no_proxy_is_respected(monkeypatch) -> None:  # noqa: ANN001
    seen: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head)
        body = b'{"ok": true, "result": true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                     % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://kantor:rahasia@127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    _proxy_for_origin.cache_clear()
    request = AiohttpRequest(connect_timeout=2)
    await request.initialize()
    try:
        # A host that does not resolve: only the proxy can answer for it.
        assert await request.post(f"http://api.telegram.invalid/bot{TEST_TOKEN}/logOut") is True
        assert seen[0].startswith(b"POST http://api.telegram.invalid/bot")
        assert b"Proxy-Authorization: Basic " + base64.b64encode(b"kantor:rahasia") in seen[0]
        monkeypatch.setenv("NO_PROXY", "api.telegram.invalid")
        _proxy_for_origin.cache_clear()
        with pytest.raises(NetworkError):  # now asked directly, and nobody answers for that name
            await request.post(f"http://api.telegram.invalid/bot{TEST_TOKEN}/logOut")
        assert len(seen) == 1
        # A SOCKS proxy (aiohttp cannot use one) is ignored rather than spoken to as if it were HTTP: direct again.
        monkeypatch.delenv("NO_PROXY")
        monkeypatch.delenv("HTTP_PROXY")
        monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1")
        _proxy_for_origin.cache_clear()
        assert await request.post(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/logOut") is True
        assert seen[-1].startswith(b"POST /bot")  # origin-form: asked directly, not through a proxy
    finally:
        await request.shutdown()
        server.close()
        _proxy_for_origin.cache_clear()
