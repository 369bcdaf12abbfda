"""The worker's enrollment conversation ("Daftar sebagai pekerja", flow.py), without Telegram or tables; it prices
the review with bot.contributions.

Domain layer: imports bot.core and other domain packages only.
"""
