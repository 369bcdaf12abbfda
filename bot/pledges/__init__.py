"""Sponsor pledges, without Telegram or tables: month prices, start dates and invitation tokens (rules.py), which
months a payment pays (payments.py), the "Jadi sponsor" and payment conversations, and how a pledge reads in /janji.

Domain layer: imports bot.core and other domain packages only; models.pledge stores what these decide.
Start with rules.py.
"""
