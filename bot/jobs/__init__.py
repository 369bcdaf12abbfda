"""Scheduled work: the APScheduler wiring (scheduler.py) and what it runs, planning and sending payment reminders
(reminder_sender.py) and admin broadcasts (broadcast_sender.py), paced so chat replies go first.

Imports bot.core, the domain packages, bot.infra and models (telegram allowed); never handlers or bot.runtime.
Start with scheduler.py.
"""
