"""`python -m bot db ...`, and preparing the database (migrations to head) before any command uses it."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.engine import make_url

from bot.core.settings import Settings


def describe_database(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def prepare_database(settings: Settings) -> int:
    from bot.infra import migrations as migrate

    try:
        migrate.upgrade(settings.database_url)
    except Exception as error:  # noqa: BLE001 - any failure here is reported as one line
        print(f"Cannot prepare the database at {describe_database(settings.database_url)}: "
              f"{type(error).__name__}. Check DATABASE_URL and that the server is running.", file=sys.stderr)
        return 1
    return 0


def run_db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.infra import migrations as migrate

    where = describe_database(settings.database_url)
    try:
        if args.db_command == "upgrade":
            migrate.upgrade(settings.database_url, args.revision)
            print(f"Database at {where} is at revision {args.revision}.")
        elif args.db_command == "downgrade":
            migrate.downgrade(settings.database_url, args.revision)
            print(f"Database at {where} downgraded to {args.revision}.")
        elif args.db_command == "current":
            print(asyncio.run(migrate.current_async(settings.database_url)) or "(empty database)")
        elif args.db_command == "revision":
            migrate.revision(settings.database_url, args.message)
    except Exception as error:  # noqa: BLE001
        print(f"Database command failed at {where}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0
