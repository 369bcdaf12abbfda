"""`python -m bot quote`: the monthly contribution of an informal worker, as JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.core.settings import Settings
from bot.runtime.commands.database import prepare_database


def run_quote(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from bot.contributions.rules import QuoteError, as_json, quote
    from bot.core.calendar import parse_month
    from bot.core.money import parse_rupiah

    def whole(value: str, name: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise QuoteError("bad_" + name, f"--{name} must be a whole number, not '{value}'") from None

    try:
        income = parse_rupiah(args.income)
        if income is None:
            raise QuoteError("bad_income", f"--income '{args.income}' is not an amount of rupiah")
        request = {"income": income, "programs": args.programs.split(","), "first_month": parse_month(args.period),
                   "months": whole(args.months, "months"), "workers": whole(args.workers, "workers"),
                   "transport": args.transport, "government_paid": args.government_paid}
        quote(**request)  # refuse bad arguments before touching the database
    except QuoteError as error:
        print(f"Cannot quote: {error}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    discounts = asyncio.run(_discount_rules(settings.database_url))
    print(json.dumps(as_json(quote(**request, discounts=discounts))))
    return 0


async def _discount_rules(database_url: str) -> list:
    from bot.infra.database import Database
    from models.discount import rules

    database = Database(database_url)
    try:
        async with database.session() as session:
            return await rules(session)
    finally:
        await database.dispose()
