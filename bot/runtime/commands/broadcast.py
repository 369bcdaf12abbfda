"""`python -m bot broadcast`: queue, list, pause, resume or cancel announcements; a running bot or worker sends them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.core.settings import Settings
from bot.runtime.commands.database import prepare_database


def run_broadcast(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from bot.broadcasts.compose import parse_buttons, parse_send_time
    from bot.infra.database import Database
    from models import broadcast as table

    if (code := prepare_database(settings)) != 0:
        return code

    async def act() -> int:
        database = Database(settings.database_url)
        try:
            if args.list:
                async with database.session() as session:
                    for item in await table.recent(session, 20):
                        f = await table.figures(session, item.id)
                        print(f"#{item.id} {item.status} {item.audience_spec} sent {f.sent}/{f.recipients} "
                              f"failed {f.failed} blocked {f.blocked} skipped {f.skipped}")
                return 0
            for action, status in (("pause", table.PAUSED), ("resume", table.SENDING), ("cancel", table.CANCELLED)):
                target = getattr(args, action)
                if target is not None:
                    async with database.transaction() as session:
                        changed = await table.set_status(session, target, status, None)
                    print(f"broadcast #{target}: {status}" if changed else f"broadcast #{target} cannot be {status}")
                    return 0 if changed else 1
            kind, _, value = args.audience.partition(":")
            if kind not in table.AUDIENCES or (kind in ("province", "language") and not value):
                print(f"Cannot broadcast: unknown --audience {args.audience!r}", file=sys.stderr)
                return 2
            audience = table.Audience(kind, value or None)
            buttons = []
            if args.button:
                parsed, reason = parse_buttons("\n".join(args.button))
                if parsed is None:
                    print(f"Cannot broadcast: --button ({reason}); use \"Label | https://link\"", file=sys.stderr)
                    return 2
                buttons = parsed
            when = None
            if args.at:
                when, reason = parse_send_time(args.at, settings.default_timezone, datetime.now(timezone.utc))
                if when is None:
                    print(f"Cannot broadcast: --at ({reason})", file=sys.stderr)
                    return 2
            async with database.transaction() as session:
                count = await table.count_recipients(session, audience)
                if args.dry_run:
                    print(f"{count} recipients")
                    return 0
                if not (args.text or "").strip():
                    print("Cannot broadcast: --text is required", file=sys.stderr)
                    return 2
                item = await table.create(session, None, audience, text_html=args.text, buttons=buttons,
                                          paid=args.paid, scheduled_at=when)
            print(f"broadcast #{item.id} queued for {item.recipients} recipients"
                  + (f" at {when.isoformat()}" if when else "") + "; a running bot or worker sends it")
            return 0
        finally:
            await database.dispose()

    return asyncio.run(act())
