"""A local stand-in for the Telegram Bot API, for end-to-end tests, benchmarks and the console.

The bot talks to it over real HTTP exactly as it talks to Telegram (`TELEGRAM_BASE_URL`). It answers
with Telegram's response shapes and Telegram's errors for the things bots get wrong (malformed HTML,
"message is not modified", over-long callback data, unknown chats, a second poller), records every call,
and can be told to fail: 429 with `retry_after`, 403 for a user who blocked the bot, or 5xx.

Its rooms: `server` (the HTTP application and control API), `methods` (the Bot API methods),
`faults_and_limits` (asked-for failures and flood limits), `user_driver` (simulated users), `state` (what it
remembers), `records` (calls, messages, events, errors) and `request_checks` (Telegram's HTML and keyboard rules).

Two ways to drive it: in the same event loop (`BotApiSandbox`, used by the console and in-process tests), or over
HTTP under `/sandbox/...` when it runs as its own process (`python -m bot sandbox`). Synchronous tests and
benchmarks run it on a thread through `tests/support/sim_user.py`.
"""

from bot.devtools.telegram_standin.faults_and_limits import RateLimits
from bot.devtools.telegram_standin.records import ApiCall, ApiError, BotEvent, ChatMessage, Fault
from bot.devtools.telegram_standin.request_checks import parse_html
from bot.devtools.telegram_standin.server import BotApiSandbox, serve_forever

__all__ = ["ApiCall", "ApiError", "BotApiSandbox", "BotEvent", "ChatMessage", "Fault", "RateLimits", "parse_html",
           "serve_forever"]
