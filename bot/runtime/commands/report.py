"""`python -m bot report`: the admins' dashboard figures as text, JSON or a PNG picture."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.core.settings import Settings
from bot.runtime.commands.database import prepare_database


def run_report(settings: Settings, args: argparse.Namespace) -> int:
    """The dashboard without Telegram. Aggregates only, no personal data, so files get ordinary permissions."""
    import json

    from bot.core.i18n import default_translator, plain
    from bot.infra.database import Database
    from bot.reports.charts import render_png
    from bot.reports.dashboard import dashboard_chart, summary
    from models import report
    from models.base import utcnow

    if (code := prepare_database(settings)) != 0:
        return code
    lang = args.lang or settings.default_language

    async def gather():  # noqa: ANN202
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                return await report.dashboard_figures(session, utcnow(), settings.default_timezone)
        finally:
            await database.dispose()

    figures = asyncio.run(gather())
    texts = default_translator()
    if args.format == "png":
        path = args.output or f"dashboard-{figures.generated_at.date().isoformat()}.png"
        with open(path, "wb") as handle:
            handle.write(render_png(dashboard_chart(figures, texts, lang)))
        print(f"Dashboard picture written to {path}.", file=sys.stderr)
        return 0
    if args.format == "json":
        content = json.dumps(figures.as_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        content = plain(summary(figures, texts, lang)) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(content)
    else:
        sys.stdout.write(content)
    return 0
