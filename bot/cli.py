"""Command line: `python -m bot COMMAND` (also installed as `lindungi-bot`); `python -m bot --help` lists the commands.

Settings come from the environment and `.env` only; in particular the token is never accepted as an
argument (it would end up in shell history and process lists). This module parses the arguments and runs the
processes (run, worker, console, sandbox); the other commands live in `bot.runtime.commands`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from urllib.parse import urlparse

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.core.settings import MISSING_TOKEN_MESSAGE, Settings, SettingsError, load_settings
from bot.runtime.commands.broadcast import run_broadcast
from bot.runtime.commands.database import run_db
from bot.runtime.commands.export import run_export
from bot.runtime.commands.faq import run_faq
from bot.runtime.commands.quote import run_quote
from bot.runtime.commands.report import run_report
from bot.runtime.commands.rotate_key import run_rotate_key

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
    console.add_argument("--admin", action="store_true", help="start speaking as the admin (/sebagai admin)")
    console.add_argument("--database", help="database URL (default: a separate ./data/console.db)")
    console.add_argument("--user-id", type=int, default=100_000_001,
                         help="the first simulated user's Telegram id (users 2 and 3 and the admin follow from it)")
    console.add_argument("--no-support-chat", action="store_true",
                         help="no support group: questions passed to a person wait in the admins' inbox (/tiket)")

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
    rotate = commands.add_parser("rotate-key", help='move personal data to a new key: DATA_KEY="NEW,OLD" (see README)')
    rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

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
    export.add_argument("kind", choices=["applications", "pledges", "pledge-months", "payments"])
    export.add_argument("--status", help="applications: diajukan|terdaftar|ditolak; pledges: aktif|dibatalkan; "
                                         "payments: terverifikasi|belum_diverifikasi|ditolak (or the English words)")
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
            print(new_data_key())
            return 0
        if command == "rotate-key":
            return run_rotate_key(settings, args)
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


def _ready_to_start(settings: Settings) -> PersonalDataCipher | int:
    """What `run` and `worker` check first: the token, then the key and the database
    (bot.runtime.data_key_check.ready_for_personal_data). The cipher, or the exit status to stop with."""
    if settings.bot_token is None:
        print(MISSING_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    from bot.core.logs import configure_logging
    from bot.runtime.data_key_check import ready_for_personal_data

    configure_logging(settings.log_level, settings.secrets())
    return ready_for_personal_data(settings, "Cannot start")


def run_bot(settings: Settings) -> int:
    if isinstance(ready := _ready_to_start(settings), int):
        return ready
    from telegram.error import InvalidToken, NetworkError

    from bot.runtime.application import ALLOWED_UPDATES, build_application

    application = build_application(settings)
    mode = "webhook" if settings.webhook_url else "polling"
    log.info("Lindungi Pekerja starting (%s, %s database)", mode, application.bot_data["services"].db.dialect)
    try:
        if settings.webhook_url:
            from bot.infra.webhook_limits import limit_webhook_bodies

            limit_webhook_bodies()
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
    if isinstance(ready := _ready_to_start(settings), int):
        return ready
    return asyncio.run(_worker(settings, ready))


async def _worker(settings: Settings, cipher: PersonalDataCipher) -> int:
    from bot.core.i18n import default_translator
    from bot.infra.database import Database
    from bot.runtime.bulk_sending import BulkSending

    database = Database(settings.database_url)
    try:
        await BulkSending(settings, database, default_translator(), cipher).run_until_signalled()
    finally:
        await database.dispose()
    return 0


def run_console(settings: Settings, args: argparse.Namespace | None) -> int:
    from bot.devtools.console import CONSOLE_DATABASE_URL, Console

    database = getattr(args, "database", None) or CONSOLE_DATABASE_URL
    console = Console(settings, database_url=database, admin=bool(getattr(args, "admin", False)),
                      user_id=getattr(args, "user_id", 100_000_001),
                      support_group=not getattr(args, "no_support_chat", False))
    return asyncio.run(console.run())


def run_sandbox(args: argparse.Namespace) -> int:
    from bot.devtools.telegram_standin import RateLimits, serve_forever

    asyncio.run(serve_forever(args.host, args.port, RateLimits() if args.limits else None))
    return 0
