"""/datasaya: what the bot keeps about a person, masked, in their language (my_data.py); which DATA_KEY may start
against which database, during and outside a key rotation (data_keys.py).

Domain layer: imports bot.core and other domain packages only; the stored data comes from models.personal_data.
"""
