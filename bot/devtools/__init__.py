"""Tools for running the bot without Telegram: a local stand-in for the Bot API (telegram_standin, used by the
console, the end-to-end tests and the benchmarks) and a terminal chat with the real bot (console.py).

May import bot.runtime and the layers below; the stand-in imports nothing of the project, so it fakes Telegram
for any bot. Start with console.py.
"""
