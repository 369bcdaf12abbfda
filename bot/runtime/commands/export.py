"""`python -m bot export`: CSV for the branch office (personal data, unmasked; the file is owner-only)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.core.settings import Settings


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    import os
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from bot.core.crypto import DataKeyError
    from bot.infra.database import Database
    from bot.reports.export import FIRST_DAY, LAST_DAY, STATUS_IN_FILE, STATUS_WORDS, ExportError, ExportRequest
    from bot.runtime.data_key_check import ready_for_personal_data
    from models.export import export_csv

    kind = args.kind.replace("-", "_")  # pledge-months
    try:
        since = date.fromisoformat(args.since) if args.since else None
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        print("Cannot export: --from and --to must be dates like 2026-11-30", file=sys.stderr)
        return 2
    status = STATUS_WORDS[kind].get(args.status.lower()) if args.status is not None else None
    if args.status is not None and status is None:
        print(f"Cannot export: --status for {args.kind} is one of "
              f"{', '.join(sorted(STATUS_IN_FILE[kind].values()))}", file=sys.stderr)
        return 2
    try:
        request = ExportRequest(kind, status, since, until).checked()
    except ExportError as error:
        print("Cannot export: " + {"range": f"--from and --to must be between {FIRST_DAY} and {LAST_DAY}",
                                   "dates": "--from is after --to"}[error.code], file=sys.stderr)
        return 2
    if isinstance(cipher := ready_for_personal_data(settings, "Cannot export"), int):
        return cipher

    async def export() -> tuple[bytes, int]:
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                content, count = await export_csv(session, cipher, request, settings.default_timezone)
            from models import audit

            async with database.transaction() as session:
                await audit.record(session, None, "export.cli", args.kind, status=status, since=since,
                                   until=until, rows=count)
            return content, count
        finally:
            await database.dispose()

    try:
        content, count = asyncio.run(export())
    except DataKeyError as error:
        print(f"Cannot export: {error}", file=sys.stderr)
        return 2
    if args.output:
        descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        today = datetime.now(ZoneInfo(settings.default_timezone)).date()
        print(f"{count} rows written to {args.output} (as of {today.isoformat()}).", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    return 0
