"""Logging set-up: one line per event, secrets redacted, chatty libraries quietened.

Personal data (names, NIK, phone numbers, message text) is never passed to a logger in this code base. The
libraries underneath are another matter: at DEBUG python-telegram-bot writes whole updates and API results,
httpx, aiohttp and the database drivers write request payloads and SQL parameters. Their loggers never go below
INFO, whatever LOG_LEVEL says, and a filter on the handler drops any DEBUG record of theirs that gets through.
The formatter is the last line of defence for secrets that libraries may print: httpx logs request URLs, and a
Bot API URL contains the token; tracebacks can quote them too.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Iterable

_TOKEN_IN_TEXT = re.compile(r"\d{6,20}:[A-Za-z0-9_-]{30,}")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        text = _TOKEN_IN_TEXT.sub("<token>", text)
        for secret in self._secrets:
            text = text.replace(secret, "<secret>")
        return text


def redact_in_logs(secret: str) -> None:
    """Hide `secret` in every line from now on (for secrets known only after logging is set up)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, RedactingFormatter) and secret and secret not in handler.formatter._secrets:
            handler.formatter._secrets.append(secret)


class ShortNetworkRetries(logging.Filter):
    """PTB logs a full traceback for every failed network retry; the one-line reason is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage().startswith("Network Retry Loop"):
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


# Loggers (and their children) that write message contents or request payloads below INFO.
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore", "hpack", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg",
                   "apscheduler", "asyncio", "alembic", "urllib3", "multipart")


def _is_payload_logger(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in PAYLOAD_LOGGERS)


class NoLibraryDebug(logging.Filter):
    """Drops DEBUG records of the libraries in PAYLOAD_LOGGERS, even if something lowered their level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or not _is_payload_logger(record.name)


class ExpectedSkips(logging.Filter):
    """APScheduler warns each time a run is skipped because the previous one is still going. For the one-second
    broadcast job that is the normal state during a broadcast, not a problem worth a line a second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("apscheduler") and "maximum number of running instances reached"
                    in record.getMessage())


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    global _pseudonym_key
    secrets = [s for s in secrets if s]
    if secrets:
        _pseudonym_key = pseudonym_key(secrets[0])
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    handler.addFilter(NoLibraryDebug())
    handler.addFilter(ShortNetworkRetries())
    handler.addFilter(ExpectedSkips())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for library in PAYLOAD_LOGGERS:
        logging.getLogger(library).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # httpx logs every request URL (with the token) at INFO; apscheduler logs every job run; SQLAlchemy's engine
    # logs each statement with its parameters at INFO.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio", "aiohttp.access", "alembic",
                  "sqlalchemy", "asyncpg"):
        logging.getLogger(noisy).setLevel(quiet)
    logging.getLogger(__name__).debug("debug logging on; the libraries' loggers stay at INFO or above")


# Keyed with the deployment's first secret (the bot token) once logging is configured, so a pseudonym cannot be
# reversed by hashing candidate Telegram ids with a key from the source code. Every process of one deployment
# shares the token, so their logs still correlate.
_pseudonym_key = b"lindungi-log"


def pseudonym_key(secret: str) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"log-pseudonym").digest()


def user_ref(user_id: int | None, *, key: bytes | None = None) -> str:
    """A short, stable pseudonym for a Telegram user id, so logs can correlate without identifying."""
    if user_id is None:
        return "-"
    return "u" + hashlib.blake2b(str(user_id).encode(), digest_size=4, key=key or _pseudonym_key).hexdigest()
