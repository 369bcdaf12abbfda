"""/datasaya: what the bot keeps about a person, masked, in their language (my_data.py).

Domain layer: imports bot.core and other domain packages only; the stored data comes from models.personal_data.
"""
