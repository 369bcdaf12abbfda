"""A bare python-telegram-bot echo bot: the yardstick for benchmarks/load_bench.py.

Same library, same transport settings and the same concurrency as the real bot (256 updates at a time), but no
database, no rules and no texts: it echoes text back and answers button presses. Reads BOT_TOKEN and
TELEGRAM_BASE_URL from the environment; stops on SIGTERM.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "?")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()


def main() -> None:
    base = os.environ.get("TELEGRAM_BASE_URL", "https://api.telegram.org").rstrip("/")
    if os.environ.get("HTTP_CLIENT", "httpx") == "aiohttp":
        from bot.infra.transport import AiohttpRequest

        requests = AiohttpRequest(connection_pool_size=64), AiohttpRequest(connection_pool_size=2, read_timeout=40)
    else:  # PTB's default: the bare library, as most bots run it
        requests = HTTPXRequest(connection_pool_size=64), HTTPXRequest(connection_pool_size=2, read_timeout=40)
    application = (ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(f"{base}/bot")
                   .request(requests[0]).get_updates_request(requests[1])
                   .concurrent_updates(256).build())
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(poll_interval=0, timeout=10, drop_pending_updates=False)


if __name__ == "__main__":
    main()
