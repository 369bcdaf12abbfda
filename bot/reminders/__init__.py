"""Payment reminders' rules (rules.py): when each is due, quiet hours, what is still worth sending after downtime,
and the retry backoff. bot.jobs.reminder_sender sends them.

Domain layer: imports bot.core and other domain packages only.
"""
