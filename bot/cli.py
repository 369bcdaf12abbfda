"""Command line: `python -m bot [run|start|worker|console|db ...|export ...|report|sandbox]` (also installed as `lindungi-bot`).

Settings come from the environment and `.env` only; in particular the token is never accepted as an
argument (it would end up in shell history and process lists).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from urllib.parse import urlparse

from sqlalchemy.engine import make_url

from bot.core.settings import MISSING_TOKEN_MESSAGE, Settings, SettingsError, load_settings

log = logging.getLogger("bot")


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments give one line and exit status 2 (argparse would print its usage block first)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m bot", description="Lindungi Pekerja Telegram bot")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (default): long polling, or webhook when WEBHOOK_URL is set")
    commands.add_parser("start", help="run the bot if BOT_TOKEN is set, otherwise open the console")
    commands.add_parser("worker", help="plan and send reminders only (no updates received); run any number")
    console = commands.add_parser("console", help="chat with the bot in this terminal, no token needed")
    console.add_argument("--admin", action="store_true", help="chat as an admin")
    console.add_argument("--database", help="database URL (default: a separate ./data/console.db)")
    console.add_argument("--user-id", type=int, default=100_000_001, help="your simulated Telegram id")

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations (also done at every start)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = db_commands.add_parser("downgrade", help="revert migrations down to REVISION")
    downgrade.add_argument("revision")
    db_commands.add_parser("current", help="show the applied revision")
    revision = db_commands.add_parser("revision", help="create a migration from the table definitions")
    revision.add_argument("-m", "--message", required=True)

    faq = commands.add_parser("faq", help="the question matcher, without Telegram")
    faq_commands = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    faq_commands.add_parser("classify", help="one question per line on stdin -> one JSON object per line")
    ask = faq_commands.add_parser("ask", help="print the answer as the user would see it")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=["id", "en"], default=None)

    quote = commands.add_parser("quote", help="monthly contribution of an informal worker, as JSON")
    quote.add_argument("--income", required=True, help="declared monthly income in rupiah")
    quote.add_argument("--programs", default="jkk,jkm", help="comma-separated: jkk,jkm[,jht]")
    quote.add_argument("--period", required=True, help="first contribution month, YYYY-MM")
    quote.add_argument("--months", default="1", help="months to pay (1-12)")
    quote.add_argument("--workers", default="1", help="number of workers (sponsors)")
    quote.add_argument("--transport", action="store_true", help="transport worker (ojek, driver, courier)")
    quote.add_argument("--government-paid", action="store_true", help="contributions paid by APBN/APBD")

    commands.add_parser("keygen", help="print a new DATA_KEY for encrypting personal data")

    broadcast = commands.add_parser("broadcast", help="queue an announcement (a running bot or worker sends it)")
    broadcast.add_argument("--text", help="the message, Telegram HTML (<b>, <i>, <a href=...>)")
    broadcast.add_argument("--audience", default="everyone",
                           help="everyone | workers | sponsors | unpaid | province:NAME | language:id|en")
    broadcast.add_argument("--button", action="append", default=[], help='"Label | https://link" (repeatable)')
    broadcast.add_argument("--at", help="send time, YYYY-MM-DD HH:MM in DEFAULT_TIMEZONE (default: now)")
    broadcast.add_argument("--paid", action="store_true", help="Telegram paid broadcast: fast, costs Stars")
    broadcast.add_argument("--dry-run", action="store_true", help="only count the recipients")
    broadcast.add_argument("--list", action="store_true", help="show recent broadcasts and their figures")
    broadcast.add_argument("--pause", type=int, metavar="ID")
    broadcast.add_argument("--resume", type=int, metavar="ID")
    broadcast.add_argument("--cancel", type=int, metavar="ID")

    export = commands.add_parser("export", help="CSV for the branch office (contains personal data, unmasked)")
    export.add_argument("kind", choices=["applications", "pledges", "payments"])
    export.add_argument("--status", help="applications: submitted|registered|rejected; pledges: active|cancelled; "
                                         "payments: verified|unverified")
    export.add_argument("--from", dest="since", help="first day, YYYY-MM-DD (local time)")
    export.add_argument("--to", dest="until", help="last day, YYYY-MM-DD (local time)")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")

    report = commands.add_parser("report", help="the admins' dashboard figures as text, JSON or a PNG picture")
    report.add_argument("--format", choices=["text", "json", "png"], default="text")
    report.add_argument("--output", "-o", help="file to write (PNG default: dashboard-YYYY-MM-DD.png)")
    report.add_argument("--lang", choices=["id", "en"], default=None, help="language (default DEFAULT_LANGUAGE)")

    sandbox = commands.add_parser("sandbox", help="serve the local Telegram Bot API stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--limits", action="store_true", help="enforce Telegram's rate limits (429s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        if command == "run":
            return run_bot(settings)
        if command == "worker":
            return run_worker(settings)
        if command == "start":
            return run_bot(settings) if settings.bot_token else run_console(settings, args=None)
        if command == "console":
            return run_console(settings, args=args)
        if command == "db":
            return run_db(settings, args)
        if command == "faq":
            return run_faq(settings, args)
        if command == "quote":
            return run_quote(settings, args)
        if command == "keygen":
            from bot.core.crypto import new_data_key

            print(new_data_key())
            return 0
        if command == "broadcast":
            return run_broadcast(settings, args)
        if command == "export":
            return run_export(settings, args)
        if command == "report":
            return run_report(settings, args)
        if command == "sandbox":
            return run_sandbox(args)
    except KeyboardInterrupt:
        return 130
    raise AssertionError(command)


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


def run_bot(settings: Settings) -> int:
    if settings.bot_token is None:
        print(MISSING_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    from telegram.error import InvalidToken, NetworkError

    from bot.core.crypto import DataKeyError, cipher_for
    from bot.core.logs import configure_logging
    from bot.runtime.application import ALLOWED_UPDATES, build_application

    configure_logging(settings.log_level, settings.secrets())
    try:  # before touching the database: a deployment without its key must not start at all
        cipher_for(settings.data_key.get_secret_value() if settings.data_key else None, settings.database_url)
    except DataKeyError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    application = build_application(settings)
    mode = "webhook" if settings.webhook_url else "polling"
    log.info("Lindungi Pekerja starting (%s, %s database)", mode, application.bot_data["services"].db.dialect)
    try:
        if settings.webhook_url:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret_value,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=3,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3)
    except InvalidToken:
        print("BOT_TOKEN was refused by Telegram: copy it again from @BotFather.", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"Cannot listen for webhooks on {settings.webhook_listen}:{settings.webhook_port} "
              f"({error.strerror or type(error).__name__}): check WEBHOOK_LISTEN and WEBHOOK_PORT.", file=sys.stderr)
        return 1
    except NetworkError as error:
        print(f"Cannot reach the Telegram Bot API at {settings.telegram_base_url}: {type(error).__name__}. "
              "Check TELEGRAM_BASE_URL and the network.", file=sys.stderr)
        return 1
    return 0


def run_worker(settings: Settings) -> int:
    if settings.bot_token is None:
        print(MISSING_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    from bot.core.crypto import DataKeyError, cipher_for
    from bot.core.logs import configure_logging

    configure_logging(settings.log_level, settings.secrets())
    try:
        cipher, _ = cipher_for(settings.data_key.get_secret_value() if settings.data_key else None,
                               settings.database_url)
    except DataKeyError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    return asyncio.run(_worker(settings, cipher))


async def _worker(settings: Settings, cipher) -> int:  # noqa: ANN001
    from datetime import timedelta

    from telegram import Bot
    from telegram.constants import ParseMode
    from telegram.ext import Defaults, ExtBot

    from bot.core.i18n import default_translator
    from bot.infra.database import Database
    from bot.infra.pacing import PacedSender
    from bot.infra.transport import bot_api_request
    from bot.jobs.broadcast_sender import BroadcastSender
    from bot.jobs.reminder_sender import ReminderService
    from bot.jobs.scheduler import run_worker as run_scheduler_until_stopped

    database = Database(settings.database_url)
    bot: Bot = ExtBot(settings.token, base_url=settings.api_base_url, base_file_url=settings.api_file_url,
                      defaults=Defaults(parse_mode=ParseMode.HTML),
                      request=bot_api_request(settings, pool_size=32))
    try:
        async with bot:
            pacer = PacedSender(settings.send_rate)  # one bulk budget for reminders and broadcasts
            texts = default_translator()
            service = ReminderService(database, texts, cipher, bot, pacer, default_timezone=settings.default_timezone,
                                      claim_timeout=timedelta(seconds=settings.claim_timeout))
            broadcasts = BroadcastSender(database, texts, bot, pacer,
                                         claim_timeout=timedelta(seconds=settings.claim_timeout))
            await run_scheduler_until_stopped(service, dispatch_every=settings.dispatch_every, broadcasts=broadcasts)
    finally:
        await database.dispose()
    return 0


def run_console(settings: Settings, args: argparse.Namespace | None) -> int:
    from bot.devtools.console import CONSOLE_DATABASE_URL, Console

    database = getattr(args, "database", None) or CONSOLE_DATABASE_URL
    console = Console(settings, database_url=database, admin=bool(getattr(args, "admin", False)),
                      user_id=getattr(args, "user_id", 100_000_001))
    return asyncio.run(console.run())


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


def run_faq(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from bot.questions.matcher import default_matcher

    matcher = default_matcher()
    if args.faq_command == "classify":
        for line in sys.stdin:
            result = matcher.match(line.rstrip("\n"))
            sys.stdout.write(json.dumps({"topic": result.topic, "score": result.score}) + "\n")
            sys.stdout.flush()
        return 0
    from bot.core.i18n import default_translator
    from bot.questions.desk import QuestionDesk, small_talk
    from bot.questions.knowledge_base import default_knowledge

    lang = args.lang or settings.default_language
    desk = QuestionDesk(default_knowledge(), matcher, default_translator())
    chat = small_talk(args.question)
    if chat is not None:
        print(default_translator().t(lang, f"faq.{chat}"))
        return 0
    print(desk.reply_to(desk.classify(args.question), lang, ticket_id=None).as_plain_text())
    return 0


def run_quote(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from bot.contributions.rules import QuoteError, as_json, parse_month, quote
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


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    import os
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from bot.core.crypto import DataKeyError, cipher_for
    from bot.infra.database import Database
    from bot.reports.export import STATUS_WORDS, ExportRequest
    from models.export import export_csv

    try:
        since = date.fromisoformat(args.since) if args.since else None
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        print("Cannot export: --from and --to must be dates like 2026-11-30", file=sys.stderr)
        return 2
    if args.status is not None and args.status not in set(STATUS_WORDS[args.kind].values()):
        print(f"Cannot export: --status for {args.kind} is one of "
              f"{', '.join(sorted(set(STATUS_WORDS[args.kind].values())))}", file=sys.stderr)
        return 2
    if since and until and since > until:
        print("Cannot export: --from is after --to", file=sys.stderr)
        return 2
    try:
        data_key = settings.data_key.get_secret_value() if settings.data_key else None
        cipher, _ = cipher_for(data_key, settings.database_url)
    except DataKeyError as error:
        print(f"Cannot export: {error}", file=sys.stderr)
        return 2
    if (code := prepare_database(settings)) != 0:
        return code
    request = ExportRequest(args.kind, args.status, since, until)

    async def export() -> tuple[bytes, int]:
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                content, count = await export_csv(session, cipher, request, settings.default_timezone)
            from models import audit

            async with database.transaction() as session:
                await audit.record(session, None, "export.cli", args.kind, status=args.status, since=since,
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


def run_sandbox(args: argparse.Namespace) -> int:
    from bot.devtools.telegram_standin import RateLimits, serve_forever

    asyncio.run(serve_forever(args.host, args.port, RateLimits() if args.limits else None))
    return 0
