"""Infrastructure: the async database (database.py; SQLite through sqlite_driver.py, or PostgreSQL), Alembic run
from code (migrations.py), the aiohttp Bot API transport, message pacing and flood-limit retries, per-user update
order, and where DATA_KEY comes from.

Imports only bot.core (telegram and sqlalchemy are its business). Start with database.py.
"""
