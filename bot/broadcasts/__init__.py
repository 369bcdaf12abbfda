"""Composing an admin broadcast without Telegram (compose.py): URL buttons, the send time, the audience choices.
bot.jobs.broadcast_sender sends them.

Domain layer: imports bot.core and other domain packages only.
"""
