"""What workers pay, without Telegram: informal workers' (BPU) contributions and discounts (rules.py), wage
earners' shares (wages.py), occupations offered as buttons, and the "Hitung iuran" conversation (quote_flow.py).

Domain layer: imports bot.core and other domain packages only. Start with rules.py.
"""
