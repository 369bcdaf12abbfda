"""Putting the bot together: the python-telegram-bot Application wired from settings (application.py), the bulk
side that sends reminders and broadcasts on a schedule through one paced budget (bulk_sending.py), the check
every process makes that its DATA_KEY is the database's (data_key_check.py), and the `python -m bot` commands that
work without receiving updates (commands/, among them rotate_key.py).

May import every layer up to handlers; bot.devtools and bot.cli start it. Start with application.py.
"""
